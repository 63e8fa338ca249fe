import type { ArrowCodec } from '../encoders/arrow/ipc-compression';
import { ARROW_STREAM } from '../formats/arrow.format';

/** Splits `text` at `sep` where it is not inside double quotes. */
function splitUnquoted(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === sep && !quoted) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/**
 * The IPC buffer codec an Accept header asks for, by Arrow's HTTP convention:
 * `Accept: application/vnd.apache.arrow.stream; codecs="zstd, lz4"` lists the codecs the
 * client reads, and the server may pick any of them or none. The service writes lz4; a list
 * without it, or no codecs parameter, gets uncompressed buffers.
 */
export function arrowCodec(accept: string | undefined): ArrowCodec | undefined {
  for (const range of splitUnquoted(accept ?? '', ',')) {
    const [type, ...params] = splitUnquoted(range, ';');
    if (type.toLowerCase() !== ARROW_STREAM) continue;
    const param = (name: string): string | undefined => {
      const p = params.find((x) => x.split('=')[0].trim().toLowerCase() === name);
      return p
        ?.slice(p.indexOf('=') + 1)
        .trim()
        .replace(/^"|"$/g, '');
    };
    if (Number(param('q') ?? 1) === 0) continue;
    const codecs = (param('codecs') ?? '').toLowerCase().split(/[\s,]+/);
    if (codecs.includes('lz4')) return 'lz4';
  }
  return undefined;
}
