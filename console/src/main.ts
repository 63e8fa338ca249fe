import { eventType, rowCells, SseSplitter } from './sse.js';
import { VirtualTable } from './table.js';

/** Rows kept for display; past it the stream goes on and only the counter moves. */
const KEEP_ROWS = 200_000;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The Authorization-like header for this tab only: never stored, never in the URL. */
let credentials: Record<string, string> | undefined;
let running: { abort: AbortController; queryId?: string } | undefined;
const table = new VirtualTable($('rows'), KEEP_ROWS);

/**
 * Every request of the console: its credentials are explicit headers, and `omit` keeps the
 * browser from answering a 401's Basic challenge with its own password dialog (Fetch spec:
 * no prompt when credentials are not included).
 */
function call(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, credentials: 'omit' });
}

function say(id: string, text: string, kind = ''): void {
  const el = $(id);
  el.textContent = text;
  el.className = kind;
}

/** One line about a refused request: its JSON message, and when to retry. */
async function refusal(res: Response): Promise<string> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { message?: string; errorName?: string };
    message = `${res.status}: ${body.message ?? ''}${body.errorName ? ` (${body.errorName})` : ''}`;
  } catch {
    // not JSON: the status says enough
  }
  const retry = res.headers.get('retry-after');
  if (res.status === 401) message += ' — check the credentials';
  return retry ? `${message} — retry after ${retry} s` : message;
}

