/**
 * One row covering every Trino type the contract names, with the exact text each value must
 * have in the JSON encodings (SSE row data and JSON download) and in CSV.
 */
export const TYPES_SQL = `SELECT
  BIGINT '9223372036854775807' AS big_max,
  BIGINT '-9223372036854775808' AS big_min,
  DECIMAL '12345678901234567890123456789012345.678' AS dec38,
  DECIMAL '250.00' AS dec_scale,
  nan() AS d_nan, infinity() AS d_inf, -infinity() AS d_ninf,
  DOUBLE '0.1' AS d_tenth,
  REAL '3.14' AS r,
  DATE '2024-02-29' AS d,
  TIME '12:34:56.123456789012' AS t12,
  TIMESTAMP '2024-01-02 03:04:05.123456789012' AS ts12,
  TIMESTAMP '2024-01-02 03:04:05.123456789012 Europe/Warsaw' AS tstz,
  from_hex('00FF10') AS vb,
  ARRAY[BIGINT '9223372036854775807', NULL, -1] AS arr,
  MAP(ARRAY['a', '__proto__'], ARRAY[BIGINT '-9223372036854775808', 2]) AS m,
  CAST(ROW(1, 'x', ARRAY[BIGINT '9007199254740993']) AS ROW(id INTEGER, label VARCHAR, nums ARRAY(BIGINT))) AS named_row,
  JSON '{"k":[1,2,{"z":null}]}' AS j,
  UUID '12151fd2-7586-11e9-8f9e-2a86e4085a59' AS u,
  IPADDRESS '2001:db8::1' AS ip,
  INTERVAL '3' DAY AS iv_ds, INTERVAL '2' YEAR AS iv_ym,
  'quote " comma , newline
 and ünïcødé ✓' AS s,
  CAST(NULL AS VARCHAR) AS nul,
  true AS b, TINYINT '-128' AS ti, SMALLINT '32767' AS si, 2147483647 AS i,
  1 AS dup, 2 AS dup`;

/** [column, JSON text, CSV field text (already quoted where RFC 4180 requires)]. */
export const EXPECTED: [string, string, string][] = [
  ['big_max', '9223372036854775807', '9223372036854775807'],
  ['big_min', '-9223372036854775808', '-9223372036854775808'],
  ['dec38', '12345678901234567890123456789012345.678', '12345678901234567890123456789012345.678'],
  ['dec_scale', '250.00', '250.00'],
  ['d_nan', '"NaN"', 'NaN'],
  ['d_inf', '"Infinity"', 'Infinity'],
  ['d_ninf', '"-Infinity"', '-Infinity'],
  ['d_tenth', '0.1', '0.1'],
  ['r', '3.14', '3.14'],
  ['d', '"2024-02-29"', '2024-02-29'],
  ['t12', '"12:34:56.123456789012"', '12:34:56.123456789012'],
  ['ts12', '"2024-01-02 03:04:05.123456789012"', '2024-01-02 03:04:05.123456789012'],
  [
    'tstz',
    '"2024-01-02 03:04:05.123456789012 Europe/Warsaw"',
    '2024-01-02 03:04:05.123456789012 Europe/Warsaw',
  ],
  ['vb', '"AP8Q"', 'AP8Q'],
  ['arr', '[9223372036854775807,null,-1]', '"[9223372036854775807,null,-1]"'],
  [
    'm',
    '{"a":-9223372036854775808,"__proto__":2}',
    '"{""a"":-9223372036854775808,""__proto__"":2}"',
  ],
  [
    'named_row',
    '{"id":1,"label":"x","nums":[9007199254740993]}',
    '"{""id"":1,""label"":""x"",""nums"":[9007199254740993]}"',
  ],
  ['j', '"{\\"k\\":[1,2,{\\"z\\":null}]}"', '"{""k"":[1,2,{""z"":null}]}"'],
  ['u', '"12151fd2-7586-11e9-8f9e-2a86e4085a59"', '12151fd2-7586-11e9-8f9e-2a86e4085a59'],
  ['ip', '"2001:db8::1"', '2001:db8::1'],
  ['iv_ds', '"3 00:00:00.000"', '3 00:00:00.000'],
  ['iv_ym', '"2-0"', '2-0'],
  [
    's',
    '"quote \\" comma , newline\\n and ünïcødé ✓"',
    '"quote "" comma , newline\n and ünïcødé ✓"',
  ],
  ['nul', 'null', ''],
  ['b', 'true', 'true'],
  ['ti', '-128', '-128'],
  ['si', '32767', '32767'],
  ['i', '2147483647', '2147483647'],
  ['dup', '1', '1'],
  ['dup_2', '2', '2'],
];

/** The row object as both JSON encodings must write it, byte for byte. */
export const EXPECTED_ROW_JSON = `{${EXPECTED.map(([k, j]) => `${JSON.stringify(k)}:${j}`).join(',')}}`;
export const EXPECTED_CSV = `${EXPECTED.map(([k]) => k).join(',')}\r\n${EXPECTED.map(([, , c]) => c).join(',')}\r\n`;
