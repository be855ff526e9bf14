package io.delpha.sdk.ingest;

import static io.delpha.sdk.testing.HostileClients.basic;
import static io.delpha.sdk.testing.HostileClients.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.HostileClients;
import io.delpha.sdk.testing.HostileClients.Attack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload endpoint with its default {@link ServerOptions}, under the three attacks of issue 68 at once: 300
 * connections trickling their headers, 40 connections flooding the legitimate customer's own account name with wrong
 * passwords, and 14 uploads trickling their bodies (an authenticated customer whose {@code number_files} is 2). The
 * legitimate customer's {@link UploadClient#fetch} is answered, its file is staged and its rows land in Cassandra; no
 * service thread is parked inside a slow client's request meanwhile.
 */
class UploadServerUnderAttackTest {

  static final String REGISTRY = "ingest_registry_siege";
  static final String KS = "ingest_siege_customer";
  static CassandraManager cass;

  @TempDir Path tmp;

  @BeforeAll
  static void connect() {
    cass = IngestFixtures.connect(CassandraServer.shared(CassandraServer.Variant.PLAIN));
    IngestFixtures.createOrders(cass, KS);
  }

  @AfterAll
  static void disconnect() {
    cass.close();
  }

  @Test
  @DisplayName("under 300 slow-header, 40 flooding and 14 slow-body connections, a customer's upload is answered, "
      + "staged and ingested, and no thread is held by a slow client")
  void legitimateUploadLandsUnderSiege() throws Exception {
    LocalObjectStore staging = LocalObjectStore.at(tmp.resolve("staging"));
    try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass).staging(staging)
        .registry(REGISTRY, "{'class': 'SimpleStrategy', 'replication_factor': 1}").passwordIterations(20_000)
        .build()) {
      ingestor.registerCustomer("legit", "pw-legit", KS,
          IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":3,\"data_sizes\":512}"));
      ingestor.registerCustomer("mallory", "pw-mallory", KS,
          IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":2,\"data_sizes\":512}"));
      IngestFixtures.writeOrders(tmp.resolve("in/orders.csv"), 0, 50);
      try (UploadServer server = ingestor.uploadServer(ServerOptions.builder().build())) {
        URI base = server.uri();
        String mallory = "Authorization: " + basic("mallory", "pw-mallory") + "\r\n";
        byte[] body = ("id\n" + "1\n".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        List<Attack> attacks = new ArrayList<>();
        try {
          attacks.add(HostileClients.trickle(base, "127.0.0.2", 300, "GET /constraints HTTP/1.1\r\nHost: x\r\n"
              + "Authorization: " + basic("legit", "pw-legit") + "\r\n\r\n", null, 1, Duration.ofSeconds(1)));
          for (int u = 0; u < 7; u++) { // 7 uploads of 2 files: 14 slow bodies
            String open = HostileClients.exchange(base, "127.0.0.3", "POST /uploads HTTP/1.1\r\nHost: x\r\n" + mallory
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
            assertThat(status(open)).isEqualTo(201);
            String id = open.replaceAll("(?s).*\"upload\":\"([^\"]+)\".*", "$1");
            for (int f = 0; f < 2; f++) {
              attacks.add(HostileClients.trickle(base, "127.0.0.3", 1, "PUT /uploads/" + id + "/files/slow-" + f
                  + ".csv HTTP/1.1\r\nHost: x\r\n" + mallory + "Content-Length: " + body.length + "\r\n\r\n", body, 1,
                  Duration.ofSeconds(1)));
            }
          }
          String flood = "GET /constraints HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic("legit", "guess")
              + "\r\nConnection: close\r\n\r\n";
          Attack flood1 = HostileClients.flood(base, "127.0.0.4", 20, flood);
          Attack flood2 = HostileClients.flood(base, "127.0.0.5", 20, flood);
          attacks.add(flood1);
          attacks.add(flood2);
          while (flood1.answered(429) + flood2.answered(429) == 0) {
            Thread.sleep(20);
          }

          Set<String> before = HostileClients.parkedThreads("upload-endpoint", "JettyServer", "PasswordGate");
          FetchReport report = UploadClient.to(base).fetch("legit", "pw-legit", tmp.resolve("in"));
          Set<String> held = new TreeSet<>(HostileClients.parkedThreads("upload-endpoint", "JettyServer",
              "PasswordGate"));
          held.retainAll(before);

          assertThat(report.accepted()).extracting(FetchReport.StagedFile::key)
              .containsExactly("legit/incoming/orders.csv");
          assertThat(held).as("service threads parked inside a slow client's request").isEmpty();
          assertThat(flood1.retryAfters.get() + flood2.retryAfters.get()).as("the flood backed off with Retry-After")
              .isPositive();
          assertThat(attacks.get(0).headersCompleted).hasValue(0);
        } finally {
          attacks.forEach(Attack::close);
        }
      }
      ingestor.ingestPending();
      IngestFixtures.assertOrders(cass, KS, 0, 50);
    }
  }
}
