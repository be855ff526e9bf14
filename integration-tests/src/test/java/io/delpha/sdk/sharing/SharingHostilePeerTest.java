package io.delpha.sdk.sharing;

import static io.delpha.sdk.sharing.SharingFixture.map;
import static io.delpha.sdk.sharing.SharingFixture.metadataLine;
import static io.delpha.sdk.sharing.SharingFixture.protocolLine;
import static io.delpha.sdk.sharing.SharingFixture.schemaString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.sharing.SharingFixture.Field;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import io.delpha.sdk.sharing.internal.TableQuery;
import io.delpha.sdk.testing.HostilePeer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Delta Sharing client against peers that misbehave on purpose (issue 48, rows 5, 6 and 8): a sharing server,
 * the storage its answers point at and an unrelated "other host", each a wire-level {@link HostilePeer} answering
 * the protocol's real shapes. Each case asserts the typed error, what reached the other host (nothing) and how much
 * the client took in (judged by what the peer managed to send, and by the requests it counted).
 */
@Timeout(120)
class SharingHostilePeerTest {

  static final String TOKEN = "tok-SECRET-4242";
  static final String PREFIX = "/delta-sharing";
  static final String TABLE_PATH = PREFIX + "/shares/s/schemas/sc/tables/t";
  static final String SCHEMA = schemaString(List.of(new Field("id", "long", false)));

  private HostilePeer sharing;
  private HostilePeer storage;
  private HostilePeer other;

  @TempDir
  Path dir;

  @BeforeEach
  void start() {
    sharing = HostilePeer.start();
    storage = HostilePeer.start();
    other = HostilePeer.start();
  }

  @AfterEach
  void stop() {
    sharing.close();
    storage.close();
    other.close();
  }

