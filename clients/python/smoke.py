"""Smoke test of the Python client that openapi-python-client generates from openapi/openapi.json.

Usage: smoke.py BASE_URL; env SMOKE_BASIC (user:password) and SMOKE_BEARER (an access token).
Run by scripts/clients.sh with the generated package on PYTHONPATH. Exits non-zero on the
first mismatch, naming it.
"""

import base64
import json
import os
import sys

from trino_stream_client import AuthenticatedClient
from trino_stream_client.api.auth import me_me
from trino_stream_client.api.query import query_download_arrow, query_download_json, query_query
from trino_stream_client.models import (
    AuthMethod,
    DownloadRequestDto,
    MeDto,
    QueryDocumentDto,
    QueryErrorResponseDto,
    QueryRequestDto,
)

NATION = "SELECT * FROM tpch.tiny.nation"
BIG = "SELECT BIGINT '9223372036854775807' AS big"
COLUMNS = ["nationkey", "name", "regionkey", "comment"]


def check(ok: bool, what: str) -> None:
    if not ok:
        raise AssertionError(what)


def check_me(client: AuthenticatedClient, user: str, method: AuthMethod) -> None:
    res = me_me.sync_detailed(client=client)
    check(res.status_code == 200, f"/me status {res.status_code}: {res.content!r}")
    me = res.parsed
    check(isinstance(me, MeDto), f"/me parsed as {type(me).__name__}")
    check((me.user, me.auth_method) == (user, method), f"/me said {me.user}/{me.auth_method}")


def check_download(client: AuthenticatedClient) -> None:
    res = query_download_json.sync_detailed(
        client=client, body=DownloadRequestDto(sql=NATION, filename="nations")
    )
    check(res.status_code == 200, f"download status {res.status_code}: {res.content[:300]!r}")
    doc = res.parsed
    check(isinstance(doc, QueryDocumentDto), f"download parsed as {type(doc).__name__}")
    check([c.name for c in doc.metadata.columns] == COLUMNS, f"columns {doc.metadata.columns}")
    check(len(doc.data) == 25, f"{len(doc.data)} rows, expected 25")
    by_key = {row["nationkey"]: row["name"] for row in doc.data}
    check(by_key.get(7) == "GERMANY", f"nation 7 is {by_key.get(7)!r}")
    check(bool(res.headers.get("x-query-id")), "no X-Query-Id header")
    check(
        res.headers.get("content-disposition") == 'attachment; filename="nations.json"',
        f"Content-Disposition {res.headers.get('content-disposition')!r}",
    )


def check_arrow(client: AuthenticatedClient, path: str) -> None:
    """Saves an Arrow download as a file a data tool would open (this venv has no pyarrow)."""
    res = query_download_arrow.sync_detailed(
        client=client, body=DownloadRequestDto(sql=NATION, filename="nations")
    )
    check(res.status_code == 200, f"arrow status {res.status_code}: {res.content[:300]!r}")
    check(
        res.headers.get("content-type") == "application/vnd.apache.arrow.stream",
        f"arrow Content-Type {res.headers.get('content-type')!r}",
    )
    with open(path, "wb") as f:
        f.write(res.content)
    # An IPC stream opens with a continuation marker and ends with the end-of-stream one.
    check(res.content.startswith(b"\xff\xff\xff\xff"), "arrow stream has no opening marker")
    check(res.content.endswith(b"\xff\xff\xff\xff\x00\x00\x00\x00"), "arrow stream not ended")
    check(b"nationkey" in res.content and b"GERMANY" in res.content, "arrow stream lacks the rows")


def check_download_error(client: AuthenticatedClient) -> None:
    res = query_download_json.sync_detailed(
        client=client, body=DownloadRequestDto(sql="SELECT * FROM tpch.tiny.no_such_table")
    )
    err = res.parsed
    check(res.status_code == 400, f"missing table gave {res.status_code}")
    check(isinstance(err, QueryErrorResponseDto), f"error parsed as {type(err).__name__}")
    check((err.error_type, err.error_name) == ("USER_ERROR", "TABLE_NOT_FOUND"), f"error {err}")


