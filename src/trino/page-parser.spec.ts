import { PageParser } from './page-parser';
import type { ClientTypeSignature, TrinoColumn } from './trino-types';

const sig = (rawType: string, ...args: ClientTypeSignature[]): ClientTypeSignature => ({
  rawType,
  arguments: args.map((value) => ({ kind: 'TYPE' as const, value })),
});

const COLUMNS: TrinoColumn[] = [
  { name: 'a', type: 'bigint', typeSignature: sig('bigint') },
  {
    name: 'b',
    type: 'varchar',
    typeSignature: { rawType: 'varchar', arguments: [{ kind: 'LONG', value: 2147483647 }] },
  },
  { name: 'c', type: 'array(bigint)', typeSignature: sig('array', sig('bigint')) },
  {
    name: 'd',
    type: 'map(varchar, bigint)',
    typeSignature: sig('map', sig('varchar'), sig('bigint')),
  },
  {
    name: 'e',
    type: 'row(x bigint)',
    typeSignature: {
      rawType: 'row',
      arguments: [
        { kind: 'NAMED_TYPE', value: { fieldName: { name: 'x' }, typeSignature: sig('bigint') } },
      ],
    },
  },
];

/** Page text built by hand, so unsafe integers appear as raw JSON digits (as Trino sends them). */
function pageText(rows: string[], columns: TrinoColumn[] | undefined = COLUMNS): string {
  const cols = columns ? `"columns":${JSON.stringify(columns)},` : '';
  return `{"id":"q1",${cols}"data":[${rows.join(',')}],"stats":{"state":"RUNNING"}}`;
}

const SAFE_ROW = '[9007199254740991,"s",[1,-9007199254740991,null],{"k":2,"n":null},[3]]';
const MAX = '9223372036854775807';
const MIN = '-9223372036854775808';

