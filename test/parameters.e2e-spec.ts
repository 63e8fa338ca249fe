/**
 * `parameters`: values bound by Trino through EXECUTE IMMEDIATE ... USING, against the real
 * Trino, on every endpoint; hostile strings come back byte for byte, an injection attempt
 * stays a value, and what cannot be bound is a 400 naming its index.
 */
import fc from 'fast-check';
import { appForSuite } from './support/app';
import { ALICE } from './support/credentials';
import { parseSse, post } from './support/http';
import { trinoRows } from './support/trino';

const HOSTILE = `it's "quoted" -- /* not a comment */ \\ back\nline \0 é 😀 ; ? '' OR 1=1`;
const BIGINT_MAX = '9223372036854775807';
const DECIMAL = '12345678901234567890.123456789012345678';
const EXACT = [
  HOSTILE,
  { type: 'bigint', value: BIGINT_MAX },
  { type: 'decimal(38,18)', value: DECIMAL },
];

const app = appForSuite();

function query(path: string, body: object): Promise<Response> {
  return post(`${app.url}${path}`, body, ALICE);
}

describe('parameters bound by Trino', () => {
  it('SSE returns a hostile string, BIGINT max and DECIMAL(38,18) exactly', async () => {
    const res = await query('/query', { sql: 'SELECT ? AS s, ? AS b, ? AS d', parameters: EXACT });
    expect(res.status).toBe(200);
    const text = await res.text();
    const row = parseSse(text).find((e) => e.type === 'row');
    expect((row?.data as Record<string, unknown>).s).toBe(HOSTILE);
    // Numbers beyond doubles: checked as the text on the wire, not through JSON.parse.
    expect(text).toContain(`"b":${BIGINT_MAX},"d":${DECIMAL}}`);
    expect(parseSse(text).at(-1)).toMatchObject({ type: 'complete', rowCount: 1 });
  });

  it('the JSON download returns them exactly', async () => {
    const res = await query('/query/download/json', {
      sql: 'SELECT ? AS s, ? AS b, ? AS d',
      parameters: EXACT,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(`"s":${JSON.stringify(HOSTILE)},"b":${BIGINT_MAX},"d":${DECIMAL}}`);
  });

  it('the CSV download returns them exactly', async () => {
    const res = await query('/query/download/csv', {
      sql: 'SELECT ? AS s, ? AS b, ? AS d',
      parameters: EXACT,
    });
    expect(res.status).toBe(200);
    const field = `"${HOSTILE.replace(/"/g, '""')}"`;
    expect(await res.text()).toBe(`s,b,d\r\n${field},${BIGINT_MAX},${DECIMAL}\r\n`);
  });

  it('an injection attempt is a value: it matches nothing, and Trino ran the literal', async () => {
    const attempt = "x' OR '1'='1";
    const res = await query('/query', {
      sql: 'SELECT name FROM tpch.tiny.nation WHERE name = ?',
      parameters: [attempt],
    });
    const events = parseSse(await res.text());
    expect(events.filter((e) => e.type === 'row')).toEqual([]);
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'complete', rowCount: 0 });
    const [[ran]] = await trinoRows(
      `SELECT query FROM system.runtime.queries WHERE query_id = '${String(done.queryId)}'`,
    );
    expect(ran).toBe(
      "EXECUTE IMMEDIATE 'SELECT name FROM tpch.tiny.nation WHERE name = ?' USING 'x'' OR ''1''=''1'",
    );
    // The same value finds the row it names when it is a real one.
    const algeria = await query('/query/download/json', {
      sql: 'SELECT name FROM tpch.tiny.nation WHERE name = ?',
      parameters: ['ALGERIA'],
    });
    expect(((await algeria.json()) as { data: unknown[] }).data).toEqual([{ name: 'ALGERIA' }]);
  });

  it('other types come back as Trino renders them', async () => {
    const res = await query('/query/download/json', {
      sql: 'SELECT ? AS dt, ? AS ts, ? AS bin, ? AS js, ? AS id, ? AS dbl, ? AS flag, ? AS nothing',
      parameters: [
        { type: 'date', value: '2024-02-29' },
        { type: 'timestamp(3) with time zone', value: '2024-01-02T03:04:05.678Z' },
        { type: 'varbinary', value: 'AP8=' },
        { type: 'json', value: '{"a":[1,2]}' },
        { type: 'uuid', value: '12151fd2-7586-11e9-8f9e-2a86e4085a59' },
        0.1,
        true,
        null,
      ],
    });
    const doc = (await res.json()) as { data: Record<string, unknown>[] };
    expect(doc.data).toEqual([
      {
        dt: '2024-02-29',
        ts: '2024-01-02 03:04:05.678 UTC',
        bin: 'AP8=',
        js: '{"a":[1,2]}',
        id: '12151fd2-7586-11e9-8f9e-2a86e4085a59',
        dbl: 0.1,
        flag: true,
        nothing: null,
      },
    ]);
  });

  it('random hostile strings come back from SELECT ? byte for byte', async () => {
    const hostile = fc.string({
      unit: fc.oneof(
        fc.constantFrom("'", '"', '\\', '\n', '\r', '\t', '\0', '--', '/*', '*/', '?', ';', '`'),
        fc.string({ unit: 'grapheme', maxLength: 1 }),
      ),
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 8 }), async (values) => {
        const sql = `SELECT ${values.map((_, i) => `? AS c${i}`).join(', ')}`;
        const res = await query('/query/download/json', { sql, parameters: values });
        expect(res.status).toBe(200);
        const doc = (await res.json()) as { data: Record<string, string>[] };
        expect(values.map((_, i) => doc.data[0][`c${i}`])).toEqual(values);
      }),
      { numRuns: 25 },
    );
  });
});

describe('parameters that cannot be bound: 400 naming what is wrong, nothing sent to Trino', () => {
  async function refused(parameters: unknown, message: string | RegExp): Promise<void> {
    for (const path of ['/query', '/query/download/csv', '/query/download/json']) {
      const res = await query(path, { sql: 'SELECT ?', parameters });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { statusCode: number; message: string };
      expect(body.statusCode).toBe(400);
      expect(body.message).toMatch(message);
    }
  }

  it('a type outside the grammar', async () => {
    await refused(
      ['ok', { type: 'varchar) AS x FROM secret --', value: 'a' }],
      /^parameters\[1\] has an unknown type/,
    );
  });

  it('a value its type cannot hold', async () => {
    await refused(
      [{ type: 'bigint', value: '9223372036854775808' }],
      'parameters[0] is not a valid bigint',
    );
    await refused(
      [{ type: 'date', value: '2023-02-29' }],
      'parameters[0] is not a valid date: no such date',
    );
  });

  it('more than 1,000 parameters', async () => {
    await refused(
      Array<number>(1001).fill(1),
      'parameters must not hold more than 1000 values (got 1001)',
    );
  });

  it('an integer JSON cannot carry exactly, or not an array', async () => {
    await refused([2 ** 60], /parameters\[0\] is an integer beyond ±2\^53/);
    await refused({ a: 1 }, 'parameters must be an array');
  });

  it("a marker count that does not match is Trino's error, as for any failed query", async () => {
    const res = await query('/query', { sql: 'SELECT ?, ?', parameters: [1] });
    expect(res.status).toBe(200);
    expect(parseSse(await res.text()).at(-1)).toMatchObject({ type: 'error' });
  });
});
