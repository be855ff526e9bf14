package io.delpha.sdk.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.testing.HostilePeer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget's own pieces, each against what a hostile peer sends: items and tokens a few bytes expand to, a page
 * handle that loops or renews forever, a trickle, a size that cannot be spooled, a credential about to cross plain
 * http, an echo of megabytes. Each breach is a {@link ResponseLimitException} naming its setting.
 */
@Timeout(60)
class PeerBudgetTest {

  private static final HttpClient CLIENT = HttpCaller.newClient(Duration.ofSeconds(5), HttpClient.Redirect.NEVER, null);

  @Test
  void anObjectOfMillionsOfFieldsStopsAtMaxItemsBeforeItIsBuilt() {
    StringBuilder wide = new StringBuilder("{");
    for (int i = 0; i < 200_000; i++) {
      wide.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":1");
    }
    String record = wide.append('}').toString();
    assertThatThrownBy(() -> BoundedBody.parseJson(record, "a record", ResponseLimits.defaults()))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
          assertThat(e.limit()).isEqualTo("maxItems");
          assertThat(e).hasMessageContaining("100000 fields").hasMessageContaining("ResponseLimits.maxItems");
        });
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < 2000; i++) {
      list.append(i == 0 ? "" : ",").append(i);
    }
    ResponseLimits small = ResponseLimits.builder().maxItems(1000).build();
    assertThatThrownBy(() -> BoundedBody.parseJson(list.append(']').toString(), "a list", small))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e).hasMessageContaining("elements"));
    // exactly at the bound reads whole
    assertThat(BoundedBody.parseJson("[" + "1,".repeat(999) + "1]", "a list", small).size()).isEqualTo(1000);
  }

  @Test
  void itemsAreCountedThroughDataBindingAndSkippingAlike() throws IOException {
    String json = "{\"skip\":{" + "\"k\":1,".repeat(50) + "\"k\":1},\"records\":[{\"a\":1},{\"a\":2}]}";
    ResponseLimits limits = ResponseLimits.builder().maxItems(20).build();
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    // skipped children are counted too: a peer cannot hide a wide object in a field the reader skips
    try (JsonParser p = BoundedBody.parser(bytes, "a page", limits)) {
      p.nextToken();
      p.nextToken();
      p.nextToken();
      assertThatThrownBy(p::skipChildren).satisfies(e ->
          assertThat(BoundedBody.limitOf(e)).isNotNull().extracting(ResponseLimitException::limit).isEqualTo("maxItems"));
    }
    // a data binder's wrapping keeps the limit findable
    StringBuilder wide = new StringBuilder("{");
    for (int i = 0; i < 30; i++) {
      wide.append("\"k").append(i).append("\":1,");
    }
    byte[] record = wide.append("\"z\":1}").toString().getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = BoundedBody.parser(record, "a record", limits)) {
      assertThatThrownBy(() -> JsonSupport.MAPPER.readValue(p, Map.class))
          .satisfies(e -> assertThat(BoundedBody.jsonFailure("a record", limits, (IOException) e, "not JSON"))
              .isInstanceOf(ResponseLimitException.class));
    }
  }

  @Test
  void tokensAreCountedPerDocumentOrPerRecord() throws IOException {
    String page = "[" + "{\"a\":1,\"b\":2},".repeat(99) + "{\"a\":1,\"b\":2}]";
    ResponseLimits limits = ResponseLimits.builder().maxTokens(100).build();
    assertThatThrownBy(() -> BoundedBody.parseJson(page, "a page", limits))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxTokens"));
    // record by record, each record has its own count: the page reads whole
    int records = 0;
    try (JsonParser p = BoundedBody.parser(page.getBytes(StandardCharsets.UTF_8), "a page", limits)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.START_OBJECT) {
        BoundedBody.startRecord(p);
        JsonSupport.MAPPER.readValue(p, Map.class);
        records++;
      }
    }
    assertThat(records).isEqualTo(100);
  }

  @Test
  void aTrickleEndsAtTheMinimumRateAndASlowConsumerIsNotTakenForIt() throws Exception {
    try (HostilePeer peer = HostilePeer.start()) {
      peer.on("GET", "/trickle", peer.trickle(200, "application/x-ndjson", "{\"a\":1}\n".repeat(200),
          Duration.ofMillis(20)));
      ResponseLimits limits = ResponseLimits.builder().minBytesPerSecond(1000).rateWindow(Duration.ofMillis(300))
          .bodyTimeout(Duration.ofMinutes(5)).build();
      List<String> seen = new ArrayList<>();
      assertThatThrownBy(() -> BoundedBody.forEachLine(get(peer, "/trickle"), "POST /query", limits,
          (l, n) -> seen.add(l)))
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
            assertThat(e.limit()).isEqualTo("minBytesPerSecond");
            assertThat(e).hasMessageContaining("ResponseLimits.minBytesPerSecond");
          });
      assertThat(seen).hasSizeLessThan(200);

      // a fast peer read by a consumer that sleeps between lines: the consumer's time is not the peer's
      peer.on("GET", "/fast", HostilePeer.body(200, "application/x-ndjson", "{\"a\":1}\n".repeat(40)));
      int lines = BoundedBody.forEachLine(get(peer, "/fast"), "POST /query", limits, (l, n) -> sleep(20));
      assertThat(lines).isEqualTo(40);
    }
  }

  @Test
  void aPageHandleMustMove() {
    ResponseLimits limits = ResponseLimits.builder().maxEmptyPages(3).maxPages(50).maxRequests(60).build();
    PageBudget same = PageBudget.of("query", limits);
    assertThat(same.page("/next/1", 10)).isEqualTo("/next/1");
    assertThat(same.page("/next/2", 10)).isEqualTo("/next/2");
    assertThatThrownBy(() -> same.page("/next/1", 10))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("page handle"));

    PageBudget fresh = PageBudget.of("list shares", limits);
    fresh.page("t1", 0);
    fresh.page("t2", 0);
    assertThatThrownBy(() -> fresh.page("t3", 0))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxEmptyPages"));
    // an empty page between full ones is no harm, and the last page may be empty
    PageBudget mixed = PageBudget.of("list", limits);
    for (int i = 0; i < 40; i++) {
      mixed.page("t" + i, i % 3 == 0 ? 1 : 0);
    }
    assertThat(mixed.page(null, 0)).isNull();

    PageBudget many = PageBudget.of("results", limits);
    assertThatThrownBy(() -> {
      for (int i = 0; ; i++) {
        many.request();
        many.page("locator" + i, 1);
      }
    }).isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxPages"));
    assertThat(many.pages()).isEqualTo(50);
    PageBudget retries = PageBudget.of("results", limits);
    assertThatThrownBy(() -> {
      for (int i = 0; i < 100; i++) {
        retries.request();
      }
    }).isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxRequests"));
  }

  @Test
  void anEchoIsCutAndClean() {
    String token = "\u001b[2J" + "x".repeat(4 << 20);
    ResponseLimitException e = assertThrows(() -> {
      PageBudget b = PageBudget.of("list", ResponseLimits.defaults());
      b.page(token, 1);
      b.page(token, 1);
    });
    assertThat(e.getMessage().length()).isLessThan(600);
    assertThat(e.getMessage()).doesNotContain("\u001b").contains("4194308 characters");
    assertThat(Peers.echo("a\nb\u2028c")).isEqualTo("a?b?c");
  }

  @Test
  void aCredentialNeverCrossesPlainHttpOffLoopback() {
    HttpRequest bearer = HttpRequest.newBuilder(URI.create("http://sharing.example.com/shares"))
        .header("Authorization", "Bearer s3cr3t").GET().build();
    assertThatThrownBy(() -> Peers.check(bearer, false, "GET /shares"))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
          assertThat(e.limit()).isEqualTo("credentialsOverPlainHttp");
          assertThat(e).hasMessageNotContaining("s3cr3t");
        });
    HttpRequest signed = HttpRequest.newBuilder(
        URI.create("http://bucket.example.com/f.parquet?X-Amz-Signature=abc&X-Amz-Credential=k")).GET().build();
    assertThatThrownBy(() -> Peers.check(signed, false, "GET a data file"))
        .isInstanceOf(ResponseLimitException.class);
    // allowed on loopback, over TLS, without a credential, or when the host opts in for its private network
    Peers.check(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/shares")).header("Authorization", "Bearer t")
        .GET().build(), false, "GET");
    Peers.check(HttpRequest.newBuilder(URI.create("http://[::1]:8080/shares")).header("Authorization", "Bearer t")
        .GET().build(), false, "GET");
    Peers.check(HttpRequest.newBuilder(URI.create("https://sharing.example.com/shares"))
        .header("Authorization", "Bearer t").GET().build(), false, "GET");
    Peers.check(HttpRequest.newBuilder(URI.create("http://mirror.example.com/public.parquet")).GET().build(), false,
        "GET");
    Peers.check(bearer, true, "GET /shares");
    assertThatThrownBy(() -> Peers.requireProtected(URI.create("http://10.0.0.5:8080/delta-sharing/"),
        ResponseLimits.defaults(), "the profile's endpoint"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("credentialsOverPlainHttp(true)");
    Peers.requireProtected(URI.create("http://10.0.0.5:8080/delta-sharing/"),
        ResponseLimits.builder().credentialsOverPlainHttp(true).build(), "the profile's endpoint");
    assertThat(Peers.isLoopback("localhost")).isTrue();
    assertThat(Peers.isLoopback("127.0.0.1.example.com")).isFalse();
    assertThat(Peers.isLoopback("localhost.example.com")).isFalse();
  }

  @Test
  void aDeclaredSizeIsCappedAndMustFitTheDisk(@TempDir Path spool) {
    ResponseLimits limits = ResponseLimits.builder().maxDeclaredBytes(1L << 30).build();
    assertThatThrownBy(() -> BoundedBody.requireSpoolable(1L << 62, spool, "GET a data file", limits))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxDeclaredBytes"));
    ResponseLimits huge = ResponseLimits.builder().maxDeclaredBytes(Long.MAX_VALUE).build();
    assertThatThrownBy(() -> BoundedBody.requireSpoolable(1L << 62, spool.resolve("f.parquet"), "GET", huge))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("minFreeDiskBytes"));
    BoundedBody.requireSpoolable(1 << 20, spool, "GET a data file", limits);
  }

  @Test
  void limitsOutOfRangeAreRefusedTogether() {
    assertThatThrownBy(() -> ResponseLimits.builder().maxItems(0).maxPages(-1).rateWindow(Duration.ZERO).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("maxItems 0").hasMessageContaining("maxPages -1").hasMessageContaining("PT0S");
    ResponseLimits old = new ResponseLimits(1, 2, 3, 4, 5, 6, Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(old.maxItems()).isEqualTo(ResponseLimits.defaults().maxItems());
    assertThat(old.toBuilder().maxPages(7).build().maxBodyBytes()).isEqualTo(1);
  }

  private static ResponseLimitException assertThrows(Runnable r) {
    try {
      r.run();
    } catch (ResponseLimitException e) {
      return e;
    }
    throw new AssertionError("no ResponseLimitException");
  }

  private static InputStream get(HostilePeer peer, String path) throws Exception {
    HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(peer.uri(path)).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    return r.body();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
