/**
 * Reading `POST /query`'s event stream in the browser, incrementally and exactly: events are
 * split as bytes arrive, and a row's values are kept as the JSON text the service wrote, so a
 * BIGINT keeps all 19 digits (JSON.parse would round it to a double).
 */

/** Splits a byte stream into the JSON text of its `data:` events; comments are dropped. */
export class SseSplitter {
  private readonly decoder = new TextDecoder();
  private carry = '';

  /** The complete events in `bytes` (plus what was carried over), as JSON texts. */
  push(bytes: Uint8Array): string[] {
    this.carry += this.decoder.decode(bytes, { stream: true });
    const blocks = this.carry.split('\n\n');
    this.carry = blocks.pop() ?? '';
    const events: string[] = [];
    for (const block of blocks) {
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
      if (data.length > 0) events.push(data.join('\n'));
    }
    return events;
  }
}

/** Index just past the JSON value that starts at `at` (after whitespace). */
function skipValue(text: string, at: number): number {
  let i = skipSpace(text, at);
  const c = text[i];
  if (c === '"') {
    for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    return i + 1;
  }
  if (c === '{' || c === '[') {
    let depth = 0;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') i = skipValue(text, i) - 1;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw new Error('unterminated JSON value');
  }
  while (i < text.length && !',}] \n\r\t'.includes(text[i])) i++;
  return i;
}

function skipSpace(text: string, at: number): number {
  let i = at;
  while (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t') i++;
  return i;
}

/** The members of the JSON object at `at`, each value as its exact JSON text. */
export function rawMembers(text: string, at: number): [string, string][] {
  const out: [string, string][] = [];
  let i = skipSpace(text, at);
  if (text[i] !== '{') throw new Error('not a JSON object');
  i = skipSpace(text, i + 1);
  if (text[i] === '}') return out;
  for (;;) {
    const keyEnd = skipValue(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1); // past ':'
    const valueEnd = skipValue(text, valueStart);
    out.push([key, text.slice(valueStart, valueEnd)]);
    i = skipSpace(text, valueEnd);
    if (text[i] === '}') return out;
    i = skipSpace(text, i + 1); // past ','
  }
}

/**
 * A row event's cells, as text to show: strings decoded, null as null, every other value
 * (numbers, booleans, arrays, maps, rows) exactly as the service wrote it.
 */
export function rowCells(eventJson: string): (string | null)[] {
  const data = rawMembers(eventJson, 0).find(([k]) => k === 'data');
  if (!data) throw new Error('row event without data');
  return rawMembers(data[1], 0).map(([, raw]) => {
    if (raw === 'null') return null;
    return raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  });
}

/** The `type` of an event, without parsing its values. */
export function eventType(eventJson: string): string {
  const m = /^\s*\{\s*"type"\s*:\s*"([a-z]+)"/.exec(eventJson);
  if (m) return m[1];
  const type = rawMembers(eventJson, 0).find(([k]) => k === 'type');
  return type ? (JSON.parse(type[1]) as string) : '';
}
