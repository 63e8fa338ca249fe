"""One benchmark run of the Python `trino` DBAPI client: execute, iterate rows, discard.

Usage: python bench/python_reader.py "<sql>"
Prints one JSON line: {"rows", "bytes": null, "ttfrMs", "wallMs", "clientCpuS", "clientVersion"}.
"""

import json
import os
import resource
import sys
import time
from urllib.parse import urlparse

import trino
import trino.dbapi


def main() -> None:
    sql = sys.argv[1]
    url = urlparse(os.environ.get("BENCH_TRINO_URL", "http://127.0.0.1:8080"))
    conn = trino.dbapi.connect(
        host=url.hostname,
        port=url.port or 8080,
        http_scheme=url.scheme,
        user="bench",
        catalog="tpch",
        schema="sf1",
    )
    cur = conn.cursor()
    t0 = time.perf_counter()
    ttfr = None
    rows = 0
    cur.execute(sql)
    for _row in cur:
        if ttfr is None:
            ttfr = (time.perf_counter() - t0) * 1000
        rows += 1
    wall = (time.perf_counter() - t0) * 1000
    ru = resource.getrusage(resource.RUSAGE_SELF)
    conn.close()
    print(
        json.dumps(
            {
                "rows": rows,
                "bytes": None,
                "ttfrMs": ttfr,
                "wallMs": wall,
                "clientCpuS": ru.ru_utime + ru.ru_stime,
                "clientVersion": getattr(trino, "__version__", None),
            }
        )
    )


if __name__ == "__main__":
    main()
