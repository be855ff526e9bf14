package io.delpha.sdk.ingest;

import static io.delpha.sdk.metrics.MeterChecks.count;
import static io.delpha.sdk.metrics.MeterChecks.timed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.metrics.MeterChecks;
import io.delpha.sdk.testing.CassandraServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Ingestion and the upload endpoint metered into a Micrometer registry")
class IngestMetricsTest {

  static final String REGISTRY = "ingest_registry_metrics";
  static final String KS = "ingest_metrics_customer";
  static final String CONSTRAINTS = "{\"formats\":[\".csv\"],\"number_files\":3,\"data_sizes\":4096}";
  static CassandraManager cass;

  @TempDir Path tmp;
  SimpleMeterRegistry registry;
  LocalObjectStore staging;

  @BeforeAll
  static void connect() {
    cass = IngestFixtures.connect(CassandraServer.shared(CassandraServer.Variant.PLAIN));
  }

  @AfterAll
  static void disconnect() {
    cass.close();
  }

  @BeforeEach
  void setUp() {
    IngestFixtures.createOrders(cass, KS);
    registry = new SimpleMeterRegistry();
    staging = LocalObjectStore.at(tmp.resolve("staging"));
  }

  private BatchIngestor ingestor(Metrics metrics) {
    BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass).staging(staging)
        .registry(REGISTRY, "{'class': 'SimpleStrategy', 'replication_factor': 1}").passwordIterations(1_000)
        .metrics(metrics).build();
    ingestor.registerCustomer("metered-customer", "pw-metered", KS, IngestionConstraints.fromJson(CONSTRAINTS));
    return ingestor;
  }

  @Test
  @DisplayName("rows, rejected rows and bytes equal the files; a refused file counts as failed; logins by outcome")
  void ingestCountersEqualTheFiles() throws IOException {
    Path in = tmp.resolve("in");
    Path good = IngestFixtures.writeOrders(in.resolve("orders.csv"), 0, 40);
    Files.writeString(good, "x1,bad id,1.00,2024-01-01T00:00:00Z,true\n5,bad amount,abc,2024-01-01T00:00:00Z,true\n",
        java.nio.file.StandardOpenOption.APPEND);
    Path refused = Files.writeString(in.resolve("nothing-matches.csv"), "foo,bar\n1,2\n"); // no such table
    long bytes = Files.size(good) + Files.size(refused);
    try (BatchIngestor ingestor = ingestor(Metrics.micrometer(registry))) {
      assertThatThrownBy(() -> ingestor.fetch("metered-customer", "wrong-password", in))
          .isInstanceOf(AuthenticationException.class);
      assertThat(ingestor.fetch("metered-customer", "pw-metered", in).accepted()).hasSize(2);
      IngestReport report = ingestor.ingestPending();

      assertThat(report.files()).hasSize(2);
    }
    IngestFixtures.assertOrders(cass, KS, 0, 40);
    assertThat(count(registry, "delpha.ingest.rows")).isEqualTo(40);
    assertThat(count(registry, "delpha.ingest.rows.rejected")).isEqualTo(2);
    assertThat(count(registry, "delpha.ingest.bytes")).isEqualTo(bytes);
    assertThat(count(registry, "delpha.ingest.files", "outcome", "processed")).isEqualTo(1);
    assertThat(count(registry, "delpha.ingest.files", "outcome", "failed")).isEqualTo(1);
    assertThat(timed(registry, "delpha.ingest.file.duration")).isEqualTo(2);
    assertThat(count(registry, "delpha.ingest.logins", "outcome", "ok")).isEqualTo(1);
    assertThat(count(registry, "delpha.ingest.logins", "outcome", "refused")).isEqualTo(1);
    MeterChecks.assertBoundedTags(registry, false, "metered-customer", "orders", "nothing-matches", "pw-");
  }

  @Test
  @DisplayName("the customer is a tag only when asked for")
  void customerTagIsOptIn() throws IOException {
    IngestFixtures.writeOrders(tmp.resolve("in/orders.csv"), 0, 10);
    try (BatchIngestor ingestor = ingestor(Metrics.micrometer(registry).withCustomerTag(true))) {
      ingestor.fetch("metered-customer", "pw-metered", tmp.resolve("in"));
      ingestor.ingestPending();
    }
    assertThat(count(registry, "delpha.ingest.rows", "customer", "metered-customer")).isEqualTo(10);
    MeterChecks.assertBoundedTags(registry, true, "orders");
  }

  @Test
  @DisplayName("every upload request is timed by route and status class; hostile methods and paths stay bounded")
  void uploadRequestsAreTimed() throws Exception {
    IngestFixtures.writeOrders(tmp.resolve("in/orders.csv"), 0, 25);
    HttpClient http = HttpClient.newHttpClient();
    try (BatchIngestor ingestor = ingestor(Metrics.micrometer(registry));
        UploadServer server = ingestor.uploadServer(ServerOptions.builder().build())) {
      FetchReport sent = UploadClient.to(server.uri()).fetch("metered-customer", "pw-metered", tmp.resolve("in"));
      assertThat(sent.accepted()).hasSize(1);
      String wrong = Base64.getEncoder().encodeToString("metered-customer:nope".getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.uri().resolve("constraints"))
          .header("Authorization", "Basic " + wrong).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      HttpResponse<String> missing = http.send(HttpRequest.newBuilder(server.uri().resolve("secret-report-2024.csv"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(rawStatusLine(server.uri(), "BREW-42 /uploads HTTP/1.1")).contains(" 405 ");
      ingestor.ingestPending();
    }
    String service = "upload-endpoint";
    assertThat(timed(registry, "delpha.http.server.requests", "service", service, "route", "/constraints",
        "method", "GET", "status", "2xx")).isEqualTo(1);
    assertThat(timed(registry, "delpha.http.server.requests", "route", "/uploads", "method", "POST", "status", "2xx"))
        .isEqualTo(1);
    assertThat(timed(registry, "delpha.http.server.requests", "route", "/uploads/{id}/files/{name}", "method", "PUT",
        "status", "2xx")).isEqualTo(1);
    assertThat(timed(registry, "delpha.http.server.requests", "route", "/uploads/{id}/commit", "status", "2xx"))
        .isEqualTo(1);
    assertThat(timed(registry, "delpha.http.server.requests", "route", "/constraints", "status", "4xx")).isEqualTo(1);
    assertThat(timed(registry, "delpha.http.server.requests", "route", "unmatched", "method", "GET", "status", "4xx"))
        .isEqualTo(1);
    assertThat(timed(registry, "delpha.http.server.requests", "route", "unmatched", "method", "OTHER", "status",
        "4xx")).isEqualTo(1);
    assertThat(count(registry, "delpha.ingest.rows")).isEqualTo(25);
    assertThat(count(registry, "delpha.ingest.logins", "outcome", "refused")).isEqualTo(1);
    MeterChecks.assertBoundedTags(registry, false, "metered-customer", "orders", "secret-report", "BREW");
  }

  /** Sends a request line the JDK client refuses to send, and reads the status line. */
  private static String rawStatusLine(URI base, String requestLine) throws IOException {
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write((requestLine + "\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) != -1 && c != '\n'; ) {
        line.append((char) c);
      }
      return line.toString();
    }
  }
}
