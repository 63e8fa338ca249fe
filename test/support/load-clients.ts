import { accessToken, basic, bearer } from './credentials';
import { USERS } from './env';
import { parseSse, post } from './http';

export type Kind = 'sse' | 'csv' | 'json';
export const KINDS: Kind[] = ['sse', 'csv', 'json'];
export const PATHS: Record<Kind, string> = {
  sse: '/query',
  csv: '/query/download/csv',
  json: '/query/download/json',
};

export interface Identity {
  /** The Trino user the service runs the queries as. */
  user: string;
  headers: Record<string, string>;
}

/** Four Basic users of the password file (carol's password has colons) and a Bearer client. */
export async function identities(): Promise<Identity[]> {
  const token = await accessToken('svc-reporting', 'svc-reporting-secret');
  const users = ['alice', 'bob', 'carol', 'dave'] as const;
  return [
    ...users.map((user) => ({ user, headers: basic(user, USERS[user]) })),
    { user: 'svc-reporting', headers: bearer(token) },
  ];
}

export function open(
  url: string,
  kind: Kind,
  sql: string,
  who: Identity,
  signal?: AbortSignal,
): Promise<Response> {
  // post() asks for identity: a gzip body would be small enough to finish into the socket
  // buffers unread and free its slot, which is not the load these suites measure.
  return post(`${url}${PATHS[kind]}`, { sql }, who.headers, signal);
}

/** Rows in a complete body; throws when the body does not say it completed. */
export function countRows(kind: Kind, text: string): number {
  if (kind === 'csv') {
    if (!text.endsWith('\r\n')) throw new Error('CSV does not end with a line break');
    return text.split('\r\n').length - 2; // header and the empty string after the last CRLF
  }
  if (kind === 'json') {
    const doc = JSON.parse(text) as { data: unknown[]; error?: string };
    if (doc.error !== undefined) throw new Error(`JSON document failed: ${doc.error}`);
    return doc.data.length;
  }
  const events = parseSse(text);
  const last = events.at(-1);
  if (last?.type !== 'complete') throw new Error(`SSE ended with ${JSON.stringify(last)}`);
  const rows = events.filter((e) => e.type === 'row').length;
  if (rows !== last.rowCount)
    throw new Error(`SSE sent ${rows} rows, complete says ${String(last.rowCount)}`);
  return rows;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const MiB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
