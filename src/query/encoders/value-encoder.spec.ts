import { typeNode, type ClientTypeSignature } from '../../trino/trino-types';
import { csvText, genericJson, jsonEncoder } from './value-encoder';

const sig = (rawType: string, ...args: ClientTypeSignature[]): ClientTypeSignature => ({
  rawType,
  arguments: args.map((value) => ({ kind: 'TYPE' as const, value })),
});
const row = (...fields: [string | null, ClientTypeSignature][]): ClientTypeSignature => ({
  rawType: 'row',
  arguments: fields.map(([name, typeSignature]) => ({
    kind: 'NAMED_TYPE' as const,
    value: { fieldName: name === null ? null : { name }, typeSignature },
  })),
});
const json = (s: ClientTypeSignature) => jsonEncoder(typeNode(s));
const csv = (s: ClientTypeSignature) => csvText(typeNode(s));

const MAX = 9223372036854775807n;
const MIN = -9223372036854775808n;

describe('jsonEncoder', () => {
  it.each<[string, ClientTypeSignature, unknown, string]>([
    ['bigint max as BigInt', sig('bigint'), MAX, '9223372036854775807'],
    ['bigint min as BigInt', sig('bigint'), MIN, '-9223372036854775808'],
    ['bigint 2^53+1 as BigInt', sig('bigint'), 9007199254740993n, '9007199254740993'],
    ['bigint safe number', sig('bigint'), 9007199254740991, '9007199254740991'],
    ['bigint zero', sig('bigint'), 0, '0'],
    ['integer', sig('integer'), -2147483648, '-2147483648'],
    ['smallint', sig('smallint'), 32767, '32767'],
    ['tinyint', sig('tinyint'), -128, '-128'],
    ['decimal keeps scale', sig('decimal'), '250.00', '250.00'],
    ['decimal negative', sig('decimal'), '-0.10', '-0.10'],
    [
      'decimal(38) all digits',
      sig('decimal'),
      '12345678901234567890123456789012345678',
      '12345678901234567890123456789012345678',
    ],
    ['double finite', sig('double'), 1.5, '1.5'],
    ['double large', sig('double'), 1.5e300, '1.5e+300'],
    ['double shortest round trip', sig('double'), 0.1, '0.1'],
    ['double NaN string', sig('double'), 'NaN', '"NaN"'],
    ['double Infinity string', sig('double'), 'Infinity', '"Infinity"'],
    ['double -Infinity string', sig('double'), '-Infinity', '"-Infinity"'],
    ['real finite', sig('real'), 3.14, '3.14'],
    ['real NaN string', sig('real'), 'NaN', '"NaN"'],
    ['varchar', sig('varchar'), 'a "quoted"\nline', '"a \\"quoted\\"\\nline"'],
    [
      'varchar digits stay a string',
      sig('varchar'),
      '9223372036854775807',
      '"9223372036854775807"',
    ],
    ['boolean', sig('boolean'), true, 'true'],
    ['date', sig('date'), '2024-02-29', '"2024-02-29"'],
    [
      'timestamp keeps precision',
      sig('timestamp'),
      '2024-01-01 12:00:00.123456789',
      '"2024-01-01 12:00:00.123456789"',
    ],
    ['varbinary base64', sig('varbinary'), 'AAEC/w==', '"AAEC/w=="'],
    ['json stays text', sig('json'), '{"a":1}', '"{\\"a\\":1}"'],
    [
      'uuid',
      sig('uuid'),
      '12151fd2-7586-11e9-8f9e-2a86e4085a59',
      '"12151fd2-7586-11e9-8f9e-2a86e4085a59"',
    ],
    ['array(bigint)', sig('array', sig('bigint')), [1, MAX, null, MIN], `[1,${MAX},null,${MIN}]`],
    ['empty array', sig('array', sig('bigint')), [], '[]'],
    ['array(double) with NaN', sig('array', sig('double')), [1.5, 'NaN', null], '[1.5,"NaN",null]'],
    ['array(decimal)', sig('array', sig('decimal')), ['1.10', null], '[1.10,null]'],
    [
      'array(array(bigint))',
      sig('array', sig('array', sig('bigint'))),
      [[MAX], null, []],
      `[[${MAX}],null,[]]`,
    ],
    [
      'map(varchar, bigint)',
      sig('map', sig('varchar'), sig('bigint')),
      { a: MAX, b: null, c: 1 },
      `{"a":${MAX},"b":null,"c":1}`,
    ],
    ['empty map', sig('map', sig('varchar'), sig('bigint')), {}, '{}'],
    [
      'map(varchar, decimal)',
      sig('map', sig('varchar'), sig('decimal')),
      { x: '250.00' },
      '{"x":250.00}',
    ],
    [
      'map(bigint, varchar) keys are strings',
      sig('map', sig('bigint'), sig('varchar')),
      { '9223372036854775807': 'v' },
      '{"9223372036854775807":"v"}',
    ],
    [
      'map key needing escapes',
      sig('map', sig('varchar'), sig('integer')),
      { 'a"b\n': 1 },
      '{"a\\"b\\n":1}',
    ],
    [
      'map(varchar, array(bigint))',
      sig('map', sig('varchar'), sig('array', sig('bigint'))),
      { k: [MIN, null] },
      `{"k":[${MIN},null]}`,
    ],
    [
      'named row -> object',
      row(['x', sig('bigint')], ['y', sig('varchar')], ['z', sig('decimal')]),
      [MAX, 'v', '1.50'],
      `{"x":${MAX},"y":"v","z":1.50}`,
    ],
    [
      'named row with nulls',
      row(['x', sig('bigint')], ['y', sig('varchar')]),
      [null, null],
      '{"x":null,"y":null}',
    ],
    [
      'anonymous row -> array',
      row([null, sig('bigint')], [null, sig('double')]),
      [MIN, 'Infinity'],
      `[${MIN},"Infinity"]`,
    ],
    [
      'anonymous row with null',
      row([null, sig('bigint')], [null, sig('varchar')]),
      [null, 'a'],
      '[null,"a"]',
    ],
    [
      'partly named row -> object with positional names',
      row(['a', sig('bigint')], [null, sig('bigint')]),
      [1, 2],
      '{"a":1,"_2":2}',
    ],
    ['row field key needing escapes', row(['we"ird', sig('integer')]), [1], '{"we\\"ird":1}'],
    [
      'row nested in array nested in row',
      row([
        'items',
        sig('array', row(['id', sig('bigint')], ['tags', sig('array', sig('varchar'))])),
      ]),
      [[[MAX, ['a', null]], null]],
      `{"items":[{"id":${MAX},"tags":["a",null]},null]}`,
    ],
    [
      'array(row) anonymous',
      sig('array', row([null, sig('bigint')], [null, sig('varchar')])),
      [[1, 'a'], null],
      '[[1,"a"],null]',
    ],
  ])('%s', (_name, signature, value, expected) => {
    const out = json(signature)(value);
    expect(out).toBe(expected);
    // Always valid JSON text.
    expect(() => JSON.parse(out) as unknown).not.toThrow();
  });

  it('keeps a map key "__proto__" as data', () => {
    const value = JSON.parse('{"__proto__":5,"a":6}') as Record<string, unknown>;
    const out = json(sig('map', sig('varchar'), sig('bigint')))(value);
    expect(out).toBe('{"__proto__":5,"a":6}');
  });

  it('keeps a map key "__proto__" with a BigInt value', () => {
    const value: Record<string, unknown> = {};
    Object.defineProperty(value, '__proto__', { value: MAX, enumerable: true });
    expect(json(sig('map', sig('varchar'), sig('bigint')))(value)).toBe(`{"__proto__":${MAX}}`);
  });
});

