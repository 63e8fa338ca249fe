import {
  ArrowValueError,
  daysFromCivil,
  epochDays,
  epochTime,
  intervalMillis,
  intervalMonths,
  timeOfDay,
  unscaled,
} from './trino-text';

describe('Trino text read into Arrow integers', () => {
  it('counts days as the proleptic Gregorian calendar does, every day of 1600-2400', () => {
    const mismatches: string[] = [];
    for (let t = Date.UTC(1600, 0, 1); t < Date.UTC(2400, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      const days = daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      if (days !== t / 86_400_000) mismatches.push(d.toISOString());
    }
    expect(mismatches).toEqual([]);
    expect(epochDays('+10000-01-01')).toBe(2_932_897);
    expect(epochDays('-0001-12-31')).toBe(-719_529);
  });

  it('keeps every digit of a timestamp or time, before the epoch too', () => {
    expect(epochTime('2262-04-11 23:47:16.854775807', 9)).toBe(9_223_372_036_854_775_807n);
    expect(epochTime('1969-12-31 23:59:59.999', 3)).toBe(-1n);
    expect(epochTime('1970-01-01 00:00:01', 0)).toBe(1n);
    expect(epochTime('2024-01-02 03:04:05.1', 6)).toBe(1_704_164_645_100_000n);
    expect(timeOfDay('23:59:59.999999999', 9)).toBe(86_399_999_999_999n);
    expect(() => epochTime('2024-01-02 03:04:05.1234', 3)).toThrow(ArrowValueError);
  });

  it('reads decimals as their unscaled integers', () => {
    expect(unscaled('12345678901234567890123456789012345.678', 3)).toBe(
      12345678901234567890123456789012345678n,
    );
    expect(unscaled('-0.01', 2)).toBe(-1n);
    expect(unscaled('250', 2)).toBe(25000n);
    expect(() => unscaled('1e5', 0)).toThrow(ArrowValueError);
  });

  it('reads both interval kinds with their sign', () => {
    expect(intervalMillis('3 00:00:00.000')).toBe(259_200_000n);
    expect(intervalMillis('-1 02:03:04.005')).toBe(-93_784_005n);
    expect(intervalMonths('2-0')).toBe(24);
    expect(intervalMonths('-1-3')).toBe(-15);
    expect(() => intervalMonths('P2Y')).toThrow(ArrowValueError);
  });
});