function readCredentials(): Record<string, string> | undefined {
  const method = $<HTMLSelectElement>('method').value;
  const secret = $<HTMLInputElement>('secret').value.trim();
  if (method === 'basic') {
    const user = $<HTMLInputElement>('user').value;
    const bytes = new TextEncoder().encode(`${user}:${$<HTMLInputElement>('password').value}`);
    return { authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` };
  }
  if (!secret) return undefined;
  return method === 'idtoken' ? { idtoken: secret } : { authorization: `Bearer ${secret}` };
}

async function signIn(event: Event): Promise<void> {
  event.preventDefault();
  const given = readCredentials();
  if (!given) return say('who', 'paste a token first', 'bad');
  const res = await call('/me', { headers: given });
  if (!res.ok) return say('who', await refusal(res), 'bad');
  const me = (await res.json()) as { user: string; authMethod: string };
  credentials = given;
  say('who', `signed in as ${me.user} (${me.authMethod})`, 'ok');
  $<HTMLButtonElement>('run').disabled = false;
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-format]')) b.disabled = false;
}

function showProgress(e: { state: string; progressPercentage?: number }): void {
  const bar = $<HTMLProgressElement>('progress');
  if (e.progressPercentage === undefined) bar.removeAttribute('value');
  else bar.value = e.progressPercentage;
  say(
    'state',
    `${e.state}${e.progressPercentage === undefined ? '' : ` ${e.progressPercentage.toFixed(0)} %`}`,
  );
}

/** Runs the SQL as a stream of events and fills the table as rows arrive. */
async function run(): Promise<void> {
  if (!credentials || running) return;
  const abort = new AbortController();
  running = { abort };
  $<HTMLButtonElement>('cancel').disabled = false;
  say('status', 'running…');
  say('state', '');
  say('query', '');
  const started = performance.now();
  let count = 0;
  const showCount = (): void => {
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(count / Math.max(seconds, 0.001)).toLocaleString('en-US');
    say('count', `${count.toLocaleString('en-US')} rows, ${rate} rows/s`);
  };
  let shown = started;
  try {
    const res = await call('/query', {
      method: 'POST',
      headers: { ...credentials, 'content-type': 'application/json' },
      body: JSON.stringify({
        sql: $<HTMLTextAreaElement>('sql').value,
        progress: $<HTMLInputElement>('withProgress').checked,
      }),
      signal: abort.signal,
    });
    if (!res.ok || !res.body) return say('status', await refusal(res), 'bad');
    running.queryId = res.headers.get('x-query-id') ?? undefined;
    say('query', running.queryId ?? '');
    const reader = res.body.getReader();
    const splitter = new SseSplitter();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const json of splitter.push(value)) {
        const type = eventType(json);
        if (type === 'row') {
          count++;
          if (!table.add(rowCells(json)) && count === KEEP_ROWS + 1)
            say(
              'kept',
              `showing the first ${KEEP_ROWS.toLocaleString('en-US')} rows; still counting`,
            );
        } else handle(type, json, count, started);
      }
      // Rows can arrive faster than they are drawn: every 100 ms the loop gives the page a
      // turn (counter, table, buttons); the stream waits meanwhile, so Trino is held back.
      if (performance.now() - shown > 100) {
        showCount();
        await new Promise((resolve) => setTimeout(resolve, 0));
        shown = performance.now();
      }
    }
  } catch (e) {
    say('status', abort.signal.aborted ? 'cancelled' : `failed: ${String(e)}`, 'bad');
  } finally {
    showCount();
    running = undefined;
    $<HTMLButtonElement>('cancel').disabled = true;
  }
}

/** Every event but rows: values here are small, so JSON.parse is exact enough. */
function handle(type: string, json: string, count: number, started: number): void {
  const e = JSON.parse(json) as Record<string, unknown>;
  if (type === 'metadata') {
    table.reset(e.columns as { name: string; type: string }[]);
    say('kept', '');
  } else if (type === 'progress') showProgress(e as { state: string; progressPercentage?: number });
  else if (type === 'complete') {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const truncated = e.truncated === true ? ', truncated by size' : '';
    say(
      'status',
      `complete: ${Number(e.rowCount).toLocaleString('en-US')} rows in ${seconds} s${truncated}`,
      'ok',
    );
    say('query', String(e.queryId));
    showProgress({ state: 'FINISHED', progressPercentage: 100 });
    if (count > KEEP_ROWS)
      say('kept', `showing the first ${KEEP_ROWS.toLocaleString('en-US')} rows`);
  } else if (type === 'error') {
    say('status', `error: ${String(e.error)} (${String(e.errorName)})`, 'bad');
    say('query', String(e.queryId));
  }
}

/** Asks the service to cancel the running query; its stream then ends with an error event. */
async function cancel(): Promise<void> {
  if (!running || !credentials) return;
  if (!running.queryId) return running.abort.abort();
  const res = await call(`/query/${encodeURIComponent(running.queryId)}`, {
    method: 'DELETE',
    headers: credentials,
  });
  if (!res.ok && res.status !== 404) say('status', await refusal(res), 'bad');
}

/** Downloads the SQL in `format` through the browser's own download, named as the service says. */
async function download(format: string): Promise<void> {
  if (!credentials) return;
  const filename = $<HTMLInputElement>('filename').value.trim();
  const res = await call(`/query/download/${format}`, {
    method: 'POST',
    headers: { ...credentials, 'content-type': 'application/json' },
    body: JSON.stringify({
      sql: $<HTMLTextAreaElement>('sql').value,
      ...(filename ? { filename } : {}),
    }),
  });
  if (!res.ok) return say('status', await refusal(res), 'bad');
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name ?? `download.${format}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  say('status', `downloaded ${a.download}`, 'ok');
}

function showMethod(): void {
  const basic = $<HTMLSelectElement>('method').value === 'basic';
  $('basic').hidden = !basic;
  $('token').hidden = basic;
}

$('signin').addEventListener('submit', (e) => void signIn(e));
$('method').addEventListener('change', showMethod);
$('run').addEventListener('click', () => void run());
$('cancel').addEventListener('click', () => void cancel());
for (const b of document.querySelectorAll<HTMLButtonElement>('[data-format]'))
  b.addEventListener('click', () => void download(b.dataset.format ?? 'csv'));
document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    void run();
  } else if (e.key === 'Escape') void cancel();
});
// Leaving the page aborts the stream, and the service cancels the query in Trino.
window.addEventListener('pagehide', () => running?.abort.abort());
showMethod();