describe('csvText', () => {
  it.each<[string, ClientTypeSignature, unknown, string]>([
    ['bigint BigInt', sig('bigint'), MAX, '9223372036854775807'],
    ['bigint min BigInt', sig('bigint'), MIN, '-9223372036854775808'],
    ['bigint number', sig('bigint'), 42, '42'],
    ['decimal as sent', sig('decimal'), '250.00', '250.00'],
    ['double', sig('double'), 1.5, '1.5'],
    ['double NaN', sig('double'), 'NaN', 'NaN'],
    ['double Infinity', sig('double'), '-Infinity', '-Infinity'],
    ['varchar quoted per RFC 4180', sig('varchar'), 'a,"b"\n', '"a,""b""\n"'],
    ['varchar plain', sig('varchar'), 'plain text', 'plain text'],
    ['varchar digits', sig('varchar'), '9223372036854775807', '9223372036854775807'],
    ['boolean', sig('boolean'), false, 'false'],
    ['json text, quoted', sig('json'), '{"a":1}', '"{""a"":1}"'],
    ['timestamp', sig('timestamp'), '2024-01-01 00:00:00.000', '2024-01-01 00:00:00.000'],
    [
      'array(bigint) as quoted JSON text',
      sig('array', sig('bigint')),
      [MAX, null],
      `"[${MAX},null]"`,
    ],
    [
      'array(varchar) as quoted JSON text',
      sig('array', sig('varchar')),
      ['a', 'b'],
      '"[""a"",""b""]"',
    ],
    [
      'map as quoted JSON text',
      sig('map', sig('varchar'), sig('decimal')),
      { k: '1.00' },
      '"{""k"":1.00}"',
    ],
    ['named row as quoted JSON text', row(['x', sig('bigint')]), [MIN], `"{""x"":${MIN}}"`],
    ['anonymous row as quoted JSON text', row([null, sig('varchar')]), ['v'], '"[""v""]"'],
  ])('%s', (_name, signature, value, expected) => {
    expect(csv(signature)(value)).toBe(expected);
  });
});

describe('genericJson', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'null'],
    ['undefined', undefined, 'null'],
    ['string', 'a"b', '"a\\"b"'],
    ['number', 1.25, '1.25'],
    ['BigInt', MAX, '9223372036854775807'],
    ['boolean', true, 'true'],
    ['array with BigInt', [1, MIN, 'x', null], `[1,${MIN},"x",null]`],
    [
      'object with BigInt inside',
      { a: MAX, b: { c: [MIN, { d: 1n }] }, e: 'x' },
      `{"a":${MAX},"b":{"c":[${MIN},{"d":1}]},"e":"x"}`,
    ],
    ['empty object', {}, '{}'],
    ['empty array', [], '[]'],
  ])('%s', (_name, value, expected) => {
    expect(genericJson(value)).toBe(expected);
  });

  it('writes an own "__proto__" key as data', () => {
    const value = JSON.parse('{"__proto__":{"x":1}}') as unknown;
    expect(genericJson(value)).toBe('{"__proto__":{"x":1}}');
  });
});