describe('PageParser', () => {
  it('returns the JSON.parse result and does not reparse when every BIGINT is safe', () => {
    const parser = new PageParser();
    const text = pageText([SAFE_ROW, '[null,null,null,null,null]', '[0,"",[],{},[null]]']);
    const page = parser.parse(text);
    expect(parser.reparsed).toBe(0);
    expect(page).toEqual(JSON.parse(text));
    expect(page.data?.[0]).toEqual([
      9007199254740991,
      's',
      [1, -9007199254740991, null],
      { k: 2, n: null },
      [3],
    ]);
  });

  it.each([
    ['top-level bigint', `[${MAX},"s",[],{},[1]]`, (r: unknown[]) => r[0], BigInt(MAX)],
    ['top-level bigint min', `[${MIN},"s",[],{},[1]]`, (r: unknown[]) => r[0], BigInt(MIN)],
    ['2^53 + 1', `[9007199254740993,"s",[],{},[1]]`, (r: unknown[]) => r[0], 9007199254740993n],
    [
      'bigint inside an array',
      `[1,"s",[1,null,${MAX}],{},[1]]`,
      (r: unknown[]) => (r[2] as unknown[])[2],
      BigInt(MAX),
    ],
    [
      'bigint as a map value',
      `[1,"s",[],{"k":${MIN}},[1]]`,
      (r: unknown[]) => (r[3] as Record<string, unknown>).k,
      BigInt(MIN),
    ],
    [
      'bigint as a row field',
      `[1,"s",[],{},[${MAX}]]`,
      (r: unknown[]) => (r[4] as unknown[])[0],
      BigInt(MAX),
    ],
  ])('reparses exactly when there is an unsafe %s', (_name, row, pick, expected) => {
    const parser = new PageParser();
    const page = parser.parse(pageText([SAFE_ROW, row]));
    expect(parser.reparsed).toBe(1);
    expect(pick(page.data![1])).toBe(expected);
    // The rest of the page is intact, safe values remain numbers.
    expect(page.data![0]).toEqual(JSON.parse(SAFE_ROW));
    expect(page.id).toBe('q1');
    expect(page.stats).toEqual({ state: 'RUNNING' });
  });

  it.each([
    ['a long digit run in a varchar', `[1,"x,12345678901234567,y",[],{},[1]]`],
    ['a varchar holding a bigint literal', `[1,"${MAX}",[],{},[1]]`],
    ['an unsafe bigint-looking map key', `[1,"s",[],{"${MAX}":1},[1]]`],
  ])('does not reparse for %s', (_name, row) => {
    const parser = new PageParser();
    const text = pageText([row]);
    const page = parser.parse(text);
    expect(parser.reparsed).toBe(0);
    expect(page).toEqual(JSON.parse(text));
  });

  it('keeps varchar digit runs unchanged on a page that is reparsed', () => {
    const parser = new PageParser();
    const page = parser.parse(pageText([`[${MAX},"x,12345678901234567,y",[],{},[1]]`]));
    expect(parser.reparsed).toBe(1);
    expect(page.data![0][0]).toBe(BigInt(MAX));
    expect(page.data![0][1]).toBe('x,12345678901234567,y');
  });

  it('ignores large numbers in non-BIGINT columns', () => {
    const parser = new PageParser();
    const cols: TrinoColumn[] = [
      { name: 'd', type: 'double', typeSignature: sig('double') },
      { name: 'i', type: 'integer', typeSignature: sig('integer') },
    ];
    const text = pageText(['[1.0E20,1]', '[9.223372036854776E18,2]'], cols);
    const page = parser.parse(text);
    expect(parser.reparsed).toBe(0);
    expect(page.data).toEqual([
      [1e20, 1],
      [9.223372036854776e18, 2],
    ]);
  });

  it('remembers columns from an earlier page for later data pages', () => {
    const parser = new PageParser();
    const first = parser.parse(pageText([]));
    expect(first.columns).toHaveLength(5);
    expect(parser.reparsed).toBe(0);

    const safe = parser.parse(pageText([SAFE_ROW], undefined));
    expect(parser.reparsed).toBe(0);
    expect(safe.data).toEqual([JSON.parse(SAFE_ROW)]);

    const unsafe = parser.parse(pageText([`[1,"s",[${MAX}],{},[1]]`], undefined));
    expect(parser.reparsed).toBe(1);
    expect((unsafe.data![0][2] as unknown[])[0]).toBe(BigInt(MAX));

    parser.parse(pageText([`[${MIN},"s",[],{},[1]]`], undefined));
    expect(parser.reparsed).toBe(2);
  });

  it('passes pages before the columns through JSON.parse', () => {
    const parser = new PageParser();
    const text = '{"id":"q1","stats":{"state":"QUEUED"}}';
    expect(parser.parse(text)).toEqual(JSON.parse(text));
    expect(parser.reparsed).toBe(0);
  });

  it('keeps nulls inside nested BIGINT positions without reparsing', () => {
    const parser = new PageParser();
    const text = pageText(['[null,null,[null],{"k":null},[null]]', '[1,"s",null,null,null]']);
    expect(parser.parse(text)).toEqual(JSON.parse(text));
    expect(parser.reparsed).toBe(0);
  });

  describe('deeper nesting', () => {
    it.each<[string, ClientTypeSignature, string, unknown]>([
      [
        'array(array(bigint))',
        sig('array', sig('array', sig('bigint'))),
        `[[[1],[${MAX}]]]`,
        [[1], [BigInt(MAX)]],
      ],
      [
        'map(varchar, array(bigint))',
        sig('map', sig('varchar'), sig('array', sig('bigint'))),
        `[{"a":[${MIN}]}]`,
        { a: [BigInt(MIN)] },
      ],
      [
        'array(row(bigint, varchar))',
        sig('array', {
          rawType: 'row',
          arguments: [
            { kind: 'NAMED_TYPE', value: { fieldName: null, typeSignature: sig('bigint') } },
            { kind: 'NAMED_TYPE', value: { fieldName: null, typeSignature: sig('varchar') } },
          ],
        }),
        `[[[${MAX},"v"]]]`,
        [[BigInt(MAX), 'v']],
      ],
    ])('%s', (_name, typeSignature, row, expected) => {
      const parser = new PageParser();
      const page = parser.parse(pageText([row], [{ name: 'c', type: _name, typeSignature }]));
      expect(parser.reparsed).toBe(1);
      // Safe integers stay numbers on a reparsed page; unsafe ones are exact BigInts.
      expect(page.data![0][0]).toEqual(expected);
    });

    it.each<[string, ClientTypeSignature, string]>([
      [
        'array(map(bigint, varchar))',
        sig('array', sig('map', sig('bigint'), sig('varchar'))),
        '[[{"1":"a"}]]',
      ],
      [
        'array(map(bigint, varchar)) empty',
        sig('array', sig('map', sig('bigint'), sig('varchar'))),
        '[[]]',
      ],
      [
        'row(map(bigint, varchar))',
        {
          rawType: 'row',
          arguments: [
            {
              kind: 'NAMED_TYPE',
              value: {
                fieldName: { name: 'm' },
                typeSignature: sig('map', sig('bigint'), sig('varchar')),
              },
            },
          ],
        },
        '[[{"1":"a"}]]',
      ],
    ])('a BIGINT only in map keys never needs a reparse: %s', (_name, typeSignature, row) => {
      const parser = new PageParser();
      const text = pageText([row], [{ name: 'c', type: _name, typeSignature }]);
      expect(parser.parse(text)).toEqual(JSON.parse(text));
      expect(parser.reparsed).toBe(0);
    });
  });
});
