// Smoke test of the Go client that oapi-codegen generates from openapi/openapi.json.
//
// Usage: go run . BASE_URL; env SMOKE_BASIC (user:password) and SMOKE_BEARER (an access
// token). Run by scripts/clients.sh, which generates the client module this one replaces.
// Exits non-zero on the first mismatch, naming it.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"

	trinostream "trinostream.local/client"
)

const nation = "SELECT * FROM tpch.tiny.nation"
const big = "SELECT BIGINT '9223372036854775807' AS big"

var columns = []string{"nationkey", "name", "regionkey", "comment"}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "go smoke FAILED: "+format+"\n", args...)
	os.Exit(1)
}

// authorize sets the credential on every request: oapi-codegen leaves security to the caller.
func authorize(value string) trinostream.ClientOption {
	return trinostream.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", value)
		return nil
	})
}

func checkMe(c *trinostream.ClientWithResponses, user string, method trinostream.AuthMethod) {
	res, err := c.MeMeWithResponse(context.Background())
	if err != nil {
		fail("/me: %v", err)
	}
	if res.StatusCode() != 200 || res.JSON200 == nil {
		fail("/me status %d: %s", res.StatusCode(), res.Body)
	}
	if res.JSON200.User != user || res.JSON200.AuthMethod != method {
		fail("/me said %s/%s, expected %s/%s", res.JSON200.User, res.JSON200.AuthMethod, user, method)
	}
}

func checkDownload(c *trinostream.ClientWithResponses) {
	filename := "nations"
	res, err := c.QueryDownloadJsonWithResponse(context.Background(),
		trinostream.DownloadRequestDto{Sql: nation, Filename: &filename})
	if err != nil {
		fail("download: %v", err)
	}
	if res.StatusCode() != 200 || res.JSON200 == nil {
		fail("download status %d: %.300s", res.StatusCode(), res.Body)
	}
	doc := res.JSON200
	var names []string
	for _, col := range doc.Metadata.Columns {
		names = append(names, col.Name)
	}
	if strings.Join(names, ",") != strings.Join(columns, ",") {
		fail("columns %v", names)
	}
	if len(doc.Data) != 25 {
		fail("%d rows, expected 25", len(doc.Data))
	}
	found := ""
	for _, row := range doc.Data {
		// encoding/json decodes untyped numbers as float64.
		if key, ok := row["nationkey"].(float64); ok && key == 7 {
			found, _ = row["name"].(string)
		}
	}
	if found != "GERMANY" {
		fail("nation 7 is %q", found)
	}
	if res.Headers200 == nil || res.Headers200.XQueryId == nil || *res.Headers200.XQueryId == "" {
		fail("no X-Query-Id in the parsed 200 headers")
	}
}

func checkDownloadError(c *trinostream.ClientWithResponses) {
	res, err := c.QueryDownloadJsonWithResponse(context.Background(),
		trinostream.DownloadRequestDto{Sql: "SELECT * FROM tpch.tiny.no_such_table"})
	if err != nil {
		fail("download error: %v", err)
	}
	if res.StatusCode() != 400 || res.JSON400 == nil {
		fail("missing table gave %d: %s", res.StatusCode(), res.Body)
	}
	e := res.JSON400
	if e.ErrorType == nil || *e.ErrorType != "USER_ERROR" || e.ErrorName == nil || *e.ErrorName != "TABLE_NOT_FOUND" {
		fail("error body %s", res.Body)
	}
}

// checkExactBigint decodes the download itself: the generated parser uses json.Unmarshal,
// which turns an untyped row value into a float64 and rounds a BIGINT above 2^53.
func checkExactBigint(c *trinostream.ClientWithResponses) {
	res, err := c.QueryDownloadJson(context.Background(), trinostream.DownloadRequestDto{Sql: big})
	if err != nil || res.StatusCode != 200 {
		fail("bigint download: %v %v", err, res)
	}
	defer res.Body.Close()
	var doc trinostream.QueryDocumentDto
	dec := json.NewDecoder(res.Body)
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		fail("bigint document: %v", err)
	}
	if n, _ := doc.Data[0]["big"].(json.Number); n.String() != "9223372036854775807" {
		fail("BIGINT max came back as %v", doc.Data[0]["big"])
	}
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: smoke BASE_URL")
	}
	base := os.Args[1]
	basic := os.Getenv("SMOKE_BASIC")
	user, password, _ := strings.Cut(basic, ":")
	req, _ := http.NewRequest("GET", base, nil)
	req.SetBasicAuth(user, password)
	auths := []struct {
		name, header, user string
	}{
		{"basic", req.Header.Get("Authorization"), user},
		{"bearer", "Bearer " + os.Getenv("SMOKE_BEARER"), "svc-reporting"},
	}
	var last *trinostream.ClientWithResponses
	for _, a := range auths {
		c, err := trinostream.NewClientWithResponses(base, authorize(a.header))
		if err != nil {
			fail("client: %v", err)
		}
		checkMe(c, a.user, trinostream.AuthMethod(a.name))
		checkDownload(c)
		fmt.Printf("go %s: /me, JSON download (25 rows) ok\n", a.name)
		last = c
	}
	checkDownloadError(last)
	checkExactBigint(last)
	fmt.Println("go: download error parsed as QueryErrorResponseDto, BIGINT max exact (UseNumber) ok")
}
