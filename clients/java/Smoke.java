import io.trinostream.client.ApiClient;
import io.trinostream.client.ApiException;
import io.trinostream.client.ApiResponse;
import io.trinostream.client.JSON;
import io.trinostream.client.api.AuthApi;
import io.trinostream.client.api.QueryApi;
import io.trinostream.client.model.AuthMethod;
import io.trinostream.client.model.ColumnDto;
import io.trinostream.client.model.DownloadRequestDto;
import io.trinostream.client.model.MeDto;
import io.trinostream.client.model.QueryDocumentDto;
import io.trinostream.client.model.QueryErrorResponseDto;
import com.google.gson.ToNumberPolicy;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Smoke test of the Java client that openapi-generator (java, okhttp-gson) generates from
 * openapi/openapi.json. Usage: java -cp CLIENT_CLASSPATH Smoke.java BASE_URL; env SMOKE_BASIC
 * (user:password) and SMOKE_BEARER (an access token). Run by scripts/clients.sh. Exits non-zero
 * on the first mismatch, naming it.
 */
public class Smoke {
  static final String NATION = "SELECT * FROM tpch.tiny.nation";
  static final List<String> COLUMNS = List.of("nationkey", "name", "regionkey", "comment");

  static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
  }

  static void checkMe(ApiClient client, String user, AuthMethod method) throws ApiException {
    MeDto me = new AuthApi(client).meMe();
    check(user.equals(me.getUser()) && method == me.getAuthMethod(), "/me said " + me);
  }

  static void checkDownload(ApiClient client) throws ApiException {
    ApiResponse<QueryDocumentDto> res =
        new QueryApi(client)
            .queryDownloadJsonWithHttpInfo(new DownloadRequestDto().sql(NATION).filename("nations"));
    check(res.getStatusCode() == 200, "download status " + res.getStatusCode());
    QueryDocumentDto doc = res.getData();
    List<String> names = doc.getMetadata().getColumns().stream().map(ColumnDto::getName).toList();
    check(COLUMNS.equals(names), "columns " + names);
    check(doc.getData().size() == 25, doc.getData().size() + " rows, expected 25");
    // Row members are untyped in the schema; main() makes Gson read their numbers as BigDecimal.
    Object name =
        doc.getData().stream()
            .map(row -> (Map<?, ?>) row)
            .filter(row -> BigDecimal.valueOf(7).equals(row.get("nationkey")))
            .map(row -> row.get("name"))
            .findFirst()
            .orElse(null);
    check("GERMANY".equals(name), "nation 7 is " + name);
    List<String> queryId = res.getHeaders().get("x-query-id");
    check(queryId != null && !queryId.get(0).isEmpty(), "no X-Query-Id header");
  }

  static void checkExactBigint(ApiClient client) throws ApiException {
    QueryDocumentDto doc =
        new QueryApi(client)
            .queryDownloadJson(new DownloadRequestDto().sql("SELECT BIGINT '9223372036854775807' AS big"));
    Object big = ((Map<?, ?>) doc.getData().get(0)).get("big");
    check(new BigDecimal("9223372036854775807").equals(big), "BIGINT max came back as " + big);
  }

  static void checkDownloadError(ApiClient client) {
    try {
      new QueryApi(client)
          .queryDownloadJson(new DownloadRequestDto().sql("SELECT * FROM tpch.tiny.no_such_table"));
      throw new AssertionError("a missing table did not fail");
    } catch (ApiException e) {
      check(e.getCode() == 400, "missing table gave " + e.getCode());
      QueryErrorResponseDto err;
      try {
        err = QueryErrorResponseDto.fromJson(e.getResponseBody());
      } catch (java.io.IOException parse) {
        throw new AssertionError("error body does not parse: " + e.getResponseBody(), parse);
      }
      check(
          "USER_ERROR".equals(err.getErrorType()) && "TABLE_NOT_FOUND".equals(err.getErrorName()),
          "error body " + e.getResponseBody());
    }
  }

  public static void main(String[] args) throws Exception {
    // Gson's default reads an untyped number as a Double, which rounds a BIGINT above 2^53 and
    // drops a decimal's scale; the generated JSON class lets the caller choose exact numbers.
    JSON.setGson(JSON.getGson().newBuilder().setObjectToNumberStrategy(ToNumberPolicy.BIG_DECIMAL).create());
    String[] basic = System.getenv("SMOKE_BASIC").split(":", 2);
    ApiClient basicClient = new ApiClient().setBasePath(args[0]);
    basicClient.setUsername(basic[0]);
    basicClient.setPassword(basic[1]);
    ApiClient bearerClient = new ApiClient().setBasePath(args[0]);
    bearerClient.setBearerToken(System.getenv("SMOKE_BEARER"));
    try {
      checkMe(basicClient, basic[0], AuthMethod.BASIC);
      checkDownload(basicClient);
      System.out.println("java basic: /me, JSON download (25 rows) ok");
      checkMe(bearerClient, "svc-reporting", AuthMethod.BEARER);
      checkDownload(bearerClient);
      System.out.println("java bearer: /me, JSON download (25 rows) ok");
      checkDownloadError(basicClient);
      checkExactBigint(basicClient);
      System.out.println("java: download error parsed as QueryErrorResponseDto, BIGINT max exact (BigDecimal) ok");
    } catch (AssertionError | ApiException e) {
      String body = e instanceof ApiException api ? " " + api.getCode() + " " + api.getResponseBody() : "";
      System.err.println("java smoke FAILED: " + e.getMessage() + body);
      System.exit(1);
    }
  }
}
