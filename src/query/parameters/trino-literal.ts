/**
 * Renders request parameters as Trino SQL literals for `EXECUTE IMMEDIATE ... USING`. Pure:
 * a value either becomes a literal that Trino reads back as exactly that value, or is refused
 * with the reason. Types come from a fixed grammar and are never passed through as given.
 */

/** A parameter the service cannot bind, and why. */
export class ParameterError extends Error {}

/** `{"type": "<trino type>", "value": "<text>"}`: a value of a type plain JSON cannot carry. */
interface TypedValue {
  type: string;
  value: string;
}

const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  tinyint: [-(2n ** 7n), 2n ** 7n - 1n],
  smallint: [-(2n ** 15n), 2n ** 15n - 1n],
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};
const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]?Infinity)$/;
const DECIMAL_VALUE = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,12}))?$/;
const OFFSET = /^[+-](?:[01]\d|2[0-3]):[0-5]\d$/;
/** An IANA zone name or UTC offset as Trino accepts them after a timestamp. */
const ZONE =
  /^(?:[+-](?:[01]\d|2[0-3]):[0-5]\d|Z|UTC|[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Lone UTF-16 surrogates cannot be sent as UTF-8, so they could not come back unchanged. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The type grammar: a name, its parameters and its canonical spelling. */
const TYPE =
  /^(boolean|tinyint|smallint|integer|bigint|real|double|varchar|char|varbinary|date|time|timestamp|decimal|json|uuid)(?:\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?(\s+with\s+time\s+zone)?$/i;

interface ParsedType {
  name: string;
  precision?: number;
  scale?: number;
  withZone: boolean;
  /** The type as it goes into the SQL: lower case, single spaces. */
  sql: string;
}

/** A string literal: quotes doubled; everything else (backslash, newline, NUL) is literal. */
export function quote(text: string): string {
  if (LONE_SURROGATE.test(text)) throw new ParameterError('is not valid Unicode text');
  return `'${text.replace(/'/g, "''")}'`;
}

function parseType(type: string): ParsedType {
  const m = TYPE.exec(type.trim());
  if (!m) throw new ParameterError(`has an unknown type: ${JSON.stringify(type.slice(0, 64))}`);
  const name = m[1].toLowerCase();
  const precision = m[2] === undefined ? undefined : Number(m[2]);
  const scale = m[3] === undefined ? undefined : Number(m[3]);
  const withZone = m[4] !== undefined;
  const takes: Record<string, [number, number]> = {
    varchar: [0, 1],
    char: [0, 1],
    decimal: [0, 2],
    time: [0, 1],
    timestamp: [0, 1],
  };
  const count = (precision === undefined ? 0 : 1) + (scale === undefined ? 0 : 1);
  const [min, max] = takes[name] ?? [0, 0];
  if (count < min || count > max || (withZone && name !== 'time' && name !== 'timestamp'))
    throw new ParameterError(`has an unknown type: ${JSON.stringify(type.slice(0, 64))}`);
  const args = [precision, scale].filter((a) => a !== undefined);
  const sql = `${name}${args.length ? `(${args.join(',')})` : ''}${withZone ? ' with time zone' : ''}`;
  return { name, precision, scale, withZone, sql };
}

function cannotHold(type: ParsedType, why = ''): ParameterError {
  return new ParameterError(`is not a valid ${type.sql}${why ? `: ${why}` : ''}`);
}

function checkDate(value: string, type: ParsedType): void {
  const m = DATE.exec(value);
  if (!m) throw cannotHold(type, 'expected YYYY-MM-DD');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d)
    throw cannotHold(type, 'no such date');
}

function checkTime(value: string, type: ParsedType): void {
  const m = TIME.exec(value);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) > 59)
    throw cannotHold(type, 'expected HH:MM:SS[.fraction]');
  const digits = m[4]?.length ?? 0;
  if (digits > (type.precision ?? 3))
    throw cannotHold(type, `more than ${type.precision ?? 3} fractional digits`);
}