def check_exact_bigint(client: AuthenticatedClient) -> None:
    doc = query_download_json.sync(client=client, body=DownloadRequestDto(sql=BIG))
    check(doc.data[0]["big"] == 2**63 - 1, f"BIGINT max came back as {doc.data[0]['big']!r}")


def check_parameters(client: AuthenticatedClient) -> None:
    body = DownloadRequestDto(
        sql="SELECT name FROM tpch.tiny.nation WHERE name IN (?, ?) ORDER BY name",
        parameters=["GERMANY", "x' OR '1'='1"],
    )
    doc = query_download_json.sync(client=client, body=body)
    check(isinstance(doc, QueryDocumentDto), f"parameterised download parsed as {type(doc).__name__}")
    names = [row["name"] for row in doc.data]
    check(names == ["GERMANY"], f"parameterised query gave {names!r}")
    typed = DownloadRequestDto(
        sql="SELECT ? AS d", parameters=[{"type": "decimal(38,18)", "value": "1.000000000000000001"}]
    )
    res = query_download_json.sync_detailed(client=client, body=typed)
    check(b'"d":1.000000000000000001}' in res.content, f"typed parameter gave {res.content!r}")


def check_sse(client: AuthenticatedClient) -> None:
    # The generated sync() would buffer the whole stream and then hand the text to a model's
    # from_dict; a stream is read incrementally, so only the request is built by the client.
    kwargs = query_query._get_kwargs(body=QueryRequestDto(sql=NATION))
    events = []
    with client.get_httpx_client().stream(**kwargs) as res:
        check(res.status_code == 200, f"/query status {res.status_code}")
        check(res.headers["content-type"].startswith("text/event-stream"), "not text/event-stream")
        query_id = res.headers.get("x-query-id")
        for line in res.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[len("data: ") :]))
    types = [e["type"] for e in events]
    check(types == ["metadata"] + ["row"] * 25 + ["complete"], f"event types {types}")
    check([c["name"] for c in events[0]["columns"]] == COLUMNS, "metadata columns")
    check({"nationkey": 7, "name": "GERMANY"}.items() <= events[8]["data"].items(), "row 7")
    done = events[-1]
    check(done["rowCount"] == 25 and done["truncated"] is False, f"complete event {done}")
    check(done["queryId"] == query_id, f"complete.queryId {done['queryId']} != header {query_id}")


def main() -> None:
    base_url = sys.argv[1]
    user, _ = os.environ["SMOKE_BASIC"].split(":", 1)
    basic = base64.b64encode(os.environ["SMOKE_BASIC"].encode()).decode()
    # The generated client models every scheme as "<prefix> <token>" in Authorization.
    clients = {
        "basic": (AuthenticatedClient(base_url=base_url, token=basic, prefix="Basic"), user),
        "bearer": (AuthenticatedClient(base_url=base_url, token=os.environ["SMOKE_BEARER"]), "svc-reporting"),
    }
    for name, (client, who) in clients.items():
        check_me(client, who, AuthMethod(name))
        check_download(client)
        check_sse(client)
        print(f"python {name}: /me, JSON download (25 rows), SSE (25 rows + complete) ok")
    arrow_file = os.path.join(os.environ.get("SMOKE_OUT", "."), "nations.arrows")
    check_arrow(clients["basic"][0], arrow_file)
    print(f"python: Arrow download saved as {arrow_file}")
    check_download_error(clients["basic"][0])
    check_exact_bigint(clients["basic"][0])
    check_parameters(clients["basic"][0])
    print("python: download error parsed as QueryErrorResponseDto, BIGINT max exact, parameters bound ok")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"python smoke FAILED: {e}", file=sys.stderr)
        sys.exit(1)
