/**
 * A JSON POST with auth headers, returning the raw fetch Response (abortable by `signal`).
 * It asks for identity, as curl and most scripts do, unless `headers` say otherwise: fetch
 * would ask for gzip, and a compressed download takes two of a replica's slots and decodes
 * on the test's loop (compression.e2e-spec.ts asks for codings itself).
 */
export function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-encoding': 'identity', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

export interface SseEvent {
  type: string;
  [k: string]: unknown;
}

/** Splits an SSE body into its JSON events (comment lines are skipped). */
export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => JSON.parse(block.slice(6)) as SseEvent);
}

/** Reads until `needle` has been seen `n` times, then returns the text so far (stream left open). */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  needle: string,
  n: number,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let seen = 0;
  let from = 0;
  while (seen < n) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    for (
      let at = text.indexOf(needle, from);
      at !== -1 && seen < n;
      at = text.indexOf(needle, from)
    ) {
      seen++;
      from = at + needle.length;
    }
  }
  return text;
}
