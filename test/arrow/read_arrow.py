"""Reads trino-stream's Arrow downloads with the data tools users have, for the e2e suite.

Usage: read_arrow.py <mode> <service url> <user> <password> <trino url> <sql> [options]
  (options: JSON members added to the request body, e.g. {"size": 3})
  types   pyarrow reads the stream; every value is compared with Trino's own answer, read
          by the official `trino` client (legacy primitive types: Trino's exact text)
  duckdb  DuckDB and polars read the stream straight from the HTTP response; prints
          count, sum(orderkey) and sum(totalprice) as decimal from each and from Trino
  killed  pyarrow reads one batch, prints the query id, then reads on: prints what raised
Prints one JSON line (killed: two) on stdout. ARROW_ACCEPT, when set, is sent as the
request's Accept header (e.g. asking for lz4-compressed buffers); types and duckdb print the
Content-Type they got.
"""

import base64
import datetime
import decimal
import json
import math
import os
import sys
import urllib.request
from urllib.parse import urlparse

import pyarrow as pa
import trino

mode, service, user, password, trino_url, sql = sys.argv[1:7]
options = json.loads(sys.argv[7]) if len(sys.argv) > 7 else {}
content_types = []


def download():
    headers = {
        "Content-Type": "application/json",
        "Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode(),
    }
    if os.environ.get("ARROW_ACCEPT"):
        headers["Accept"] = os.environ["ARROW_ACCEPT"]
    req = urllib.request.Request(
        f"{service}/query/download/arrow",
        data=json.dumps({"sql": sql, **options}).encode(),
        headers=headers,
    )
    res = urllib.request.urlopen(req)
    content_types.append(res.headers["Content-Type"])
    return res


def trino_rows(query):
    u = urlparse(trino_url)
    conn = trino.dbapi.connect(host=u.hostname, port=u.port, user=user, legacy_primitive_types=True)
    cur = conn.cursor()
    cur.execute(query)
    return cur.fetchall(), [d[0] for d in cur.description]


DATE_EPOCH = datetime.date(1970, 1, 1).toordinal()
UNIT_DIGITS = {"s": 0, "ms": 3, "us": 6, "ns": 9}


def ticks(clock, digits):
    """HH:MM:SS[.fff] as an integer count of 10^-digits seconds."""
    hms, _, frac = clock.partition(".")
    h, m, s = (int(x) for x in hms.split(":"))
    return (h * 3600 + m * 60 + s) * 10**digits + int((frac + "0" * digits)[:digits] or 0)


def expected(arrow_type, text):
    """Trino's text for one value, read independently of the service into Arrow's storage."""
    if text is None:
        return None
    if pa.types.is_timestamp(arrow_type):
        day, _, clock = text.partition(" ")
        days = datetime.date.fromisoformat(day).toordinal() - DATE_EPOCH
        digits = UNIT_DIGITS[arrow_type.unit]
        return days * 86400 * 10**digits + ticks(clock, digits)
    if pa.types.is_time(arrow_type):
        return ticks(text, UNIT_DIGITS[arrow_type.unit])
    if pa.types.is_date(arrow_type):
        return datetime.date.fromisoformat(text)
    if pa.types.is_binary(arrow_type):
        return base64.b64decode(text)
    if pa.types.is_decimal(arrow_type):
        return decimal.Decimal(text)
    if pa.types.is_floating(arrow_type):
        value = float(text)
        return pa.scalar(value, arrow_type).as_py()  # a REAL is compared as float32
    if pa.types.is_duration(arrow_type):
        sign = -1 if text.startswith("-") else 1
        d, _, clock = text.lstrip("-").partition(" ")
        return datetime.timedelta(milliseconds=sign * (int(d) * 86400000 + ticks(clock, 3)))
    if arrow_type == pa.month_day_nano_interval():
        sign = -1 if text.startswith("-") else 1
        y, m = (int(x) for x in text.lstrip("-").split("-"))
        return pa.MonthDayNano([sign * (y * 12 + m), 0, 0])
    if pa.types.is_integer(arrow_type):
        return int(text)
    if pa.types.is_map(arrow_type):
        return [(k, v) for k, v in text.items()]
    if pa.types.is_struct(arrow_type):
        return {f.name: v for f, v in zip(arrow_type, text)}
    return text


def actual(arrow_type, column):
    """The Arrow column's values in the same terms as expected()."""
    if pa.types.is_timestamp(arrow_type) or pa.types.is_time(arrow_type):
        return column.view(pa.int32() if arrow_type.bit_width == 32 else pa.int64()).to_pylist()
    return column.to_pylist()


def same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, decimal.Decimal) and isinstance(b, decimal.Decimal):
        return str(a) == str(b)
    return a == b and type(a) is type(b)


if mode == "types":
    reader = pa.ipc.open_stream(download())
    batches, last = [], None
    while True:
        try:
            batch, last = reader.read_next_batch_with_custom_metadata()
        except StopIteration:
            break
        batches.append(batch)
    table = pa.Table.from_batches(batches, schema=reader.schema)
    rows, names = trino_rows(sql)
    mismatches = []
    for i, field in enumerate(table.schema):
        got = actual(field.type, table.column(i).combine_chunks())
        want = [expected(field.type, row[i]) for row in rows]
        for g, w in zip(got, want):
            if not same(g, w):
                mismatches.append({"column": field.name, "arrow": repr(g), "trino": repr(w)})
    print(json.dumps({
        "types": {f.name: str(f.type) for f in table.schema},
        "trinoTypes": {f.name: f.metadata[b"trino.type"].decode() for f in table.schema},
        "rows": table.num_rows,
        "trinoRows": len(rows),
        "names": names,
        "schemaMetadata": {k.decode(): v.decode() for k, v in reader.schema.metadata.items()},
        "end": {k.decode(): v.decode() for k, v in (last or {}).items()},
        "mismatches": mismatches,
        "contentTypes": content_types,
    }))
elif mode == "duckdb":
    import duckdb
    import polars as pl

    aggregate = "count(*), sum(orderkey), sum(CAST(totalprice AS DECIMAL(18, 2)))"
    reader = pa.ipc.open_stream(download())
    con = duckdb.connect()
    con.register("orders", reader)
    d = con.execute(f"SELECT {aggregate} FROM orders").fetchone()
    frame = pl.read_ipc_stream(download())
    p = frame.select(
        pl.len(), pl.col("orderkey").sum(), pl.col("totalprice").cast(pl.Decimal(18, 2)).sum()
    ).row(0)
    (t,), _ = trino_rows(f"SELECT {aggregate} FROM ({sql})")
    print(json.dumps({
        "duckdb": [str(x) for x in d],
        "polars": [str(x) for x in p],
        "trino": [str(x) for x in t],
        "contentTypes": content_types,
    }))
elif mode == "killed":
    reader = pa.ipc.open_stream(download())
    rows = reader.read_next_batch().num_rows
    print(json.dumps({"queryId": reader.schema.metadata[b"trino.query_id"].decode()}), flush=True)
    sys.stdin.readline()  # the suite kills the query in Trino, then says go on
    try:
        for batch in reader:
            rows += batch.num_rows
        print(json.dumps({"raised": None, "rows": rows}))
    except Exception as e:  # noqa: BLE001 - what raised is the finding
        print(json.dumps({"raised": type(e).__name__, "message": str(e)[:200], "rows": rows}))
else:
    sys.exit(f"unknown mode {mode}")