  private DeltaSharingClient client(Consumer<ResponseLimits.Builder> limits) {
    return DeltaSharingClient.builder().endpoint(sharing.uri(PREFIX)).bearerToken(Secret.of(TOKEN))
        .retryPolicy(r -> r.maxAttempts(3).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)))
        .responseLimits(limits).build();
  }

  private DeltaSharingClient client() {
    return client(l -> { });
  }

  /** An NDJSON answer of the sharing server, with the protocol's headers. */
  static HostilePeer.Answer ndjson(List<String> lines) {
    byte[] body = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    return (request, out) -> {
      HostilePeer.head(out, 200, Map.of("Content-Type", "application/x-ndjson; charset=utf-8",
          "Delta-Table-Version", "7", "Content-Length", String.valueOf(body.length)));
      out.write(body);
    };
  }

  static Map<String, String> ndjsonHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Delta-Table-Version", "7");
    return h;
  }

  /** A {@code file} line as PROTOCOL.md shapes it; {@code size} null leaves the field out. */
  static String fileLine(String url, String id, Long size) {
    return "{\"file\":{\"url\":" + SharingFixture.JSON.valueToTree(url) + ",\"id\":\"" + id
        + "\",\"partitionValues\":{}" + (size == null ? "" : ",\"size\":" + size) + "}}";
  }

  private List<String> head() {
    return List.of(protocolLine(), metadataLine(SCHEMA, List.of()));
  }

  /** Answers the table's query with one file at {@code url} declared {@code size} bytes. */
  private void queryAnswers(String url, Long size) {
    List<String> lines = new ArrayList<>(head());
    lines.add(fileLine(url, "f1", size));
    sharing.on("POST", TABLE_PATH + "/query", ndjson(lines));
  }

  private long requestsTo(HostilePeer peer, String prefix) {
    return peer.requests().stream().filter(r -> r.target().startsWith(prefix)).count();
  }

  // ---- the sharing server's answers are bounded ----

  @Test
  @DisplayName("a query answer of endless file lines stops at maxLines (or maxStreamBytes), is not retried, and no "
      + "file is fetched")
  void endlessFileLines() {
    String line = fileLine(storage.uri("/f?sig=x").toString(), "f", 100L) + "\n";
    sharing.on("POST", TABLE_PATH + "/query", sharing.endless(200, "application/x-ndjson",
        String.join("\n", head()) + "\n", line, ndjsonHeaders()));
    try (DeltaSharingClient c = client(l -> l.maxLines(20_000))) {
      assertThatThrownBy(() -> c.readTable("s.sc.t"))
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
            assertThat(e.limit()).isEqualTo("maxLines");
            assertThat(e).hasMessageContaining("20000").hasMessageNotContaining(TOKEN);
          });
    }
    try (DeltaSharingClient c = client(l -> l.maxStreamBytes(2 << 20))) {
      assertThatThrownBy(() -> c.readTable("s.sc.t"))
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxStreamBytes"));
    }
    assertThat(requestsTo(sharing, TABLE_PATH + "/query")).as("a breach is not retried").isEqualTo(2);
    assertThat(storage.requests()).isEmpty();
  }

  @Test
  @DisplayName("one query line that never ends stops at maxLineBytes")
  void oneEndlessLine() {
    sharing.on("POST", TABLE_PATH + "/query", sharing.endless(200, "application/x-ndjson",
        String.join("\n", head()) + "\n{\"file\":{\"url\":\"", "xxxxxxxxxxxxxxxx", ndjsonHeaders()));
    try (DeltaSharingClient c = client(l -> l.maxLineBytes(1 << 20))) {
      assertThatThrownBy(() -> c.readTable("s.sc.t"))
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
            assertThat(e.limit()).isEqualTo("maxLineBytes");
            assertThat(e).hasMessageContaining("line 3");
          });
    }
    sharing.close();
    assertThat(sharing.bytesSent()).as("the client stopped reading near the limit").isLessThan(17L << 20);
    assertThat(storage.requests()).isEmpty();
  }

  @Test
  @DisplayName("JSON nested 100,000 deep, in a query line or a list page, is refused by maxJsonDepth")
  void deepNesting() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    List<String> lines = new ArrayList<>(head());
    lines.add("{\"file\":{\"url\":\"https://x/f\",\"id\":\"f\",\"size\":1,\"stats\":" + deep + "}}");
    sharing.on("POST", TABLE_PATH + "/query", ndjson(lines));
    sharing.on("GET", PREFIX + "/shares", HostilePeer.json(200, "{\"items\":" + deep + "}"));
    try (DeltaSharingClient c = client()) {
      assertThatThrownBy(() -> c.readTable("s.sc.t"))
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxJsonDepth"));
      assertThatThrownBy(c::listShares)
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("maxJsonDepth"));
    }
  }

  @Test
  @DisplayName("a list page trickled a byte at a time meets bodyTimeout; a stalled one meets idleTimeout")
  void trickledAndStalledAnswers() {
    sharing.on("GET", PREFIX + "/shares", sharing.trickle(200, "application/json",
        "{\"items\":[{\"name\":\"" + "s".repeat(5_000) + "\"}]}", Duration.ofMillis(5)));
    try (DeltaSharingClient c = client(l -> l.bodyTimeout(Duration.ofMillis(500)))) {
      assertThatThrownBy(c::listShares)
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("bodyTimeout"));
    }
    String start = String.join("\n", head()) + "\n";
    // the headers and two lines, then nothing
    sharing.on("POST", TABLE_PATH + "/query", sharing.stall(200, Map.of("Content-Type", "application/x-ndjson",
        "Delta-Table-Version", "7"), start, start.getBytes(StandardCharsets.UTF_8).length + 1000));
    try (DeltaSharingClient c = client(l -> l.idleTimeout(Duration.ofMillis(300)))) {
      assertThatThrownBy(() -> c.readTable("s.sc.t")).satisfies(e ->
          assertThat(HostilePeer.limitIn(e).limit()).isEqualTo("idleTimeout"));
    }
  }

  // ---- storage is read to the declared size, not a byte more ----

  @Test
  @DisplayName("a file declared 40 MiB and served as 400 MiB stops one byte past 40 MiB on every path, typed and "
      + "not retried")
  void fileLongerThanDeclared() throws Exception {
    long declared = 40L << 20;
    storage.on("GET", "/big", storage.sized(200, "application/octet-stream", -1, 400L << 20));
    storage.on("GET", "/small", storage.sized(200, "application/octet-stream", 400L << 20, 400L << 20));
    try (DeltaSharingClient c = client()) {
      // spooled to disk (larger than the in-memory bound)
      queryAnswers(storage.uri("/big").toString(), declared);
      TableQuery q = c.query("s.sc.t", QueryOptions.all());
      FileAction big = q.files().get(0);
      assertThatThrownBy(() -> q.opener().open(big)).isInstanceOfSatisfying(ResponseLimitException.class, e -> {
        assertThat(e.limit()).isEqualTo("declared size");
        assertThat(e).hasMessageContaining(String.valueOf(declared)).hasMessageContaining("file f1");
      });
      // downloaded to a target: nothing is left beside it
      Path target = dir.resolve("out").resolve("f1.parquet");
      Files.createDirectories(target.getParent());
      assertThatThrownBy(() -> q.downloader().download(big, target))
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("declared size"));
      try (Stream<Path> left = Files.list(target.getParent())) {
        assertThat(left).isEmpty();
      }
      // held in memory (4 MiB declared, with a Content-Length of 400 MiB)
      queryAnswers(storage.uri("/small").toString(), 4L << 20);
      TableQuery small = c.query("s.sc.t", QueryOptions.all());
      assertThatThrownBy(() -> small.opener().open(small.files().get(0)))
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("declared size"));
    }
    storage.close();
    assertThat(requestsTo(storage, "/big")).as("not downloaded again").isEqualTo(2);
    assertThat(requestsTo(storage, "/small")).isEqualTo(1);
    // three reads stopped at 40, 40 and 4 MiB: the peer got out that much plus what socket buffers took
    assertThat(storage.bytesSent()).isLessThan(declared * 2 + (4L << 20) + (3 * 16L << 20));
  }

  @Test
  @DisplayName("a file without a size is refused before anything is fetched (the protocol requires one)")
  void fileWithoutSize() {
    queryAnswers(storage.uri("/f").toString(), null);
    try (DeltaSharingClient c = client()) {
      assertThatThrownBy(() -> c.readTable("s.sc.t")).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("file f1").hasMessageContaining("size");
    }
    assertThat(storage.requests()).isEmpty();
  }

  @Test
  @DisplayName("a stalled storage body meets idleTimeout and is not retried")
  void stalledFile() {
    storage.on("GET", "/f", storage.trickle(200, "application/octet-stream", "PAR1PAR1PAR1", Duration.ofMinutes(5)));
    queryAnswers(storage.uri("/f").toString(), 12L);
    try (DeltaSharingClient c = client(l -> l.idleTimeout(Duration.ofMillis(300)))) {
      TableQuery q = c.query("s.sc.t", QueryOptions.all());
      assertThatThrownBy(() -> q.opener().open(q.files().get(0)))
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("idleTimeout"));
    }
    assertThat(requestsTo(storage, "/f")).isEqualTo(1);
  }

  // ---- bad URLs are typed, and nothing is read ----

  @Test
  @DisplayName("file:, jar:, ftp:, malformed, relative and user-info URLs are a DataFormatException; nothing is sent")
  void badFileUrls() {
    String port = String.valueOf(storage.port());
    List<String> urls = List.of("file:///etc/passwd", "jar:file:/tmp/x.jar!/a.parquet", "ftp://127.0.0.1:" + port
        + "/f", "http://127.0.0.1:" + port + "/f f%%", "/relative/f", "http://user:pw@127.0.0.1:" + port + "/f",
        "http://127.0.0.1:" + port + "@" + "127.0.0.1:" + other.port() + "/f");
    try (DeltaSharingClient c = client()) {
      for (String url : urls) {
        queryAnswers(url, 12L);
        TableQuery q = c.query("s.sc.t", QueryOptions.all());
        FileAction f = q.files().get(0);
        assertThatThrownBy(() -> q.opener().open(f)).as(url).isExactlyInstanceOf(DataFormatException.class)
            .hasMessageContaining("file f1").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> q.downloader().download(f, dir.resolve("x.parquet"))).as(url)
            .isExactlyInstanceOf(DataFormatException.class);
      }
    }
    assertThat(storage.requests()).isEmpty();
    assertThat(other.requests()).isEmpty();
  }

  @Test
  @DisplayName("a profile whose endpoint is not an http(s) URL, or carries user info, is a DataFormatException "
      + "that never echoes the password")
  void badProfileEndpoints() throws Exception {
    for (String endpoint : List.of("file:///etc/passwd", "jar:file:/x!/y", "https://user:hunter2@sharing.example/",
        "https://exa mple/%%", "ftp://sharing.example/")) {
      Path profile = dir.resolve("p.share");
      Files.writeString(profile, "{\"shareCredentialsVersion\":1,\"endpoint\":"
          + SharingFixture.JSON.valueToTree(endpoint) + ",\"bearerToken\":\"" + TOKEN + "\"}");
      assertThatThrownBy(() -> DeltaSharingProfile.read(profile)).as(endpoint)
          .isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("endpoint")
          .hasMessageNotContaining("hunter2").hasMessageNotContaining(TOKEN);
    }
    assertThatThrownBy(() -> DeltaSharingClient.builder().endpoint("https://exa mple/"))
        .isInstanceOf(io.delpha.sdk.core.InvalidInputException.class);
    assertThatThrownBy(() -> DeltaSharingClient.builder().endpoint("https://u:hunter2@127.0.0.1:1/")
        .bearerToken(Secret.of(TOKEN)).build())
        .isInstanceOf(io.delpha.sdk.core.InvalidInputException.class).hasMessageNotContaining("hunter2");
  }

  // ---- the bearer token goes to the sharing server only ----

  @Test
  @DisplayName("a 301/302/303/307/308 from the sharing server is a DataFormatException; nothing reaches the other "
      + "host")
  void sharingServerRedirects() {
    for (int status : List.of(301, 302, 303, 307, 308)) {
      sharing.on("GET", PREFIX + "/shares", HostilePeer.redirect(status, other.uri("/steal").toString()));
      sharing.on("POST", TABLE_PATH + "/query", HostilePeer.redirect(status, other.uri("/steal").toString()));
      sharing.on("GET", TABLE_PATH + "/metadata",
          HostilePeer.redirect(status, "https://127.0.0.1:" + other.port() + "/steal\r\nAuthorization: Bearer x"));
      try (DeltaSharingClient c = client()) {
        assertThatThrownBy(c::listShares).isExactlyInstanceOf(DataFormatException.class)
            .hasMessageContaining("redirect").hasMessageContaining(String.valueOf(status));
        assertThatThrownBy(() -> c.readTable("s.sc.t")).isExactlyInstanceOf(DataFormatException.class);
        assertThatThrownBy(() -> c.tableMetadata("s.sc.t")).isExactlyInstanceOf(DataFormatException.class);
      }
    }
    assertThat(other.requests()).isEmpty();
    assertThat(sharing.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN));
  }

  @Test
  @DisplayName("a profile whose endpoint, or OAuth token endpoint, is plain http off loopback is refused at build, "
      + "naming the opt-in; with credentialsOverPlainHttp(true) it builds")
  void clearTextEndpointsRefusedAtBuild() throws Exception {
    Path profile = dir.resolve("clear.share");
    Files.writeString(profile, "{\"shareCredentialsVersion\":1,\"endpoint\":\"http://sharing.example.com/\","
        + "\"bearerToken\":\"" + TOKEN + "\"}");
    DeltaSharingProfile bearer = DeltaSharingProfile.read(profile);
    DeltaSharingProfile oauth = new DeltaSharingProfile(2, URI.create("https://sharing.example.com/ds"),
        DeltaSharingProfile.AuthType.OAUTH_CLIENT_CREDENTIALS, null, null,
        URI.create("http://login.example.com/oauth/token"), "client", Secret.of("client-SECRET-77"), null);
    for (DeltaSharingProfile p : List.of(bearer, oauth)) {
      assertThatThrownBy(() -> DeltaSharingClient.builder().profile(p).build()).as(p.toString())
          .isExactlyInstanceOf(InvalidInputException.class)
          .hasMessageContaining("ResponseLimits.credentialsOverPlainHttp(true)")
          .hasMessageContaining(p == bearer ? "http://sharing.example.com" : "http://login.example.com")
          .hasMessageNotContaining(TOKEN).hasMessageNotContaining("client-SECRET-77");
      assertThatThrownBy(() -> DeltaSharingClient.fromProfile(profile)).isInstanceOf(InvalidInputException.class);
      try (DeltaSharingClient c = DeltaSharingClient.builder().profile(p)
          .responseLimits(l -> l.credentialsOverPlainHttp(true)).build()) {
        assertThat(c.endpoint()).isEqualTo(p.endpoint());
      }
    }
    // loopback over plain http needs no opt-in (every other test here)
    try (DeltaSharingClient c = client()) {
      assertThat(c.endpoint().getScheme()).isEqualTo("http");
    }
  }

  @Test
  @DisplayName("storage's redirects are followed without any credential of ours; a chain that never ends is typed")
  void storageRedirects() {
    storage.on("GET", "/moved", HostilePeer.redirect(302, other.uri("/file").toString()));
    other.on("GET", "/file", other.sized(200, "application/octet-stream", 12, 12));
    storage.on("GET", "/loop", HostilePeer.redirect(307, storage.uri("/loop").toString()));
    storage.on("GET", "/tofile", HostilePeer.redirect(302, "file:///etc/passwd"));
    try (DeltaSharingClient c = client()) {
      queryAnswers(storage.uri("/moved").toString(), 12L);
      TableQuery q = c.query("s.sc.t", QueryOptions.all());
      // twelve zero bytes are no Parquet file: the redirect was followed and the body read
      assertThatThrownBy(() -> q.opener().open(q.files().get(0))).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("not");
      queryAnswers(storage.uri("/loop").toString(), 12L);
      TableQuery loop = c.query("s.sc.t", QueryOptions.all());
      assertThatThrownBy(() -> loop.opener().open(loop.files().get(0))).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("redirect");
      queryAnswers(storage.uri("/tofile").toString(), 12L);
      TableQuery toFile = c.query("s.sc.t", QueryOptions.all());
      assertThatThrownBy(() -> toFile.opener().open(toFile.files().get(0))).isInstanceOf(DataFormatException.class);
    }
    assertThat(requestsTo(other, "/file")).isEqualTo(1);
    assertThat(requestsTo(storage, "/loop")).as("the chain is bounded").isBetween(2L, 8L);
    assertThat(Stream.concat(storage.requests().stream(), other.requests().stream()))
        .allSatisfy(r -> {
          assertThat(r.header("Authorization")).isNull();
          assertThat(r.headers().toString()).doesNotContain(TOKEN);
        });
  }

  @Test
  @DisplayName("the OAuth token endpoint's answer is bounded, and its redirect is refused; the client secret "
      + "never reaches the other host")
  void oauthTokenEndpoint() {
    String secret = "client-SECRET-77";
    sharing.on("POST", "/oauth/endless", sharing.endless(200, "application/json", "{\"access_token\":\"", "aaaa",
        Map.of()));
    sharing.on("POST", "/oauth/moved", HostilePeer.redirect(307, other.uri("/token").toString()));
    for (String path : List.of("/oauth/endless", "/oauth/moved")) {
      DeltaSharingProfile profile = new DeltaSharingProfile(2, sharing.uri(PREFIX),
          DeltaSharingProfile.AuthType.OAUTH_CLIENT_CREDENTIALS, null, null, sharing.uri(path), "client",
          Secret.of(secret), null);
      try (DeltaSharingClient c = DeltaSharingClient.builder().profile(profile)
          .retryPolicy(r -> r.maxAttempts(2).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)))
          .responseLimits(l -> l.maxBodyBytes(1 << 20)).build()) {
        assertThatThrownBy(c::listShares).as(path).isInstanceOf(DataFormatException.class)
            .hasMessageNotContaining(secret);
      }
    }
    assertThat(other.requests()).isEmpty();
    assertThat(requestsTo(sharing, PREFIX)).as("no request reached the sharing server without a token").isZero();
  }
}
