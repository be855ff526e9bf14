package io.delpha.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.testing.HostilePeer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload client of {@code fetch} against an upload server that misbehaves on purpose (issue 48): a wire-level
 * {@link HostilePeer} speaking {@link UploadServer}'s protocol ({@code GET /constraints}, {@code POST /uploads},
 * {@code PUT /uploads/<id>/files/<name>}, {@code POST /uploads/<id>/commit}) and a second peer, the "thief", on
 * another port. Every call is tried with each misbehaviour; each case asserts the typed error, that the customer's
 * password reached no other place (the thief received nothing: checked after every test), and how much the client
 * took in (judged by what the peer managed to send and by the requests it counted).
 */
@Timeout(180)
class UploadClientHostilePeerTest {

  static final String CUSTOMER = "acme";
  static final String PASSWORD = "pw-SECRET-9731";
  static final String BASIC = "Basic " + Base64.getEncoder()
      .encodeToString((CUSTOMER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  static final String UPLOAD = "5f0c3a1e-8d7b-4c6a-9e2f-1b0a9c8d7e6f";
  static final String CSV = "id,name\n1,ada\n2,grace\n";

  /** The four calls of one fetch, as method and target prefix. */
  enum Call {
    CONSTRAINTS("GET", "/constraints", 200),
    OPEN("POST", "/uploads", 201),
    PUT("PUT", "/uploads/" + UPLOAD + "/files/", 200),
    COMMIT("POST", "/uploads/" + UPLOAD + "/commit", 200);

    final String method;
    final String prefix;
    final int status;

    Call(String method, String prefix, int status) {
      this.method = method;
      this.prefix = prefix;
      this.status = status;
    }
  }

  private HostilePeer server;
  private HostilePeer thief;

  @TempDir
  Path dir;

  private Path in;

  @BeforeEach
  void start() throws Exception {
    server = HostilePeer.start();
    thief = HostilePeer.start();
    in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("people.csv"), CSV);
    behave();
  }

  @AfterEach
  void stop() {
    server.close();
    thief.close();
    assertThat(thief.requests()).as("nothing reaches the other host").isEmpty();
    assertThat(server.requests()).as("every request carries the customer's credentials, to the server only")
        .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo(BASIC));
  }

  /** Answers every call as {@link UploadServer} does. */
  private void behave() {
    server.on(Call.CONSTRAINTS.method, Call.CONSTRAINTS.prefix,
        HostilePeer.json(200, "{\"formats\":[\".csv\"],\"number_files\":10,\"data_sizes\":4096}"));
    server.on(Call.OPEN.method, Call.OPEN.prefix, HostilePeer.json(201, "{\"upload\":\"" + UPLOAD + "\"}"));
    server.on(Call.PUT.method, Call.PUT.prefix, HostilePeer.json(200, "{\"name\":\"people.csv\",\"size\":"
        + CSV.length() + "}"));
    server.on(Call.COMMIT.method, Call.COMMIT.prefix, HostilePeer.json(200, "{\"accepted\":[{\"name\":\"people.csv\","
        + "\"key\":\"acme/incoming/people.csv\",\"size\":" + CSV.length() + "}],\"rejected\":[]}"));
  }

