/**
 * Arrow downloads read by the tools data people use: pyarrow, DuckDB and polars, in the venv
 * scripts/arrow/venv.sh builds, against the real Trino. Values are compared with Trino's own
 * answer through its official Python client (test/arrow/read_arrow.py).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { appForSuite } from './support/app';
import { ALICE } from './support/credentials';
import { TRINO_URL, USERS } from './support/env';
import { post } from './support/http';
import { trinoRows } from './support/trino';
import { TYPES_SQL } from './support/types-query';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const SCRIPT = join(__dirname, 'arrow', 'read_arrow.py');
const PYTHON = execFileSync('bash', [join(ROOT, 'scripts', 'arrow', 'venv.sh')], {
  encoding: 'utf8',
}).trim();

/** The all-types row, plus time and timestamp at each precision Arrow has a unit for. */
const ARROW_SQL = `${TYPES_SQL},
  TIMESTAMP '2024-01-02 03:04:05' AS ts0,
  TIMESTAMP '1969-12-31 23:59:59.999' AS ts3,
  TIMESTAMP '2024-01-02 03:04:05.123456' AS ts6,
  TIMESTAMP '2262-04-11 23:47:16.854775807' AS ts9,
  TIME '12:34:56' AS t0, TIME '12:34:56.123' AS t3,
  TIME '12:34:56.123456' AS t6, TIME '23:59:59.999999999' AS t9,
  DATE '1900-01-01' AS d_old, DECIMAL '-0.01' AS dec_neg,
  CAST(NULL AS BIGINT) AS nul_big, CAST(NULL AS TIMESTAMP(9)) AS nul_ts,
  CAST(NULL AS ARRAY(INTEGER)) AS nul_arr`;

/** The Arrow type pyarrow reads for each column: docs/arrow.md's table. */
const TYPES: Record<string, string> = {
  big_max: 'int64',
  big_min: 'int64',
  dec38: 'decimal128(38, 3)',
  dec_scale: 'decimal128(5, 2)',
  d_nan: 'double',
  d_inf: 'double',
  d_ninf: 'double',
  d_tenth: 'double',
  r: 'float',
  d: 'date32[day]',
  t12: 'string',
  ts12: 'string',
  tstz: 'string',
  vb: 'binary',
  arr: 'list<item: int64>',
  m: 'map<string, int64>',
  named_row: 'struct<id: int32, label: string, nums: list<item: int64>>',
  j: 'string',
  u: 'string',
  ip: 'string',
  iv_ds: 'duration[ms]',
  iv_ym: 'month_day_nano_interval',
  s: 'string',
  nul: 'string',
  b: 'bool',
  ti: 'int8',
  si: 'int16',
  i: 'int32',
  dup: 'int32',
  dup_2: 'int32',
  ts0: 'timestamp[s]',
  ts3: 'timestamp[ms]',
  ts6: 'timestamp[us]',
  ts9: 'timestamp[ns]',
  t0: 'time32[s]',
  t3: 'time32[ms]',
  t6: 'time64[us]',
  t9: 'time64[ns]',
  d_old: 'date32[day]',
  dec_neg: 'decimal128(2, 2)',
  nul_big: 'int64',
  nul_ts: 'timestamp[ns]',
  nul_arr: 'list<item: int32>',
};

const app = appForSuite();

/** Asks for LZ4_FRAME-compressed buffers, by Arrow's HTTP convention. */
const LZ4 = 'application/vnd.apache.arrow.stream; codecs="zstd, lz4"';

/**
 * Runs read_arrow.py (`accept`: the request's Accept header); async, since the app under test
 * serves from this very process.
 */
