/**
 * The request's `timeout` and `session` as Trino's `X-Trino-Session` header. Pure: a property
 * the operator did not allow, or a value that is not a plain literal, is refused with the
 * reason before anything reaches Trino.
 */

/** A system property (`name`) or a catalog one (`catalog.name`), as Trino spells them. */
export const PROPERTY_NAME = /^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?$/;
const RUN_TIME = 'query_max_run_time';
const MAX_VALUE_LENGTH = 1000;

/** A session request the service will not send, and why. */
export class SessionError extends Error {}

function literal(name: string, value: unknown): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SessionError(`session.${name} must be a finite number`);
    return String(value);
  }
  if (typeof value === 'string') {
    if (value.length === 0 || value.length > MAX_VALUE_LENGTH || /[\p{Cc}]/u.test(value))
      throw new SessionError(
        `session.${name} must be 1 to ${MAX_VALUE_LENGTH} characters without control characters`,
      );
    return value;
  }
  throw new SessionError(`session.${name} must be a string, number or boolean`);
}

/**
 * The `X-Trino-Session` value for `timeout` (seconds, Trino's query_max_run_time) and the
 * `session` properties, each of which must be in `allowed`; undefined when there is none.
 * Values are URL-encoded, as Trino's own clients send them.
 */
export function sessionHeader(
  timeout: number | undefined,
  session: Record<string, unknown> | undefined,
  allowed: readonly string[],
): string | undefined {
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(session ?? {})) {
    if (!allowed.includes(name)) {
      const list = allowed.length > 0 ? allowed.join(', ') : 'none';
      throw new SessionError(
        `session property ${JSON.stringify(name)} is not allowed (allowed: ${list})`,
      );
    }
    if (name === RUN_TIME && timeout !== undefined)
      throw new SessionError(`give either timeout or session.${RUN_TIME}, not both`);
    entries.push([name, literal(name, value)]);
  }
  if (timeout !== undefined) entries.push([RUN_TIME, `${timeout}s`]);
  if (entries.length === 0) return undefined;
  return entries.map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join(',');
}
