import type { ClientTypeSignature, TrinoColumn } from '../../trino/trino-types';
import { slicesOf } from '../../../test/support/pages';
import { compileColumns, uniqueNames } from './columns';
import { Fragment } from './byte-writer';
import { csv } from './csv-encoder';
import { objectRows } from './slice-values';
import { csvField } from './value-encoder';
import { jsonDoc } from './json-encoder';
import { sse } from './sse-encoder';
import { parseExact } from '../../trino/exact-json';

const sig = (rawType: string, ...args: ClientTypeSignature[]): ClientTypeSignature => ({
  rawType,
  arguments: args.map((value) => ({ kind: 'TYPE' as const, value })),
});

const MAX = 9223372036854775807n;

const COLUMNS: TrinoColumn[] = [
  { name: 'id', type: 'bigint', typeSignature: sig('bigint') },
  { name: 'name', type: 'varchar', typeSignature: sig('varchar') },
  { name: 'price', type: 'decimal(10,2)', typeSignature: sig('decimal') },
  { name: 'tags', type: 'array(varchar)', typeSignature: sig('array', sig('varchar')) },
  { name: 'id', type: 'integer', typeSignature: sig('integer') },
];
const cols = compileColumns(COLUMNS);
const ROWS: unknown[][] = [
  [MAX, 'a,"b"', '250.00', ['x', null], 1],
  [null, null, null, null, null],
];

/** Parses output exactly (unsafe integers become BigInts), so digits lost on the way show up. */
const parseLoose = (text: string): unknown => {
  expect(() => JSON.parse(text) as unknown).not.toThrow();
  return parseExact(text);
};

/** The metadata both the SSE event and the JSON document must carry for `cols`. */
const EXPECTED_META = [
  { name: 'id', type: 'bigint' },
  { name: 'name', type: 'varchar' },
  { name: 'price', type: 'decimal(10,2)' },
  { name: 'tags', type: 'array(varchar)' },
  { name: 'id_2', type: 'integer' },
];

describe('csvField', () => {
  it.each([
    ['plain', 'abc', 'abc'],
    ['empty string', '', ''],
    ['leading and trailing spaces stay unquoted', '  a b  ', '  a b  '],
    ['comma', 'a,b', '"a,b"'],
    ['quote doubled', 'say "hi"', '"say ""hi"""'],
    ['only a quote', '"', '""""'],
    ['CR', 'a\rb', '"a\rb"'],
    ['LF', 'a\nb', '"a\nb"'],
    ['CRLF', 'a\r\nb', '"a\r\nb"'],
    ['all together', '"a",\r\n', '"""a"",\r\n"'],
    ['semicolon and tab unquoted', 'a;b\tc', 'a;b\tc'],
    ['unicode', 'é😀', 'é😀'],
    ['digits', '9223372036854775807', '9223372036854775807'],
  ])('%s', (_name, input, expected) => {
    expect(csvField(input)).toBe(expected);
  });
});

describe('csv', () => {
  it('writes the header with unique names and a CRLF ending', () => {
    expect(csv.header(cols)).toBe('id,name,price,tags,id_2\r\n');
  });

  it('quotes header names that need it', () => {
    const c = compileColumns([
      { name: 'a,b', type: 'varchar', typeSignature: sig('varchar') },
      { name: 'q"', type: 'varchar', typeSignature: sig('varchar') },
    ]);
    expect(csv.header(c)).toBe('"a,b","q"""\r\n');
  });

  it('writes rows: exact values, quoting, nested JSON text, null as an empty field', () => {
    expect(csv.rows(cols, slicesOf(COLUMNS, ROWS))).toBe(
      '9223372036854775807,"a,""b""",250.00,"[""x"",null]",1\r\n' + ',,,,\r\n',
    );
  });

  it('writes nothing for no rows', () => {
    expect(csv.rows(cols, slicesOf(COLUMNS, []))).toBe('');
  });

  it('keeps an empty string distinct from nothing only by position (empty field)', () => {
    const c = compileColumns([
      { name: 'a', type: 'varchar', typeSignature: sig('varchar') },
      { name: 'b', type: 'varchar', typeSignature: sig('varchar') },
    ]);
    const two = [
      { name: 'a', type: 'varchar', typeSignature: sig('varchar') },
      { name: 'b', type: 'varchar', typeSignature: sig('varchar') },
    ];
    expect(csv.rows(c, slicesOf(two, [['', 'x']]))).toBe(',x\r\n');
  });
});

