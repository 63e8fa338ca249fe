import fc from 'fast-check';
import { boundStatement, ParameterError, quote, trinoLiteral } from './trino-literal';
import { MAX_PARAMETERS, parametersProblem } from './parameters.validator';

/** Reads a literal made by quote() back the way Trino's lexer does: '' is one quote. */
function unquote(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
  const body = literal.slice(1, -1);
  expect(body.replace(/''/g, '')).not.toContain("'");
  return body.replace(/''/g, "'");
}

describe('trinoLiteral', () => {
  it.each<[unknown, string]>([
    [null, 'NULL'],
    [true, 'true'],
    [false, 'false'],
    ['ALGERIA', "'ALGERIA'"],
    ["x' OR '1'='1", "'x'' OR ''1''=''1'"],
    ['back\\slash\nnew line', "'back\\slash\nnew line'"],
    [42, "BIGINT '42'"],
    [-9007199254740991, "BIGINT '-9007199254740991'"],
    [0.1, "DOUBLE '0.1'"],
    [1e-7, "DOUBLE '1e-7'"],
  ])('plain %j is %s', (value, literal) => {
    expect(trinoLiteral(value)).toBe(literal);
  });

  it.each<[string, string, string]>([
    ['bigint', '9223372036854775807', "CAST('9223372036854775807' AS bigint)"],
    ['BIGINT', '-9223372036854775808', "CAST('-9223372036854775808' AS bigint)"],
    ['integer', '2147483647', "CAST('2147483647' AS integer)"],
    ['smallint', '-32768', "CAST('-32768' AS smallint)"],
    ['tinyint', '127', "CAST('127' AS tinyint)"],
    [
      'decimal(38,18)',
      '12345678901234567890.123456789012345678',
      "CAST('12345678901234567890.123456789012345678' AS decimal(38,18))",
    ],
    ['decimal( 5 , 2 )', '-123.4', "CAST('-123.4' AS decimal(5,2))"],
    ['decimal(3)', '999', "CAST('999' AS decimal(3))"],
    ['real', '1.5', "CAST('1.5' AS real)"],
    ['double', '-Infinity', "CAST('-Infinity' AS double)"],
    ['varchar(3)', 'abc', "CAST('abc' AS varchar(3))"],
    ['char(2)', "'", "CAST('''' AS char(2))"],
    ['varbinary', 'AP8=', "X'00ff'"],
    ['date', '2024-02-29', "CAST('2024-02-29' AS date)"],
    ['time(6)', '23:59:59.123456', "CAST('23:59:59.123456' AS time(6))"],
    ['time with time zone', '10:00:00+02:00', "CAST('10:00:00+02:00' AS time with time zone)"],
    ['timestamp(3)', '2024-01-02T03:04:05.678', "CAST('2024-01-02 03:04:05.678' AS timestamp(3))"],
    [
      'timestamp(0) with time zone',
      '2024-01-02 03:04:05 Europe/Paris',
      "CAST('2024-01-02 03:04:05 Europe/Paris' AS timestamp(0) with time zone)",
    ],
    [
      'timestamp(3) with time zone',
      '2024-01-02T03:04:05.000Z',
      "CAST('2024-01-02 03:04:05.000 UTC' AS timestamp(3) with time zone)",
    ],
    ['json', '{"a":[1,2]}', 'json_parse(\'{"a":[1,2]}\')'],
    [
      'uuid',
      '12151fd2-7586-11e9-8f9e-2a86e4085a59',
      "CAST('12151fd2-7586-11e9-8f9e-2a86e4085a59' AS uuid)",
    ],
    ['boolean', 'true', 'true'],
  ])('{type: %s, value: %s} is %s', (type, value, literal) => {
    expect(trinoLiteral({ type, value })).toBe(literal);
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown type', { type: 'varchar); DROP TABLE x; --', value: 'a' }, /unknown type/],
    ['a type with a stray argument', { type: 'bigint(3)', value: '1' }, /unknown type/],
    ['zone on a date', { type: 'date with time zone', value: '2024-01-01' }, /unknown type/],
    ['bigint over the top', { type: 'bigint', value: '9223372036854775808' }, /not a valid bigint/],
    ['a fraction as integer', { type: 'integer', value: '1.5' }, /not a valid integer/],
    ['tinyint 128', { type: 'tinyint', value: '128' }, /not a valid tinyint/],
    ['too much scale', { type: 'decimal(5,2)', value: '1.234' }, /too many digits/],
    ['too many whole digits', { type: 'decimal(5,2)', value: '1234' }, /too many digits/],
    ['letters as decimal', { type: 'decimal(5,2)', value: '1e3' }, /not a valid decimal/],
    ['not base64', { type: 'varbinary', value: 'AP8' }, /base64/],
    ['31 February', { type: 'date', value: '2024-02-31' }, /no such date/],
    ['an American date', { type: 'date', value: '02/03/2024' }, /YYYY-MM-DD/],
    ['too precise a time', { type: 'time(3)', value: '10:00:00.1234' }, /fractional digits/],
    ['hour 24', { type: 'time', value: '24:00:00' }, /HH:MM:SS/],
    [
      'a timestamp without its zone',
      { type: 'timestamp(3) with time zone', value: '2024-01-01 00:00:00' },
      /time zone/,
    ],
    ['broken json', { type: 'json', value: '{a}' }, /not a valid json/],
    ['a short uuid', { type: 'uuid', value: '1234' }, /not a valid uuid/],
    ['a long varchar(2)', { type: 'varchar(2)', value: 'abc' }, /too long/],
    ['a number value', { type: 'bigint', value: 5 }, /must be a string/],
    ['an extra key', { type: 'bigint', value: '5', extra: 1 }, /must be a string/],
    ['an array', [1], /must be a string/],
    ['an unsafe integer', 2 ** 53, /beyond ±2\^53/],
    ['a lone surrogate', 'a\ud800b', /not valid Unicode/],
  ])('refuses %s', (_label, value, message) => {
    expect(() => trinoLiteral(value)).toThrow(ParameterError);
    expect(() => trinoLiteral(value)).toThrow(message);
  });

  it('quote() round-trips any valid string, however hostile', () => {
    const hostile = fc.string({
      unit: fc.oneof(
        fc.constantFrom("'", "''", '\\', '\n', '\r', '\0', '--', '/*', '*/', '?', ';', '"', '`'),
        fc.string({ unit: 'grapheme', maxLength: 1 }),
      ),
    });
    fc.assert(fc.property(hostile, (text) => unquote(quote(text)) === text));
  });
});

