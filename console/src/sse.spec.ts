import { eventType, rawMembers, rowCells, SseSplitter } from './sse';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('SseSplitter', () => {
  it('yields events as their blank lines arrive, at any split, dropping comments', () => {
    const stream = ': keep-alive\n\ndata: {"type":"a"}\n\ndata: {"type":"ü✓"}\n\n';
    const all = bytes(stream);
    for (let cut = 0; cut <= all.length; cut++) {
      const s = new SseSplitter();
      const got = [...s.push(all.subarray(0, cut)), ...s.push(all.subarray(cut))];
      expect(got).toEqual(['{"type":"a"}', '{"type":"ü✓"}']);
    }
  });
});

describe('rowCells', () => {
  it('keeps every digit and decodes only strings', () => {
    const event =
      '{"type":"row","data":{"big":9223372036854775807,"neg":-9223372036854775808,' +
      '"dec":12345678901234567890123456789012345.678,"s":"a \\"q\\" \\u00e9","n":null,' +
      '"arr":[9223372036854775807,null,-1],"m":{"a":-9223372036854775808},"b":true}}';
    expect(rowCells(event)).toEqual([
      '9223372036854775807',
      '-9223372036854775808',
      '12345678901234567890123456789012345.678',
      'a "q" é',
      null,
      '[9223372036854775807,null,-1]',
      '{"a":-9223372036854775808}',
      'true',
    ]);
  });

  it('reads nested strings with brackets and escapes as one value', () => {
    expect(rowCells('{"type":"row","data":{"x":{"k":"]}\\\\"},"y":"}"}}')).toEqual([
      '{"k":"]}\\\\"}',
      '}',
    ]);
  });

  it('reads whitespace between tokens', () => {
    expect(rawMembers('{ "a" : 1 , "b" : [ 2 ] }', 0)).toEqual([
      ['a', '1'],
      ['b', '[ 2 ]'],
    ]);
  });
});

describe('eventType', () => {
  it('reads the type first or anywhere', () => {
    expect(eventType('{"type":"complete","rowCount":3}')).toBe('complete');
    expect(eventType('{"rowCount":3,"type":"complete"}')).toBe('complete');
  });
});
