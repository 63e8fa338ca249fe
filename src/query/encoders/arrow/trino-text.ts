/**
 * Trino's text for dates, times, timestamps, decimals and intervals, read exactly into the
 * integers Arrow stores. Trino writes these as strings in its JSON (`SqlDate`, `SqlTimestamp`,
 * `SqlDecimal`, `SqlIntervalDayTime`... `toString()`); nothing here goes through a JS Date.
 */

/** A value Trino sent that does not read as its column type: the transfer fails on it. */
export class ArrowValueError extends Error {}

const DATE = /^([+-]?\d{4,})-(\d{2})-(\d{2})/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** `2024-02-29` (years beyond four digits carry a sign, as Java prints them). */
export function epochDays(text: string): number {
  const m = DATE.exec(text);
  if (!m || m[0].length !== text.length) throw new ArrowValueError(`not a date: ${text}`);
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Digits after the point, cut or padded to `digits` (Trino sends exactly the precision). */
function fraction(frac: string | undefined, digits: number): bigint {
  if (digits === 0) return 0n;
  const f = (frac ?? '').padEnd(digits, '0');
  if (/[1-9]/.test(f.slice(digits))) throw new ArrowValueError(`more digits than the unit holds`);
  return BigInt(f.slice(0, digits));
}

/** `HH:MM:SS[.f...]` as units of 10^-digits s since midnight. */
export function timeOfDay(text: string, digits: number): bigint {
  const m = TIME.exec(text);
  if (!m) throw new ArrowValueError(`not a time: ${text}`);
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return BigInt(seconds) * 10n ** BigInt(digits) + fraction(m[4], digits);
}

/** `2024-01-02 03:04:05[.f...]` (no zone) as units of 10^-digits s since the epoch. */
export function epochTime(text: string, digits: number): bigint {
  const space = text.indexOf(' ');
  if (space < 0) throw new ArrowValueError(`not a timestamp: ${text}`);
  const days = BigInt(epochDays(text.slice(0, space)));
  return days * 86400n * 10n ** BigInt(digits) + timeOfDay(text.slice(space + 1), digits);
}

/** A decimal's unscaled integer: `-12.50` at scale 2 is -1250. */
export function unscaled(text: string, scale: number): bigint {
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new ArrowValueError(`not a decimal: ${text}`);
  const digits = BigInt(m[2]) * 10n ** BigInt(scale) + fraction(m[3], scale);
  return m[1] === '-' ? -digits : digits;
}

/** INTERVAL DAY TO SECOND, `[-]D HH:MM:SS.fff`, in milliseconds. */
export function intervalMillis(text: string): bigint {
  const m = /^(-?)(\d+) (\d{2}):(\d{2}):(\d{2})\.(\d{3})$/.exec(text);
  if (!m) throw new ArrowValueError(`not a day-to-second interval: ${text}`);
  const ms =
    ((BigInt(m[2]) * 24n + BigInt(m[3])) * 60n + BigInt(m[4])) * 60000n +
    BigInt(m[5]) * 1000n +
    BigInt(m[6]);
  return m[1] === '-' ? -ms : ms;
}

/** INTERVAL YEAR TO MONTH, `[-]Y-M`, in months. */
export function intervalMonths(text: string): number {
  const m = /^(-?)(\d+)-(\d+)$/.exec(text);
  if (!m) throw new ArrowValueError(`not a year-to-month interval: ${text}`);
  const months = Number(m[2]) * 12 + Number(m[3]);
  return m[1] === '-' ? -months : months;
}