describe('boundStatement', () => {
  it('sends SQL unchanged when there is nothing to bind', () => {
    expect(boundStatement('SELECT 1', undefined)).toBe('SELECT 1');
    expect(boundStatement('SELECT 1', [])).toBe('SELECT 1');
  });

  it('quotes the SQL and lists the literals', () => {
    expect(boundStatement("SELECT ? WHERE 'a' = ?", ['x', 1])).toBe(
      "EXECUTE IMMEDIATE 'SELECT ? WHERE ''a'' = ?' USING 'x', BIGINT '1'",
    );
  });

  it('names the index of the value it cannot bind', () => {
    expect(() => boundStatement('SELECT ?, ?', [1, { type: 'nope', value: '' }])).toThrow(
      /^parameters\[1\] has an unknown type/,
    );
  });
});

describe('parametersProblem', () => {
  it('is undefined for values that bind, and names the first bad index otherwise', () => {
    expect(parametersProblem(['a', 1, null])).toBeUndefined();
    expect(parametersProblem(['a', Infinity])).toBe('parameters[1] is not a finite number');
    expect(parametersProblem('a')).toBe('parameters must be an array');
  });

  it(`allows ${MAX_PARAMETERS} values, not one more`, () => {
    expect(parametersProblem(Array<number>(MAX_PARAMETERS).fill(1))).toBeUndefined();
    expect(parametersProblem(Array<number>(MAX_PARAMETERS + 1).fill(1))).toMatch(
      /not hold more than 1000 values \(got 1001\)/,
    );
  });
});
