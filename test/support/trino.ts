import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { TRINO_URL } from './env';
import { waitFor } from './wait';

interface Page {
  nextUri?: string;
  data?: unknown[][];
  error?: { message: string };
}

/** Runs SQL directly against Trino (no service in between) and returns all rows. */
export async function trinoRows(sql: string, user = 'e2e-check'): Promise<unknown[][]> {
  let res = await fetch(`${TRINO_URL}/v1/statement`, {
    method: 'POST',
    body: sql,
    headers: { 'x-trino-user': user },
  });
  let page = (await res.json()) as Page;
  const rows: unknown[][] = [];
  for (;;) {
    if (page.error) throw new Error(page.error.message);
    rows.push(...(page.data ?? []));
    if (!page.nextUri) return rows;
    res = await fetch(page.nextUri);
    page = (await res.json()) as Page;
  }
}

/** Trino's view of one query: state and error code, from system.runtime.queries. */
export async function queryState(
  queryId: string,
): Promise<{ state: string; errorCode: string | null }> {
  const rows = await trinoRows(
    `SELECT state, error_code FROM system.runtime.queries WHERE query_id = '${queryId.replace(/'/g, '')}'`,
  );
  if (rows.length === 0) throw new Error(`query ${queryId} unknown to Trino`);
  return {
    state: String(rows[0][0]),
    errorCode: rows[0][1] === null ? null : String(rows[0][1] as string),
  };
}

/** Polls until the query is no longer running, or `timeoutMs` passes; returns the last state. */
export async function settledState(
  queryId: string,
  timeoutMs = 5000,
): Promise<{ state: string; errorCode: string | null }> {
  const settled = await waitFor(
    async () => {
      const s = await queryState(queryId);
      return !RUNNING_STATES.includes(s.state) && s;
    },
    { timeoutMs },
  );
  return settled ?? queryState(queryId);
}

const RUNNING_STATES = [
  'QUEUED',
  'PLANNING',
  'STARTING',
  'RUNNING',
  'FINISHING',
  'DISPATCHING',
  'WAITING_FOR_RESOURCES',
];

/** The id of a running query whose text ends with `marker`, polled for up to 10 s. */
export async function runningQueryByMarker(marker: string): Promise<string | undefined> {
  return waitFor(async () => {
    const rows = await trinoRows(
      `SELECT query_id FROM system.runtime.queries WHERE state = 'RUNNING' AND query LIKE '%${marker}' AND query LIKE 'SELECT *%'`,
    );
    return rows[0]?.[0] as string | undefined;
  });
}

/** Kills a query inside Trino, as an administrator would. */
export async function killQuery(queryId: string): Promise<void> {
  await trinoRows(
    `CALL system.runtime.kill_query(query_id => '${queryId}', message => 'killed by the e2e test')`,
  );
}

/**
 * curl's exit code for a CSV download of `sql` (a long query) that Trino kills once it runs.
 * curl buffers headers written to a pipe, so the query is found by a marker in its text.
 */
export async function curlExitWhenKilled(
  url: string,
  sql: string,
  user: string,
  password: string,
  curlArgs: string[] = [],
): Promise<number | null> {
  const marker = `curl-abort-${randomUUID()}`;
  const curl = spawn('curl', [
    ...['-sS', ...curlArgs, '-o', '/dev/null', '-u', `${user}:${password}`],
    ...[
      '-H',
      'content-type: application/json',
      '-d',
      JSON.stringify({ sql: `${sql} -- ${marker}` }),
    ],
    url,
  ]);
  const exit = new Promise<number | null>((resolve) => curl.on('exit', resolve));
  const queryId = await runningQueryByMarker(marker);
  if (!queryId) {
    curl.kill();
    throw new Error(`no running query marked ${marker}`);
  }
  await killQuery(queryId);
  return exit;
}
