import { parseExact } from './exact-json';

describe('parseExact', () => {
  describe('agrees with JSON.parse on ordinary documents', () => {
    it.each([
      ['null', 'null'],
      ['true', 'true'],
      ['false', 'false'],
      ['zero', '0'],
      ['negative zero', '-0'],
      ['negative integer', '-42'],
      ['fraction', '3.25'],
      ['negative fraction', '-0.5'],
      ['exponent', '1e10'],
      ['capital exponent with sign', '2.5E-3'],
      ['positive exponent sign', '6.02e+23'],
      ['huge double', '1.5e300'],
      ['overflowing double', '1e400'],
      ['tiny double', '5e-324'],
      ['max safe integer', '9007199254740991'],
      ['min safe integer', '-9007199254740991'],
      ['empty string', '""'],
      ['plain string', '"hello"'],
      ['escapes', '"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"'],
      ['unicode escape', '"\\u00e9\\u4e2d"'],
      ['surrogate pair escape', '"\\ud83d\\ude00"'],
      ['raw astral character', '"😀 é"'],
      ['escaped quote before the end', '"ends with \\""'],
      ['empty array', '[]'],
      ['empty object', '{}'],
      ['whitespace everywhere', ' \t\r\n{ "a" : [ 1 , 2 ,\n 3 ] , "b" : { } }\n '],
      ['nested', '{"a":{"b":[{"c":[null,true,false,"x",1.5,[]]}]},"d":-1e-7}'],
      ['array of mixed', '[1,"2",[3],{"4":5},null]'],
      ['duplicate keys (last wins)', '{"a":1,"a":2}'],
      ['integer-like keys', '{"2":"b","1":"a","x":"c"}'],
      ['string with brackets and digits', '["x,12345678901234567,y","{]\\"["]'],
      [
        'trino-like page',
        '{"id":"q","columns":[{"name":"a","type":"bigint"}],"data":[[1],[2]],"stats":{"state":"RUNNING"}}',
      ],
    ])('%s', (_name, text) => {
      const expected: unknown = JSON.parse(text);
      const actual = parseExact(text);
      expect(actual).toEqual(expected);
      // Be explicit about -0 and about key order, which toEqual does not check.
      if (typeof expected === 'number') expect(Object.is(actual, expected)).toBe(true);
      if (expected !== null && typeof expected === 'object')
        expect(Object.keys(actual as object)).toEqual(Object.keys(expected));
    });
  });

  describe('integers outside the safe range become exact BigInts', () => {
    it.each([
      ['9223372036854775807', 9223372036854775807n],
      ['-9223372036854775808', -9223372036854775808n],
      ['-9223372036854775807', -9223372036854775807n],
      ['9223372036854775808', 9223372036854775808n],
      ['9007199254740993', 9007199254740993n],
      ['9007199254740992', 9007199254740992n],
      ['-9007199254740992', -9007199254740992n],
      ['12345678901234567890123456789', 12345678901234567890123456789n],
    ])('%s', (text, expected) => {
      expect(parseExact(text)).toBe(expected);
      expect(parseExact(`[${text}]`)).toEqual([expected]);
      expect(parseExact(`{"v":${text}}`)).toEqual({ v: expected });
      expect(parseExact(`{"data":[[1,[${text}],{"k":${text}}]]}`)).toEqual({
        data: [[1, [expected], { k: expected }]],
      });
    });
  });

  describe('values that JSON.parse keeps exactly stay numbers', () => {
    it.each([
      ['9007199254740991', 9007199254740991],
      ['-9007199254740991', -9007199254740991],
      ['1.5e300', 1.5e300],
      ['9223372036854775807.0', 2 ** 63],
      ['9.223372036854776E18', 9.223372036854776e18],
      ['1e20', 1e20],
      ['123', 123],
    ])('%s', (text, expected) => {
      const v = parseExact(text);
      expect(typeof v).toBe('number');
      expect(v).toBe(expected);
    });
  });

  it.each([
    '"x,12345678901234567,y"',
    '"9223372036854775807"',
    '"-9223372036854775808"',
    '"\\"9223372036854775807\\""',
  ])('leaves digit runs inside strings untouched: %s', (text) => {
    expect(parseExact(text)).toBe(JSON.parse(text));
  });

  it('mixes exact BigInts and strings in one document', () => {
    const v = parseExact('[9223372036854775807,"x,12345678901234567,y",1]');
    expect(v).toEqual([9223372036854775807n, 'x,12345678901234567,y', 1]);
  });

  describe('"__proto__" keys stay data', () => {
    it('top level: an own enumerable property, prototype untouched', () => {
      const v = parseExact('{"__proto__": 1}') as Record<string, unknown>;
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(v, '__proto__')).toBe(true);
      expect(Object.keys(v)).toEqual(['__proto__']);
      expect(Object.entries(v)).toEqual([['__proto__', 1]]);
      expect(Object.getOwnPropertyDescriptor(v, '__proto__')).toMatchObject({
        value: 1,
        enumerable: true,
      });
    });

    it('an object value under "__proto__" does not become the prototype', () => {
      const v = parseExact('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect((v as { polluted?: unknown }).polluted).toBeUndefined();
      expect(Object.keys(v)).toEqual(['__proto__', 'a']);
      expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ polluted: true });
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    });

    it('matches JSON.parse on the same input', () => {
      const text = '{"m":{"__proto__":9223372036854775807,"constructor":"c"}}';
      const v = parseExact(text) as { m: Record<string, unknown> };
      expect(Object.entries(v.m)).toEqual([
        ['__proto__', 9223372036854775807n],
        ['constructor', 'c'],
      ]);
      const viaJson = JSON.parse(text.replace('9223372036854775807', '1')) as typeof v;
      expect(Object.keys(viaJson.m)).toEqual(Object.keys(v.m));
    });
  });

  describe('rejects invalid JSON like JSON.parse does', () => {
    it.each([
      ['empty input', ''],
      ['only whitespace', '   '],
      ['trailing garbage', '{"a":1} x'],
      ['trailing garbage after number', '1 2'],
      ['trailing comma in array', '[1,2,]'],
      ['trailing comma in object', '{"a":1,}'],
      ['unterminated string', '"abc'],
      ['unterminated string after escape', '"abc\\'],
      ['unterminated array', '[1,2'],
      ['unterminated object', '{"a":1'],
      ['missing colon', '{"a" 1}'],
      ['unquoted key', '{a:1}'],
      ['single quotes', "'a'"],
      ['leading zero', '01'],
      ['leading zero in array', '[01]'],
      ['negative leading zero', '-01'],
      ['leading plus', '+1'],
      ['bare dot fraction', '.5'],
      ['trailing dot', '1.'],
      ['lone minus', '-'],
      ['exponent without digits', '1e'],
      ['NaN', 'NaN'],
      ['Infinity', 'Infinity'],
      ['truncated literal', 'tru'],
      ['bad escape', '"\\x"'],
      ['raw control character in string', '"a\nb"'],
      ['missing comma', '[1 2]'],
    ])('%s', (_name, text) => {
      expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
      expect(() => parseExact(text)).toThrow(SyntaxError);
    });
  });
});
