/**
 * Whole responses, byte for byte, against outputs recorded from the service before the query
 * path was reshaped (test/fixtures/golden/): status, the headers a format sets, and the body,
 * with query ids masked. `RECORD_GOLDEN=1` writes the fixtures instead of comparing; it is
 * meant to be run once, on the code whose output is the reference.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appForSuite } from './support/app';
import { ALICE } from './support/credentials';
import { post } from './support/http';
import { TYPES_SQL } from './support/types-query';

const DIR = join(__dirname, 'fixtures', 'golden');
const RECORD = process.env.RECORD_GOLDEN === '1';
const HEADERS = ['content-type', 'content-disposition', 'cache-control', 'x-accel-buffering'];
const NATION = 'SELECT * FROM tpch.tiny.nation ORDER BY nationkey';
const MISSING = 'SELECT * FROM tpch.tiny.no_such_table';

const CASES: [string, string, object][] = [
  ['sse-types', '/query', { sql: TYPES_SQL }],
  ['csv-types', '/query/download/csv', { sql: TYPES_SQL, filename: 'types' }],
  ['json-types', '/query/download/json', { sql: TYPES_SQL }],
  ['sse-truncated', '/query', { sql: NATION, size: 3 }],
  ['csv-truncated', '/query/download/csv', { sql: NATION, size: 3 }],
  ['json-truncated', '/query/download/json', { sql: NATION, size: 3 }],
  ['sse-empty', '/query', { sql: 'SELECT 1 AS one WHERE false' }],
  ['json-empty', '/query/download/json', { sql: 'SELECT 1 AS one WHERE false' }],
  ['sse-missing-table', '/query', { sql: MISSING }],
  ['csv-missing-table', '/query/download/csv', { sql: MISSING }],
  ['json-missing-table', '/query/download/json', { sql: MISSING }],
];

const app = appForSuite();

/** The response as one text: status, the format's headers, a blank line, the body. */
async function recorded(path: string, body: object): Promise<string> {
  const res = await post(`${app.url}${path}`, body, ALICE);
  const head = HEADERS.map((h) => `${h}: ${res.headers.get(h) ?? '-'}`).join('\n');
  const text = await res.text();
  return `${res.status}\n${head}\n\n${text}`.replace(/\d{8}_\d{6}_\d{5}_[a-z0-9]{5}/g, 'QUERY_ID');
}

describe('responses are byte-identical to the recorded ones', () => {
  it.each(CASES)('%s', async (name, path, body) => {
    const actual = await recorded(path, body);
    const file = join(DIR, `${name}.txt`);
    if (RECORD) {
      mkdirSync(DIR, { recursive: true });
      writeFileSync(file, actual);
    }
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});
