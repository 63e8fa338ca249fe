"""The data scientist's race: a query's result into a pandas DataFrame.

Usage: python bench/dataframe_race.py arrow|trino "<sql>"
  arrow  the service's Arrow download read by pyarrow from the HTTP response, then to_pandas()
  trino  Trino's official Python client directly: fetchall() into pandas.DataFrame
Prints one JSON line: {"rows", "bytes", "ttfrMs": null, "wallMs", "clientCpuS"}; wallMs runs
from just before the request to the DataFrame being built.
"""

import base64
import io
import json
import os
import resource
import sys
import time
import urllib.request
from urllib.parse import urlparse

import pandas as pd
import pyarrow as pa
import trino


class Counted(io.RawIOBase):
    """A readable view of the response that counts the bytes pyarrow reads."""

    def __init__(self, raw):
        super().__init__()
        self.raw, self.bytes = raw, 0

    def readable(self):
        return True

    def readinto(self, b):
        n = self.raw.readinto(b)
        self.bytes += n
        return n


def arrow(sql: str):
    service = os.environ.get("BENCH_SERVICE_URL", "http://127.0.0.1:3100")
    credentials = os.environ.get("BENCH_SERVICE_CREDENTIALS", "alice:alice-password")
    req = urllib.request.Request(
        f"{service}/query/download/arrow",
        data=json.dumps({"sql": sql}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode(),
        },
    )
    body = Counted(urllib.request.urlopen(req))
    frame = pa.ipc.open_stream(body).read_all().to_pandas()
    return frame, body.bytes


def direct(sql: str):
    url = urlparse(os.environ.get("BENCH_TRINO_URL", "http://127.0.0.1:8080"))
    conn = trino.dbapi.connect(host=url.hostname, port=url.port or 8080, user="bench")
    cur = conn.cursor()
    cur.execute(sql)
    rows = cur.fetchall()
    frame = pd.DataFrame(rows, columns=[d[0] for d in cur.description])
    conn.close()
    return frame, None


def main() -> None:
    mode, sql = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    frame, nbytes = arrow(sql) if mode == "arrow" else direct(sql)
    wall = (time.perf_counter() - t0) * 1000
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "rows": len(frame),
        "bytes": nbytes,
        "ttfrMs": None,
        "wallMs": wall,
        "clientCpuS": ru.ru_utime + ru.ru_stime,
    }))


if __name__ == "__main__":
    main()