describe('sse', () => {
  /** Splits an SSE payload into events and checks every one is a single `data:` line. */
  const events = (text: string): Record<string, unknown>[] => {
    expect(text.endsWith('\n\n')).toBe(true);
    return text
      .slice(0, -2)
      .split('\n\n')
      .map((block) => {
        expect(block).toMatch(/^data: [^\n]*$/);
        return parseLoose(block.slice('data: '.length)) as Record<string, unknown>;
      });
  };

  it('frames metadata as one event with unique names and Trino types', () => {
    const text = sse.metadata(cols);
    expect(text).toMatch(/^data: \{.*\}\n\n$/);
    expect(events(text)).toEqual([
      {
        type: 'metadata',
        columns: EXPECTED_META,
      },
    ]);
  });

  it('frames each row as its own event with exact digits', () => {
    const text = sse.rows(cols, slicesOf(COLUMNS, ROWS));
    expect(text).toBe(
      'data: {"type":"row","data":{"id":9223372036854775807,"name":"a,\\"b\\"","price":250.00,"tags":["x",null],"id_2":1}}\n\n' +
        'data: {"type":"row","data":{"id":null,"name":null,"price":null,"tags":null,"id_2":null}}\n\n',
    );
    expect(events(text).map((e) => e.type)).toEqual(['row', 'row']);
  });

  it('keeps a string with newlines on one data line', () => {
    const text = sse.rows(cols, slicesOf(COLUMNS, [[1, 'a\nb\r\nc', '1.00', [], 2]]));
    expect(events(text)[0]).toMatchObject({ data: { name: 'a\nb\r\nc' } });
  });

  it('writes nothing for no rows', () => {
    expect(sse.rows(cols, slicesOf(COLUMNS, []))).toBe('');
  });

  it.each([
    [0, false],
    [12, true],
  ])('frames complete (rowCount %i, truncated %s)', (rowCount, truncated) => {
    const text = sse.complete(rowCount, truncated, 'q_1');
    expect(events(text)).toEqual([{ type: 'complete', rowCount, truncated, queryId: 'q_1' }]);
  });

  it('frames an error event with its fields', () => {
    const text = sse.error({
      message: 'line 1:8: Column "x" cannot be resolved',
      errorName: 'COLUMN_NOT_FOUND',
      errorType: 'USER_ERROR',
      queryId: 'q_2',
    });
    expect(events(text)).toEqual([
      {
        type: 'error',
        error: 'line 1:8: Column "x" cannot be resolved',
        errorName: 'COLUMN_NOT_FOUND',
        errorType: 'USER_ERROR',
        queryId: 'q_2',
      },
    ]);
  });

  it('frames an error with a multi-line message on one data line', () => {
    const text = sse.error({ message: 'first\nsecond' });
    const [event] = events(text);
    expect(event).toMatchObject({ type: 'error', error: 'first\nsecond' });
  });

  it('writes keep-alive as a comment line', () => {
    expect(sse.keepAlive).toBe(': keep-alive\n\n');
  });
});

describe('jsonDoc', () => {
  const metadata = {
    columns: EXPECTED_META,
    type: 'metadata',
  };

  it('head + rows in batches + end is valid JSON with every row', () => {
    const text =
      jsonDoc.head(cols) +
      jsonDoc.rows(cols, slicesOf(COLUMNS, ROWS.slice(0, 1)), true) +
      jsonDoc.rows(cols, slicesOf(COLUMNS, ROWS.slice(1)), false) +
      jsonDoc.rows(cols, slicesOf(COLUMNS, []), false) +
      jsonDoc.end(false);
    expect(text).toContain('"id":9223372036854775807,');
    expect(text).toContain('"price":250.00,');
    expect(parseLoose(text)).toEqual({
      metadata,
      data: [
        { id: MAX, name: 'a,"b"', price: 250, tags: ['x', null], id_2: 1 },
        { id: null, name: null, price: null, tags: null, id_2: null },
      ],
    });
    expect(text.startsWith('{"metadata":')).toBe(true);
    expect(text).not.toContain('truncated');
  });

  it('several rows in one first batch are comma-separated', () => {
    const text =
      jsonDoc.head(cols) + jsonDoc.rows(cols, slicesOf(COLUMNS, ROWS), true) + jsonDoc.end(false);
    expect((parseLoose(text) as { data: unknown[] }).data).toHaveLength(2);
  });

  it('an empty result is valid JSON', () => {
    expect(parseLoose(jsonDoc.head(cols) + jsonDoc.end(false))).toEqual({ metadata, data: [] });
  });

  it('end(true) adds "truncated":true', () => {
    const text =
      jsonDoc.head(cols) + jsonDoc.rows(cols, slicesOf(COLUMNS, ROWS), true) + jsonDoc.end(true);
    expect(parseLoose(text)).toMatchObject({ truncated: true });
  });

  it.each([
    ['after rows', ROWS],
    ['before any row', []],
  ])('failed(msg) %s keeps the document valid and adds "error"', (_name, rows) => {
    const message = 'Query exceeded "limit"\nline 2';
    const text =
      jsonDoc.head(cols) +
      jsonDoc.rows(cols, slicesOf(COLUMNS, rows), true) +
      jsonDoc.failed(message);
    const doc = parseLoose(text) as { data: unknown[]; error: string };
    expect(doc.error).toBe(message);
    expect(doc.data).toHaveLength(rows.length);
  });
});