async function read(
  mode: string,
  sql: string,
  options = {},
  accept?: string,
): Promise<Record<string, unknown>> {
  const args = [
    SCRIPT,
    mode,
    app.url,
    'alice',
    USERS.alice,
    TRINO_URL,
    sql,
    JSON.stringify(options),
  ];
  const env = { ...process.env, ARROW_ACCEPT: accept ?? '' };
  const { stdout } = await run(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 20, env });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('POST /query/download/arrow', () => {
  it('gives pyarrow every type as the table says, with the values Trino gives its own client', async () => {
    const r = await read('types', ARROW_SQL);
    expect(r.types).toEqual(TYPES);
    expect(r.mismatches).toEqual([]);
    expect([r.rows, r.trinoRows]).toEqual([1, 1]);
    expect((r.trinoTypes as Record<string, string>).tstz).toBe('timestamp(12) with time zone');
    const end = r.end as Record<string, string>;
    const id = (r.schemaMetadata as Record<string, string>)['trino.query_id'];
    expect(end).toEqual({
      'trino.query_id': id,
      'trino.row_count': '1',
      'trino.truncated': 'false',
    });
  });

  it('says in the closing batch that size truncated the result', async () => {
    const r = await read('types', 'SELECT * FROM tpch.tiny.nation ORDER BY nationkey', { size: 3 });
    expect(r.rows).toBe(3);
    expect(r.end).toMatchObject({ 'trino.row_count': '3', 'trino.truncated': 'true' });
  });

  it('names the file and refuses a bad query before the head, as a JSON error', async () => {
    const ok = await post(
      `${app.url}/query/download/arrow`,
      { sql: 'SELECT 1 AS one', filename: 'one' },
      ALICE,
    );
    expect(ok.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    expect(ok.headers.get('content-disposition')).toBe('attachment; filename="one.arrow"');
    await ok.arrayBuffer();
    const res = await post(
      `${app.url}/query/download/arrow`,
      { sql: 'SELECT * FROM tpch.tiny.no_such_table' },
      ALICE,
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(((await res.json()) as { errorName: string }).errorName).toBe('TABLE_NOT_FOUND');
  });

  it('is read by DuckDB and polars straight from the response, agreeing with Trino', async () => {
    const r = await read('duckdb', 'SELECT * FROM tpch.sf1.orders');
    expect(r.duckdb).toEqual(r.trino);
    expect(r.polars).toEqual(r.trino);
    expect((r.trino as string[])[0]).toBe('1500000');
  });

  it('compresses buffers with lz4 when Accept lists it: pyarrow, DuckDB, polars read them exactly', async () => {
    const types = await read('types', ARROW_SQL, {}, LZ4);
    expect(types.contentTypes).toEqual(['application/vnd.apache.arrow.stream; codecs=lz4']);
    expect(types.types).toEqual(TYPES);
    expect(types.mismatches).toEqual([]);
    expect(types.rows).toBe(1);
    const orders = await read('duckdb', 'SELECT * FROM tpch.sf1.orders', {}, LZ4);
    expect(orders.contentTypes).toEqual(
      Array(2).fill('application/vnd.apache.arrow.stream; codecs=lz4'),
    );
    expect(orders.duckdb).toEqual(orders.trino);
    expect(orders.polars).toEqual(orders.trino);
  });

  it('sends lz4 buffers without compressing the body again, smaller than plain', async () => {
    const body = { sql: 'SELECT * FROM tpch.tiny.orders' };
    const gzip = { 'accept-encoding': 'gzip' };
    const plain = await post(`${app.url}/query/download/arrow`, body, { ...ALICE, ...gzip });
    const lz4 = await post(`${app.url}/query/download/arrow`, body, {
      ...ALICE,
      ...gzip,
      accept: LZ4,
    });
    expect(lz4.headers.get('content-encoding')).toBeNull();
    expect(lz4.headers.get('vary')).toBe('Accept, Accept-Encoding');
    expect(plain.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const bytes = async (r: Response): Promise<number> => (await r.arrayBuffer()).byteLength;
    expect(await bytes(lz4)).toBeLessThan(await bytes(plain));
  });

  it('fails the transfer of a query killed after the head: pyarrow raises, no short table', async () => {
    const child = spawn(PYTHON, [
      SCRIPT,
      'killed',
      app.url,
      'alice',
      USERS.alice,
      TRINO_URL,
      'SELECT * FROM tpch.sf1.lineitem',
    ]);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const { queryId } = JSON.parse((await lines.next()).value as string) as { queryId: string };
    await trinoRows(
      `CALL system.runtime.kill_query(query_id => '${queryId}', message => 'killed by the e2e test')`,
    );
    child.stdin.write('\n');
    const outcome = JSON.parse((await lines.next()).value as string) as {
      raised: string | null;
      rows: number;
    };
    expect(outcome.raised).not.toBeNull();
    expect(outcome.rows).toBeLessThan(6_001_215);
  });
});
