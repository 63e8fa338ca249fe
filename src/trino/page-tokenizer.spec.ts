import { PageTokenizer, Scratch, TrinoProtocolError } from './page-tokenizer';
import { Token, type RowSlices } from './row-slices';

const COLUMNS = [
  { name: 'a', type: 'bigint' },
  { name: 'b', type: 'varchar' },
];

/** Feeds `text` in chunks of `size` bytes; returns the head and every row's values as text. */
function read(text: string, size = 1 << 20, width?: number, scratch?: Scratch) {
  const tokenizer = new PageTokenizer(width, scratch);
  const bytes = Buffer.from(text, 'utf8');
  const rows: { kind: number; text: string }[][] = [];
  const spans: number[] = [];
  // A batch is valid until the tokenizer's next call: read each one at once.
  const take = (b: RowSlices | undefined): void => {
    if (!b) return;
    spans.push(b.bytes.length);
    for (let r = b.first; r < b.first + b.count; r++) {
      const row = [];
      for (let k = r * b.width; k < (r + 1) * b.width; k++)
        row.push({ kind: b.kinds[k], text: b.bytes.toString('utf8', b.starts[k], b.ends[k]) });
      rows.push(row);
    }
  };
  for (let i = 0; i < bytes.length; i += size) take(tokenizer.write([bytes.subarray(i, i + size)]));
  take(tokenizer.end());
  return { head: tokenizer.head, rows, spans };
}

describe('PageTokenizer', () => {
  it('reuses one scratch across stretches and pages, each batch read before the next call', () => {
    const scratch = new Scratch();
    const data = (from: number) =>
      Array.from({ length: 50 }, (_, i) => `[${from + i},"v${'é'.repeat(i % 7)},${i}"]`).join(',');
    const first = `{"id":"q","columns":${JSON.stringify(COLUMNS)},"data":[${data(0)}]}`;
    const second = `{"id":"q","data":[${data(50)}]}`;
    // 7-byte chunks: rows and multi-byte characters span chunks at every offset in turn.
    const a = read(first, 7, undefined, scratch);
    const b = read(second, 7, 2, scratch);
    const texts = [...a.rows, ...b.rows].map((row) => row.map((v) => v.text));
    expect(texts).toEqual(
      Array.from({ length: 100 }, (_, i) => [
        String(i),
        `"v${'é'.repeat((i % 50) % 7)},${i % 50}"`,
      ]),
    );
    // The stretches were gathered in the one scratch, not in a Buffer each.
    expect(scratch.buf.length).toBeGreaterThan(0);
  });

  it('reads the members it needs, skips the others, and hands out rows as slices', () => {
    const page =
      '{"id":"q1","infoUri":"http://x","nextUri":"http://x/2","columns":' +
      JSON.stringify(COLUMNS) +
      ',"data":[[9223372036854775807,"x\\"y"],[null,"z"]],"stats":{"state":"RUNNING","processedRows":5},' +
      '"warnings":[{"message":"w"}],"updateType":null}';
    const { head, rows } = read(page);
    expect(head).toEqual({
      id: 'q1',
      nextUri: 'http://x/2',
      columns: COLUMNS,
      stats: { state: 'RUNNING', processedRows: 5 },
    });
    expect(rows).toEqual([
      [
        { kind: Token.Number, text: '9223372036854775807' },
        { kind: Token.Escaped, text: '"x\\"y"' },
      ],
      [
        { kind: Token.Null, text: 'null' },
        { kind: Token.String, text: '"z"' },
      ],
    ]);
  });

  it('reads a page with no data (a queued query) and an error member', () => {
    const { head, rows } = read('{"id":"q","error":{"message":"boom","errorName":"X"}}');
    expect(rows).toEqual([]);
    expect(head.error).toEqual({ message: 'boom', errorName: 'X' });
  });

  it('tells nested values, booleans and numbers apart, whitespace allowed', () => {
    const page = ` { "columns" : [{"name":"n"},{"name":"b"},{"name":"d"}] , "data" : [ [ {"k":[1,"]"]} , true , -1.5E3 ] ] } `;
    expect(read(page).rows).toEqual([
      [
        { kind: Token.Nested, text: '{"k":[1,"]"]}' },
        { kind: Token.Bool, text: 'true' },
        { kind: Token.Exponent, text: '-1.5E3' },
      ],
    ]);
  });

  it('uses the column count of an earlier page', () => {
    expect(read('{"data":[[1,2]]}', 4, 2).rows).toHaveLength(1);
  });

  it('keeps a character split between chunks whole', () => {
    const page = `{"columns":[{"name":"s"}],"data":[["é😀"]]}`;
    for (let size = 1; size < 8; size++) expect(read(page, size).rows[0][0].text).toBe('"é😀"');
  });

  it('reads a huge value arriving in small chunks', () => {
    const big = 'x'.repeat(2_000_000);
    const page = `{"columns":[{"name":"s"}],"data":[["${big}"],["after"]],"stats":{"state":"FINISHED"}}`;
    const { rows, head } = read(page, 4096);
    expect(rows.map((r) => r[0].text.length)).toEqual([big.length + 2, 7]);
    expect(head.stats).toEqual({ state: 'FINISHED' });
  });

  it('hands out only whole rows per chunk, never holding the page', () => {
    const data = Array.from({ length: 1000 }, (_, i) => `[${i},"v${i}"]`).join(',');
    const page = `{"columns":${JSON.stringify(COLUMNS)},"data":[${data}]}`;
    const { rows, spans } = read(page, 1024);
    expect(rows).toHaveLength(1000);
    expect(rows[999][0].text).toBe('999');
    expect(spans.length).toBeGreaterThan(10);
    expect(Math.max(...spans)).toBeLessThan(1024 + 64);
  });

  it.each([
    ['not an object', '[1]', /must be a JSON object/],
    ['rows before columns', '{"data":[[1]]}', /rows before columns/],
    ['a row that is not an array', '{"columns":[{"name":"a"}],"data":[1]}', /must be a JSON array/],
    ['a row of the wrong width', '{"columns":[{"name":"a"}],"data":[[1,2]]}', /2 values for 1/],
    ['a cut-off page', '{"columns":[{"name":"a"}],"data":[[1]', /incomplete page/],
    ['text after the page', '{"id":"q"} {', /after the end/],
    ['a bad literal', '{"columns":[{"name":"a"}],"data":[[nul,1]]}', /unexpected literal/],
  ])('refuses %s', (_name, page, message) => {
    expect(() => read(page)).toThrow(TrinoProtocolError);
    expect(() => read(page)).toThrow(message);
  });
});
