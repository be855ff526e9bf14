package io.delpha.sdk.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.testing.HostilePeer;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The one bounded reader of peers' answers, against a loopback peer that never stops answering, trickles, nests
 * deep and lies about sizes: each breach is a {@link ResponseLimitException} naming its limit, and reading stops at
 * the limit (judged by what the peer managed to send).
 */
@Timeout(60)
class BoundedBodyTest {

  private static final HttpClient CLIENT = HttpCaller.newClient(Duration.ofSeconds(5), HttpClient.Redirect.NEVER, null);
  private HostilePeer peer;

  @BeforeEach
  void start() {
    peer = HostilePeer.start();
  }

  @AfterEach
  void stop() {
    peer.close();
  }

  private InputStream get(String path) throws Exception {
    HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(peer.uri(path)).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    return r.body();
  }

  @Test
  void aJsonAnswerThatNeverEndsStopsAtMaxBodyBytes() throws Exception {
    peer.on("GET", "/q", peer.endless(200, "application/json", "{\"records\":[", "{\"Id\":\"001\"},", Map.of()));
    ResponseLimits limits = ResponseLimits.builder().maxBodyBytes(1 << 20).build();
    assertThatThrownBy(() -> BoundedBody.readJson(get("/q"), "GET /q", limits))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
          assertThat(e.limit()).isEqualTo("maxBodyBytes");
          assertThat(e).hasMessageContaining("GET /q").hasMessageContaining("1048576");
        });
    // the client stopped reading at the limit: what the peer got out is the limit plus socket buffers, not more
    peer.close();
    assertThat(peer.bytesSent()).isLessThan((1 << 20) + (16 << 20));
  }

  @Test
  void aLineDelimitedAnswerIsBoundedInLinesInBytesAndPerLine() throws Exception {
    peer.on("GET", "/lines", peer.endless(200, "application/x-ndjson", "", "{\"file\":{\"id\":\"a\"}}\n", Map.of()));
    peer.on("GET", "/oneline", peer.endless(200, "application/x-ndjson", "{\"file\":\"", "xxxxxxxx", Map.of()));
    List<String> seen = new ArrayList<>();
    ResponseLimits lines = ResponseLimits.builder().maxLines(1000).build();
    assertThatThrownBy(() -> BoundedBody.forEachLine(get("/lines"), "POST /query", lines, (l, n) -> seen.add(l)))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxLines"));
    assertThat(seen).hasSize(1000);

    ResponseLimits bytes = ResponseLimits.builder().maxStreamBytes(256 * 1024).build();
    assertThatThrownBy(() -> BoundedBody.forEachLine(get("/lines"), "POST /query", bytes, (l, n) -> { }))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxStreamBytes"));

    ResponseLimits line = ResponseLimits.builder().maxLineBytes(64 * 1024).build();
    assertThatThrownBy(() -> BoundedBody.forEachLine(get("/oneline"), "POST /query", line, (l, n) -> { }))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxLineBytes"));
  }

  @Test
  void linesWithinTheLimitsAllArriveWhateverTheirTerminators() throws Exception {
    peer.on("GET", "/ok", HostilePeer.body(200, "application/x-ndjson", "{\"a\":1}\r\n\n{\"a\":2}\n  \n{\"a\":3}"));
    List<JsonNode> got = new ArrayList<>();
    int n = BoundedBody.forEachLine(get("/ok"), "GET /ok", ResponseLimits.defaults(),
        (l, i) -> got.add(BoundedBody.parseJson(l, "line " + i, ResponseLimits.defaults())));
    assertThat(n).isEqualTo(3);
    assertThat(got).extracting(j -> j.get("a").asInt()).containsExactly(1, 2, 3);
  }

  @Test
  void jsonNested100000DeepIsRefusedByDepth() throws Exception {
    peer.on("GET", "/deep", HostilePeer.json(200, "[".repeat(100_000) + "]".repeat(100_000)));
    assertThatThrownBy(() -> BoundedBody.readJson(get("/deep"), "GET /deep", ResponseLimits.defaults()))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
          assertThat(e.limit()).isEqualTo("maxJsonDepth");
          assertThat(e).hasMessageContaining("256");
        });
    assertThatThrownBy(() -> BoundedBody.parseJson("{\"a\":" + "[".repeat(300) + "]".repeat(300) + "}", "line 1",
        ResponseLimits.defaults())).isInstanceOf(ResponseLimitException.class);
    ResponseLimits strings = ResponseLimits.builder().maxStringChars(1000).build();
    assertThatThrownBy(() -> BoundedBody.parseJson("{\"a\":\"" + "x".repeat(5000) + "\"}", "line 1", strings))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxStringChars"));
    assertThatThrownBy(() -> BoundedBody.parseJson("{\"a\":", "line 1", strings))
        .isExactlyInstanceOf(DataFormatException.class);
  }

  @Test
  void aTrickledBodyMeetsTheBodyTimeoutAndAStalledOneTheIdleTimeout() throws Exception {
    peer.on("GET", "/trickle", peer.trickle(200, "application/json", "{\"a\":\"" + "x".repeat(10_000) + "\"}",
        Duration.ofMillis(5)));
    ResponseLimits total = ResponseLimits.builder().bodyTimeout(Duration.ofMillis(400)).build();
    assertThatThrownBy(() -> BoundedBody.readJson(get("/trickle"), "GET /trickle", total))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("bodyTimeout"));

    peer.on("GET", "/stall", peer.trickle(200, "application/json", "{\"a\":1}", Duration.ofMinutes(10)));
    ResponseLimits idle = ResponseLimits.builder().idleTimeout(Duration.ofMillis(300)).build();
    // the read blocked on the peer is ended by the watchdog closing the stream
    assertThatThrownBy(() -> BoundedBody.readJson(get("/stall"), "GET /stall", idle))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("idleTimeout"));
  }

  @Test
  void aBodyLongerThanDeclaredStopsOneBytePastTheDeclaredSize() throws Exception {
    peer.on("GET", "/file", peer.sized(200, "application/octet-stream", -1, 400L << 20));
    long declared = 4L << 20;
    long[] read = {0};
    assertThatThrownBy(() -> {
      try (InputStream in = BoundedBody.download(get("/file"), "file 7", declared, "declared size",
          ResponseLimits.defaults())) {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
          read[0] += n;
        }
      }
    }).hasRootCauseInstanceOf(ResponseLimitException.class)
        .rootCause().hasMessageContaining("declared size").hasMessageContaining("file 7");
    assertThat(read[0]).isLessThanOrEqualTo(declared);
    peer.close();
    assertThat(peer.bytesSent()).isLessThan(declared + (16 << 20));
  }

  @Test
  void blankLinesForeverDeliverNothingAndEndAtMaxBytesWithoutProgress() throws Exception {
    ResponseLimits limits = ResponseLimits.builder().maxBytesWithoutProgress(1 << 20).maxLineBytes(64 * 1024).build();
    long bound = 1 << 20; // the bound between two lines: the setting (at least twice maxLineBytes)
    for (HostilePeer.Wire wire : new HostilePeer.Wire[] {HostilePeer.Wire.PLAIN, HostilePeer.Wire.GZIP}) {
      peer.on("GET", "/blank", peer.padded(200, "application/x-ndjson", "{\"a\":1}\n", "\n", wire, Duration.ZERO,
          Map.of()));
      List<String> seen = new ArrayList<>();
      assertThatThrownBy(() -> {
        HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(peer.uri("/blank")).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = BoundedBody.decoded(r.body(), r.headers().firstValue("Content-Encoding").orElse(null),
            "GET /blank", Long.MAX_VALUE, "no limit", limits);
        try (InputStream in = body) {
          BoundedBody.byRecords(in);
          byte[] buffer = new byte[8192];
          long handed = 0;
          int n;
          while ((n = in.read(buffer)) >= 0) { // a reader that skips blank lines: it never delivers after the first
            handed += n;
            if (seen.isEmpty()) {
              seen.add("first");
              BoundedBody.delivered(in);
            }
            assertThat(handed).as(wire + ": bytes handed up").isLessThan(bound + (1 << 20));
          }
        }
      }).as(wire.toString()).rootCause().isInstanceOfSatisfying(ResponseLimitException.class,
          e -> assertThat(e.limit()).isEqualTo("maxBytesWithoutProgress"));
    }
    peer.on("GET", "/lines", peer.padded(200, "application/x-ndjson", "{\"a\":1}\n", " \t\r\n",
        HostilePeer.Wire.PLAIN, Duration.ZERO, Map.of()));
    List<String> lines = new ArrayList<>();
    assertThatThrownBy(() -> BoundedBody.forEachLine(get("/lines"), "POST /query", limits, (l, n) -> lines.add(l)))
        .isInstanceOfSatisfying(ResponseLimitException.class,
            e -> assertThat(e.limit()).isEqualTo("maxBytesWithoutProgress"));
    assertThat(lines).containsExactly("{\"a\":1}");
    peer.close();
    assertThat(peer.bytesSent()).as("what the peer got out: the bound and socket buffers")
        .isLessThan(3 * (bound + (16 << 20)));
  }

  @Test
  void emptyDeflateBlocksForeverEndAtMaxBytesWithoutProgressStreamedOrReadWhole() throws Exception {
    peer.on("GET", "/empty", peer.padded(200, "text/csv", "Id\n", "", HostilePeer.Wire.EMPTY_GZIP_BLOCKS,
        Duration.ZERO, Map.of()));
    ResponseLimits limits = ResponseLimits.builder().maxBytesWithoutProgress(1 << 20).build();
    for (boolean whole : new boolean[] {false, true}) {
      HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(peer.uri("/empty")).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      String encoding = r.headers().firstValue("Content-Encoding").orElse(null);
      assertThatThrownBy(() -> {
        try (InputStream in = whole ? BoundedBody.wholeDecoded(r.body(), encoding, "GET /empty", limits)
            : BoundedBody.decoded(r.body(), encoding, "GET /empty", Long.MAX_VALUE, "no limit", limits)) {
          assertThat(in.readAllBytes()).isNotNull();
        }
      }).as(whole ? "read whole" : "streamed").rootCause()
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
            assertThat(e.limit()).isEqualTo("maxBytesWithoutProgress");
            assertThat(e).hasMessageContaining("decoded to nothing");
          });
    }
  }

  @Test
  void aCompressedAnswerReadWholeIsUnderTheBodyTimeoutAndSlowPaddingUnderTheProgressTimeout() throws Exception {
    // a few empty blocks a tenth of a second: far under maxBytesWithoutProgress, fast enough for the rate
    peer.on("GET", "/slow", peer.padded(200, "text/csv", "Id\n", "", HostilePeer.Wire.EMPTY_GZIP_BLOCKS,
        Duration.ofMillis(100), Map.of()));
    ResponseLimits whole = ResponseLimits.builder().bodyTimeout(Duration.ofMillis(500)).build();
    HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(peer.uri("/slow")).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThatThrownBy(() -> {
      try (InputStream in = BoundedBody.wholeDecoded(r.body(), "gzip", "GET /slow", whole)) {
        in.readAllBytes();
      }
    }).rootCause().isInstanceOfSatisfying(ResponseLimitException.class,
        e -> assertThat(e.limit()).isEqualTo("bodyTimeout"));

    ResponseLimits streamed = ResponseLimits.builder().progressTimeout(Duration.ofMillis(500)).build();
    HttpResponse<InputStream> s = CLIENT.send(HttpRequest.newBuilder(peer.uri("/slow")).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThatThrownBy(() -> {
      try (InputStream in = BoundedBody.decoded(s.body(), "gzip", "GET /slow", Long.MAX_VALUE, "no limit",
          streamed)) {
        in.readAllBytes();
      }
    }).rootCause().isInstanceOfSatisfying(ResponseLimitException.class,
        e -> assertThat(e.limit()).isEqualTo("progressTimeout"));

    // blank lines trickled under the line reader: bytes keep coming, lines do not
    peer.on("GET", "/blanks", peer.padded(200, "application/x-ndjson", "{\"a\":1}\n", "\n",
        HostilePeer.Wire.PLAIN, Duration.ofMillis(20), Map.of()));
    assertThatThrownBy(() -> BoundedBody.forEachLine(get("/blanks"), "POST /query", streamed, (l, n) -> { }))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("progressTimeout"));
  }

  @Test
  void aSlowHonestAnswerThatKeepsDeliveringReadsWhole() throws Exception {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      parts.add("{\"a\":" + i + "}\n\n");
    }
    // a pause before every part, and more blank lines than records: slow, but every part delivers a record
    ResponseLimits limits = ResponseLimits.builder().progressTimeout(Duration.ofSeconds(2))
        .maxBytesWithoutProgress(64).maxLineBytes(16).build();
    for (boolean gzip : new boolean[] {false, true}) {
      peer.on("GET", "/slow", peer.slow(200, "application/x-ndjson", parts, gzip, Duration.ofMillis(50), Map.of()));
      HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(peer.uri("/slow")).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      InputStream body = BoundedBody.decoded(r.body(), r.headers().firstValue("Content-Encoding").orElse(null),
          "GET /slow", 1 << 20, "maxBodyBytes", limits);
      List<String> got = new ArrayList<>();
      BoundedBody.forEachLine(body, "GET /slow", limits, (l, n) -> got.add(l));
      assertThat(got).as(gzip ? "gzip" : "plain").hasSize(20).startsWith("{\"a\":0}").endsWith("{\"a\":19}");
    }
  }

  @Test
  void aClaimedCountIsEnforcedAtTheItemPastIt() {
    ClaimedCount one = ClaimedCount.of("page 1", "Sforce-NumberOfRecords", 1);
    one.item();
    assertThatThrownBy(one::item).isInstanceOfSatisfying(ResponseLimitException.class, e -> {
      assertThat(e.limit()).isEqualTo("declared count");
      assertThat(e).hasMessageContaining("Sforce-NumberOfRecords").hasMessageContaining("item 2");
    });
    assertThat(one.items()).isEqualTo(1);
    ClaimedCount short3 = ClaimedCount.of("page 2", "Sforce-NumberOfRecords", 3);
    short3.item();
    assertThatThrownBy(short3::end).isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("said 3");
    ClaimedCount none = ClaimedCount.of("page 3", "Sforce-NumberOfRecords", -1);
    for (int i = 0; i < 10; i++) {
      none.item();
    }
    none.end();
    assertThat(none.items()).isEqualTo(10);
  }

  @Test
  void aBodyWithinItsDeclaredSizeReadsWhole() throws Exception {
    peer.on("GET", "/file", peer.sized(200, "application/octet-stream", 1 << 20, 1 << 20));
    try (InputStream in = BoundedBody.download(get("/file"), "file 1", 1 << 20, "declared size",
        ResponseLimits.defaults())) {
      assertThat(in.readAllBytes()).hasSize(1 << 20);
    }
  }
}