/** The literal for a value of `type`, checked for that type first. */
function typedLiteral(type: ParsedType, value: string): string {
  const cast = (): string => `CAST(${quote(value)} AS ${type.sql})`;
  switch (type.name) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'bigint': {
      const [min, max] = INTEGER_RANGES[type.name];
      if (!INTEGER.test(value) || BigInt(value) < min || BigInt(value) > max)
        throw cannotHold(type);
      return cast();
    }
    case 'real':
    case 'double':
      if (!FLOAT.test(value)) throw cannotHold(type);
      return cast();
    case 'decimal': {
      const m = DECIMAL_VALUE.exec(value);
      if (!m || (m[2] + (m[3] ?? '')).length === 0) throw cannotHold(type);
      const precision = type.precision ?? 38;
      const scale = type.scale ?? 0;
      const whole = m[2].replace(/^0+(?=\d)/, '');
      const fraction = (m[3] ?? '').replace(/0+$/, '');
      if (precision < 1 || precision > 38 || scale > precision) throw cannotHold(type);
      if (fraction.length > scale || (whole === '0' ? 0 : whole.length) > precision - scale)
        throw cannotHold(type, 'too many digits');
      return cast();
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw cannotHold(type);
      return value;
    case 'varchar':
    case 'char':
      if (type.precision !== undefined && [...value].length > type.precision)
        throw cannotHold(type, 'too long');
      return cast();
    case 'varbinary':
      if (!BASE64.test(value)) throw cannotHold(type, 'expected base64');
      return `X'${Buffer.from(value, 'base64').toString('hex')}'`;
    case 'date':
      checkDate(value, type);
      return cast();
    case 'time': {
      const [time, offset] = type.withZone ? splitZone(value, OFFSET) : [value, ''];
      checkTime(time, type);
      if (type.withZone && !offset) throw cannotHold(type, 'expected an offset like +02:00');
      return cast();
    }
    case 'timestamp': {
      const [stamp, zone] = type.withZone ? splitZone(value, ZONE) : [value, ''];
      const [date, time] = stamp.split(/[ T]/);
      if (time === undefined) throw cannotHold(type, 'expected YYYY-MM-DD HH:MM:SS[.fraction]');
      checkDate(date, type);
      checkTime(time, type);
      if (type.withZone && !zone) throw cannotHold(type, 'expected a time zone');
      const canonical = `${date} ${time}${zone ? ` ${zone === 'Z' ? 'UTC' : zone}` : ''}`;
      return `CAST(${quote(canonical)} AS ${type.sql})`;
    }
    case 'json':
      try {
        JSON.parse(value);
      } catch {
        throw cannotHold(type);
      }
      return `json_parse(${quote(value)})`;
    case 'uuid':
      if (!UUID.test(value)) throw cannotHold(type);
      return cast();
    default:
      throw cannotHold(type);
  }
}

/** Splits `<time> <zone>` (or `<time>Z`, `<time>+02:00`) into its parts. */
function splitZone(value: string, zone: RegExp): [string, string] {
  const spaced = /^(.*\S)\s+(\S+)$/.exec(value);
  if (spaced && zone.test(spaced[2])) return [spaced[1], spaced[2]];
  const attached = /^(.*?\d)(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (attached && zone.test(attached[2])) return [attached[1], attached[2]];
  return [value, ''];
}

function isTypedValue(p: unknown): p is TypedValue {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return false;
  const keys = Object.keys(p).sort();
  const { type, value } = p as Record<string, unknown>;
  return (
    keys.length === 2 &&
    keys[0] === 'type' &&
    keys[1] === 'value' &&
    typeof type === 'string' &&
    typeof value === 'string'
  );
}

/** One parameter as a Trino literal, or a ParameterError saying why it cannot be one. */
export function trinoLiteral(p: unknown): string {
  if (p === null) return 'NULL';
  if (typeof p === 'boolean') return p ? 'true' : 'false';
  if (typeof p === 'string') return quote(p);
  if (typeof p === 'number') {
    if (!Number.isFinite(p)) throw new ParameterError('is not a finite number');
    if (Number.isInteger(p)) {
      if (!Number.isSafeInteger(p))
        throw new ParameterError(
          'is an integer beyond ±2^53, which JSON numbers cannot carry exactly; send {"type": "bigint", "value": "<digits>"}',
        );
      return `BIGINT '${p}'`;
    }
    // JavaScript's shortest round-trip form; Trino parses it back to the same double.
    return `DOUBLE '${String(p)}'`;
  }
  if (isTypedValue(p)) return typedLiteral(parseType(p.type), p.value);
  throw new ParameterError(
    'must be a string, boolean, null, number or {"type": "<trino type>", "value": "<text>"}',
  );
}

/** The statement Trino runs: the SQL unchanged when there is nothing to bind. */
export function boundStatement(sql: string, parameters: readonly unknown[] | undefined): string {
  if (parameters === undefined || parameters.length === 0) return sql;
  const literals = parameters.map((p, i) => {
    try {
      return trinoLiteral(p);
    } catch (e) {
      if (e instanceof ParameterError) throw new ParameterError(`parameters[${i}] ${e.message}`);
      throw e;
    }
  });
  if (LONE_SURROGATE.test(sql)) throw new ParameterError('sql is not valid Unicode text');
  return `EXECUTE IMMEDIATE ${quote(sql)} USING ${literals.join(', ')}`;
}
