const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A user and password from an `Authorization: Basic` header. */
export interface BasicCredentials {
  user: string;
  password: string;
}

/**
 * Decodes the part after `Basic `, strictly: canonical base64, valid UTF-8, a `:` present
 * (only the first one splits, so passwords may contain `:`), and a non-empty user.
 * Returns undefined for anything else.
 */
export function decodeBasic(encoded: string): BasicCredentials | undefined {
  if (encoded.length === 0 || !BASE64.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  // Non-zero padding bits decode too; only the canonical spelling is accepted.
  if (bytes.toString('base64') !== encoded) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The part of a request's `Authorization: Basic` header after the scheme. */
export function basicCredential(req: { headers: { authorization?: string } }): string {
  return (req.headers.authorization ?? '').replace(/^Basic /i, '');
}