  private UploadClient client(Consumer<ResponseLimits.Builder> limits) {
    return UploadClient.builder().endpoint(server.uri("/"))
        .retryPolicy(r -> r.maxAttempts(2).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)))
        .responseLimits(limits).build();
  }

  private UploadClient client() {
    return client(l -> { });
  }

  private FetchReport fetch(UploadClient client) {
    return client.fetch(CUSTOMER, PASSWORD, in);
  }

  private long requestsTo(Call call) {
    return server.requests().stream()
        .filter(r -> r.method().equals(call.method) && r.target().startsWith(call.prefix)).count();
  }

  @Test
  @DisplayName("the well-behaved peer is served a whole fetch (the fixture speaks the protocol)")
  void wellBehaved() {
    FetchReport report = fetch(client());
    assertThat(report.accepted()).extracting(FetchReport.StagedFile::key).containsExactly("acme/incoming/people.csv");
    assertThat(report.rejected()).isEmpty();
    assertThat(server.requests()).extracting(HostilePeer.Request::method)
        .containsExactly("GET", "POST", "PUT", "POST");
    assertThat(server.requests().get(2).bodyText()).isEqualTo(CSV);
  }

  // ---- the credentials go to the server only ----

  @Test
  @DisplayName("plain http to a host that is not loopback is refused when the client is built, unless the host opts in")
  void plainHttpOffLoopback() {
    URI remote = URI.create("http://ingest.example.com:8080/");
    assertThatThrownBy(() -> UploadClient.to(remote)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("clear text").hasMessageContaining("credentialsOverPlainHttp");
    UploadClient trusted = UploadClient.builder().endpoint(remote)
        .responseLimits(l -> l.credentialsOverPlainHttp(true)).build();
    assertThat(trusted).isNotNull();
    // loopback and https need no opt-in
    assertThat(UploadClient.to(server.uri("/"))).isNotNull();
    assertThat(UploadClient.to(URI.create("https://ingest.example.com/"))).isNotNull();
    assertThat(server.requests()).isEmpty();
  }


  @Test
  @DisplayName("a 301/302/303/307/308 answering any of the four calls is a DataFormatException naming the status "
      + "and the other host; it is not followed and not retried")
  void redirects() {
    String steal = thief.uri("/steal").toString();
    for (Call call : Call.values()) {
      for (int status : List.of(301, 302, 303, 307, 308)) {
        behave();
        server.on(call.method, call.prefix, HostilePeer.redirect(status, steal));
        long before = requestsTo(call);
        assertThatThrownBy(() -> fetch(client())).as(call + " " + status)
            .isExactlyInstanceOf(DataFormatException.class)
            .hasMessageContaining("HTTP " + status).hasMessageContaining("redirect")
            .hasMessageContaining("127.0.0.1:" + thief.port()).hasMessageNotContaining(PASSWORD);
        assertThat(requestsTo(call) - before).as("not retried").isEqualTo(1);
      }
    }
  }

  @Test
  @DisplayName("a Location carrying CR/LF (header injection), a scheme-relative one or an https one on the other "
      + "host is refused alike; the injected text is not echoed")
  void hostileLocations() {
    List<String> locations = List.of(
        "https://127.0.0.1:" + thief.port() + "/steal\r\nAuthorization: Bearer injected",
        "http://127.0.0.1:" + thief.port() + "/steal\r\n\r\n{\"upload\":\"x\"}",
        "//127.0.0.1:" + thief.port() + "/steal",
        "https://127.0.0.1:" + thief.port() + "/steal");
    for (Call call : Call.values()) {
      for (String location : locations) {
        behave();
        server.on(call.method, call.prefix, HostilePeer.redirect(307, location));
        assertThatThrownBy(() -> fetch(client())).as(call + " " + location)
            .isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("HTTP 307")
            .hasMessageContaining("127.0.0.1:" + thief.port())
            .hasMessageNotContaining("injected").hasMessageNotContaining("\n").hasMessageNotContaining(PASSWORD);
      }
    }
  }

  @Test
  @DisplayName("wrong credentials are an AuthenticationException after one request: nothing is opened or sent, and "
      + "a server echoing the password or the Authorization header does not get it into the message")
  void wrongCredentials() {
    server.on("GET", "/constraints", HostilePeer.json(401, "{\"error\":\"unauthorized\",\"message\":\"no customer "
        + CUSTOMER + " with password " + PASSWORD + " (" + BASIC + ")\"}"));
    assertThatThrownBy(() -> fetch(client())).isExactlyInstanceOf(AuthenticationException.class)
        .hasMessageContaining("refused the credentials").hasMessageNotContaining(PASSWORD)
        .hasMessageNotContaining(BASIC.substring(6));
    assertThat(server.targets()).containsExactly("GET /constraints");
  }

  // ---- what the server sends is bounded ----

  @Test
  @DisplayName("an answer that never ends, to any of the four calls, stops at maxBodyBytes: typed, not retried, "
      + "and the client took in about the limit")
  void endlessAnswers() {
    for (Call call : Call.values()) {
      behave();
      server.on(call.method, call.prefix, server.endless(call.status, "application/json", "{\"upload\":\"",
          "x".repeat(64), Map.of()));
      long before = requestsTo(call);
      assertThatThrownBy(() -> fetch(client(l -> l.maxBodyBytes(1 << 20)))).as(call.name())
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
            assertThat(e.limit()).isEqualTo("maxBodyBytes");
            assertThat(e).hasMessageContaining("1048576").hasMessageNotContaining(PASSWORD);
          });
      assertThat(requestsTo(call) - before).as(call + " not retried").isEqualTo(1);
    }
    server.close();
    // four reads stopped at 1 MiB each: the peer got out that much plus what socket buffers took
    assertThat(server.bytesSent()).isLessThan(4 * (17L << 20));
  }

  @Test
  @DisplayName("with the default limits an endless answer stops at 64 MiB, and an endless error answer is cut at "
      + "64 KiB and quoted in at most 300 characters")
  void endlessAnswersUnderDefaults() {
    server.on("GET", "/constraints", server.endless(200, "application/json", "{\"formats\":[\"", "a".repeat(64),
        Map.of()));
    assertThatThrownBy(() -> fetch(UploadClient.to(server.uri("/"))))
        .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
          assertThat(e.limit()).isEqualTo("maxBodyBytes");
          assertThat(e).hasMessageContaining(String.valueOf(64L << 20));
        });
    server.on("GET", "/constraints", server.endless(500, "application/json", "{\"message\":\"", "b".repeat(64),
        Map.of()));
    assertThatThrownBy(() -> fetch(client())).isInstanceOfSatisfying(ServiceUnavailableException.class, e ->
        assertThat(e.getMessage()).contains("answered 500").hasSizeLessThan(600));
    server.close();
    assertThat(server.bytesSent()).isLessThan((64L << 20) + 3 * (16L << 20));
  }

  @Test
  @DisplayName("JSON nested 100,000 deep, in any of the four answers, is refused by maxJsonDepth; in an error "
      + "answer it is quoted, abbreviated, not parsed")
  void deepNesting() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    for (Call call : Call.values()) {
      behave();
      // a file's 200 carries nothing the client reads; its 422 carries the reason the file was refused
      int status = call == Call.PUT ? 422 : call.status;
      server.on(call.method, call.prefix, HostilePeer.json(status, "{\"upload\":\"" + UPLOAD + "\",\"reason\":"
          + deep + ",\"formats\":" + deep + ",\"accepted\":" + deep + "}"));
      assertThatThrownBy(() -> fetch(client())).as(call.name())
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> {
            assertThat(e.limit()).isEqualTo("maxJsonDepth");
            assertThat(e).hasMessageContaining("256");
          });
    }
    behave();
    server.on("GET", "/constraints", HostilePeer.json(401, "{\"message\":" + deep + "}"));
    assertThatThrownBy(() -> fetch(client())).isInstanceOfSatisfying(AuthenticationException.class, e ->
        assertThat(e.getMessage()).hasSizeLessThan(600));
  }

  @Test
  @DisplayName("an answer trickled a byte at a time meets bodyTimeout; one that stalls after its headers meets "
      + "idleTimeout, on every call")
  void trickledAndStalledAnswers() {
    for (Call call : List.of(Call.CONSTRAINTS, Call.COMMIT)) {
      behave();
      server.on(call.method, call.prefix, server.trickle(call.status, "application/json",
          "{\"message\":\"" + "s".repeat(20_000) + "\"}", Duration.ofMillis(5)));
      assertThatThrownBy(() -> fetch(client(l -> l.bodyTimeout(Duration.ofSeconds(2))))).as(call.name())
          .satisfies(e -> assertThat(HostilePeer.limitIn(e).limit()).isEqualTo("bodyTimeout"));
    }
    for (Call call : Call.values()) {
      behave();
      // the headers and a few bytes, then nothing
      server.on(call.method, call.prefix, server.stall(call.status, Map.of("Content-Type", "application/json"), "{\"upload\":", 1000));
      long before = requestsTo(call);
      assertThatThrownBy(() -> fetch(client(l -> l.idleTimeout(Duration.ofSeconds(1))))).as(call.name())
          .isInstanceOfSatisfying(ResponseLimitException.class, e -> assertThat(e.limit()).isEqualTo("idleTimeout"));
      assertThat(requestsTo(call) - before).as(call + " not retried").isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a server that takes a file and never answers is given the request timeout from the file's last "
      + "byte (the PUT has no timeout of its own), then retried; a GET that is never answered likewise")
  void answersThatNeverCome() {
    HostilePeer.Answer silent = server.silent();
    server.on("PUT", Call.PUT.prefix, silent);
    UploadClient impatient = UploadClient.builder().endpoint(server.uri("/")).requestTimeout(Duration.ofSeconds(1))
        .retryPolicy(r -> r.maxAttempts(2).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2))).build();
    assertThatThrownBy(() -> fetch(impatient)).isExactlyInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("send people.csv").hasMessageContaining("no answer within PT1S");
    assertThat(requestsTo(Call.PUT)).isEqualTo(2);
    assertThat(server.requests().stream().filter(r -> r.method().equals("PUT")))
        .allSatisfy(r -> assertThat(r.bodyText()).isEqualTo(CSV));
    server.on("GET", "/constraints", silent);
    assertThatThrownBy(() -> fetch(impatient)).isExactlyInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("GET constraints");
  }

  // ---- what the server says must be what the protocol says ----

  @Test
  @DisplayName("an upload id that is not a plain name (a path, another host, blank, missing, not a string) is a "
      + "DataFormatException before any file is sent")
  void hostileUploadIds() {
    for (String answer : List.of("{\"upload\":\"../../constraints\"}", "{\"upload\":\"//127.0.0.1:" + thief.port()
        + "/steal\"}", "{\"upload\":\"@127.0.0.1:" + thief.port() + "\"}", "{\"upload\":\"a b%%\"}",
        "{\"upload\":\"\"}", "{}", "{\"upload\":42}", "{\"upload\":{\"id\":\"x\"}}", "[]")) {
      server.on("POST", "/uploads", HostilePeer.json(201, answer));
      assertThatThrownBy(() -> fetch(client())).as(answer).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("upload without a usable id");
    }
    assertThat(server.requests()).noneSatisfy(r -> assertThat(r.method()).isEqualTo("PUT"));
  }

  @Test
  @DisplayName("a commit answer without its list of staged files, or unusable constraints, is a DataFormatException "
      + "(the server's fault, not an invalid input of the caller's)")
  void answersOutsideTheProtocol() {
    for (String answer : List.of("{}", "{\"accepted\":{}}", "{\"accepted\":[],\"rejected\":\"none\"}", "[]")) {
      behave();
      server.on("POST", Call.COMMIT.prefix, HostilePeer.json(200, answer));
      assertThatThrownBy(() -> fetch(client())).as(answer).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("commit").hasMessageContaining(UPLOAD);
    }
    for (String answer : List.of("{}", "{\"formats\":[],\"number_files\":1,\"data_sizes\":1}",
        "{\"formats\":[\"../x\"],\"number_files\":1,\"data_sizes\":1}", "{\"formats\":[\".csv\"],\"number_files\":"
        + "\"many\",\"data_sizes\":1,\"pad\":\"" + "p".repeat(100_000) + "\"}")) {
      behave();
      server.on("GET", "/constraints", HostilePeer.json(200, answer));
      assertThatThrownBy(() -> fetch(client())).as(answer).isExactlyInstanceOf(DataFormatException.class)
          .hasMessageContaining("constraints").satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
    }
  }

  @Test
  @DisplayName("an endpoint that is not an http(s) URL with a host, or carries user info, is an "
      + "InvalidInputException that never echoes the password; nothing is sent")
  void badEndpoints() {
    for (String endpoint : List.of("file:///etc/passwd", "jar:file:/x.jar!/", "ftp://127.0.0.1:" + server.port() + "/",
        "http:///no-host", "mailto:ops@example.com", "http://127.0.0.1:" + server.port() + "/?x=1")) {
      assertThatThrownBy(() -> UploadClient.to(URI.create(endpoint))).as(endpoint)
          .isExactlyInstanceOf(InvalidInputException.class).hasMessageContaining("endpoint");
    }
    assertThatThrownBy(() -> UploadClient.to(URI.create("http://acme:hunter2@127.0.0.1:" + server.port() + "/")))
        .isExactlyInstanceOf(InvalidInputException.class).hasMessageContaining("user info")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> UploadClient.builder().build()).isExactlyInstanceOf(InvalidInputException.class)
        .hasMessageContaining("endpoint");
    assertThat(server.requests()).isEmpty();
  }
}