describe('uniqueNames', () => {
  it.each<[string[], string[]]>([
    [
      ['a', 'b'],
      ['a', 'b'],
    ],
    [
      ['a', 'a'],
      ['a', 'a_2'],
    ],
    [
      ['a', 'a', 'a'],
      ['a', 'a_2', 'a_3'],
    ],
    [
      ['a', 'a', 'a_2', 'a'],
      ['a', 'a_2', 'a_2_2', 'a_3'],
    ],
    [
      ['a_2', 'a', 'a'],
      ['a_2', 'a', 'a_3'],
    ],
    [
      ['', ''],
      ['', '_2'],
    ],
    [[], []],
  ])('%j -> %j', (names, expected) => {
    const out = uniqueNames(names);
    expect(out).toEqual(expected);
    expect(new Set(out).size).toBe(out.length);
  });

  it('never repeats a name on a larger mix', () => {
    const names = ['x', 'x_2', 'x', 'x_3', 'x', 'x_2', 'x', 'x_2_2', 'x_2'];
    const out = uniqueNames(names);
    expect(new Set(out).size).toBe(names.length);
    out.forEach((n, i) => expect(n.startsWith(names[i])).toBe(true));
  });
});

/** One row as a JSON object, as JSON and SSE write it. */
const rowObject = (columns: TrinoColumn[], values: unknown[]): string =>
  objectRows(
    compileColumns(columns),
    slicesOf(columns, [values]),
    Fragment.of(''),
    Fragment.of('}'),
  );

describe('compileColumns and objectRows', () => {
  it('compiles metadata, key fragments and per-type encoders', () => {
    expect(cols.meta.map((m) => m.name)).toEqual(['id', 'name', 'price', 'tags', 'id_2']);
    expect(cols.keyFragments.map((k) => String(k.bytes))).toEqual([
      '{"id":',
      ',"name":',
      ',"price":',
      ',"tags":',
      ',"id_2":',
    ]);
    expect(cols.bare).toEqual([false, false, true, false, false]);
    expect(cols.json).toHaveLength(5);
    expect(cols.csv).toHaveLength(5);
  });

  it('escapes column names once in the key fragments', () => {
    const columns = [{ name: 'a"b\\c', type: 'bigint', typeSignature: sig('bigint') }];
    expect(compileColumns(columns).keyFragments.map((k) => String(k.bytes))).toEqual([
      '{"a\\"b\\\\c":',
    ]);
    expect(rowObject(columns, [MAX])).toBe(`{"a\\"b\\\\c":${MAX}}`);
  });

  it('falls back to the type string when there is no typeSignature', () => {
    expect(rowObject([{ name: 'n', type: 'bigint' }], [MAX])).toBe(`{"n":${MAX}}`);
  });

  it.each<[string, unknown[], string]>([
    [
      'BigInt values',
      [MAX, 'x', '0.01', [], -1],
      `{"id":${MAX},"name":"x","price":0.01,"tags":[],"id_2":-1}`,
    ],
    [
      'BigInt min and nulls',
      [-9223372036854775808n, null, null, [null], null],
      '{"id":-9223372036854775808,"name":null,"price":null,"tags":[null],"id_2":null}',
    ],
  ])('a row with %s', (_name, values, expected) => {
    const out = rowObject(COLUMNS, values);
    expect(out).toBe(expected);
    expect(() => parseLoose(out)).not.toThrow();
  });

  it('refuses a row whose width is not the column count', () => {
    expect(() => slicesOf(COLUMNS, [[1]])).toThrow(/a row has 1 values for 5 columns/);
  });

  it('has a key per column even for duplicate source names', () => {
    const columns = [
      { name: 'x', type: 'bigint', typeSignature: sig('bigint') },
      { name: 'x', type: 'bigint', typeSignature: sig('bigint') },
    ];
    expect(parseLoose(rowObject(columns, [1, 2]))).toEqual({ x: 1, x_2: 2 });
  });

  it('a column named "__proto__" stays a data key', () => {
    const columns = [{ name: '__proto__', type: 'integer', typeSignature: sig('integer') }];
    const out = rowObject(columns, [7]);
    expect(out).toBe('{"__proto__":7}');
    expect(Object.keys(parseLoose(out) as object)).toEqual(['__proto__']);
  });
});
