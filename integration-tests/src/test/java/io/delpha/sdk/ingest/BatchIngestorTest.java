package io.delpha.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.FileIngestion.Status;
import io.delpha.sdk.core.internal.CsvParser;
import io.delpha.sdk.testing.CassandraServer;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("BatchIngestor on a real Cassandra node and real files")
class BatchIngestorTest {

  static final String REGISTRY = "ingest_registry_it";
  static final String KS1 = "ingest_customer1";
  static final String KS2 = "ingest_customer2";
  static CassandraManager cass;

  @TempDir Path tmp;
  LocalObjectStore staging;
  BatchIngestor ingestor;
  final List<FileIngestion> events = new ArrayList<>();

  @BeforeAll
  static void connect() {
    cass = IngestFixtures.connect(CassandraServer.shared(CassandraServer.Variant.PLAIN));
    IngestFixtures.createOrders(cass, KS1);
    IngestFixtures.createOrders(cass, KS2);
  }

  @AfterAll
  static void disconnect() {
    cass.close();
  }

  @BeforeEach
  void setUp() {
    staging = LocalObjectStore.at(tmp.resolve("staging"));
    ingestor = BatchIngestor.builder().cassandra(cass).staging(staging)
        .registry(REGISTRY, "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        .passwordIterations(1_000)
        .listener(new IngestListener() {
          @Override
          public void onFileIngested(FileIngestion f) {
            events.add(f);
          }
        })
        .build();
    // truncating is much faster than dropping and re-creating tables between tests
    for (String table : List.of(KS1 + ".orders", KS2 + ".orders", REGISTRY + ".ingest_metrics", REGISTRY + ".ingest_claims")) {
      cass.execute("TRUNCATE " + table);
    }
    ingestor.registerCustomer("customer-1", "password-1", KS1,
        IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":10,\"data_sizes\":4096}"));
    ingestor.registerCustomer("customer-2", "password-2", KS2,
        IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":2,\"data_sizes\":1}"));
  }

  @AfterEach
  void closeIngestor() {
    ingestor.close();
  }

  @Test
  @DisplayName("two customers with their own constraints: each file lands in its customer's keyspace only")
  void eachFileLandsInItsKeyspace() throws IOException {
    IngestFixtures.writeOrders(tmp.resolve("in1/orders.csv"), 0, 999);
    IngestFixtures.writeOrders(tmp.resolve("in2/orders.csv"), 5_000, 5_005);

    FetchReport up1 = ingestor.fetch("customer-1", "password-1", tmp.resolve("in1"));
    FetchReport up2 = ingestor.fetch("customer-2", "password-2", tmp.resolve("in2"));
    assertThat(up1.accepted()).extracting(FetchReport.StagedFile::key).containsExactly("customer-1/incoming/orders.csv");
    assertThat(up2.accepted()).extracting(FetchReport.StagedFile::key).containsExactly("customer-2/incoming/orders.csv");

    IngestReport done = ingestor.ingestPending();

    assertThat(done.files()).extracting(FileIngestion::status).containsOnly(Status.PROCESSED).hasSize(2);
    IngestFixtures.assertOrders(cass, KS1, 0, 999);
    IngestFixtures.assertOrders(cass, KS2, 5_000, 5_005);
    assertThat(staging.list("customer-1/").toList()).containsExactly("customer-1/processed/orders.csv");
    FileIngestion f1 = done.files().stream().filter(f -> f.customer().equals("customer-1")).findFirst().orElseThrow();
    assertThat(f1.logLine()).matches("Ingestion of the file: orders\\.csv for customer-1 - size: \\d+\\.\\d KB - "
        + "999 lines ingested in \\d+\\.\\d\\d seconds");
    Row metric = cass.execute("SELECT * FROM " + REGISTRY + ".ingest_metrics WHERE customer_id = ? AND file_key = ?",
        "customer-1", "customer-1/incoming/orders.csv").all().get(0);
    assertThat(metric.getLong("rows_ingested")).isEqualTo(999);
    assertThat(metric.getLong("size_bytes")).isEqualTo(f1.sizeBytes());
    assertThat(metric.getString("status")).isEqualTo("PROCESSED");
    assertThat(events).hasSize(2);
  }

  @Test
  @DisplayName("a file whose move fails once stays staged, INTERRUPTED; the pass goes on, the next one finishes it")
  void failedMoveLeavesTheFileForTheNextPass() throws IOException {
    IngestFixtures.writeOrders(tmp.resolve("in1/orders.csv"), 0, 300);
    IngestFixtures.writeOrders(tmp.resolve("in2/orders.csv"), 5_000, 5_005);
    ingestor.fetch("customer-1", "password-1", tmp.resolve("in1"));
    ingestor.fetch("customer-2", "password-2", tmp.resolve("in2"));
    io.delpha.sdk.testing.FailingObjectStore store = io.delpha.sdk.testing.FailingObjectStore.failingOnce(staging,
        key -> key.equals("customer-1/processed/orders.csv"));
    try (BatchIngestor failing = BatchIngestor.builder().cassandra(cass).staging(store)
        .registry(REGISTRY, "{'class': 'SimpleStrategy', 'replication_factor': 1}").passwordIterations(1_000)
        .build()) {
      IngestReport first = failing.ingestPending();
      assertThat(first.files()).extracting(FileIngestion::customer, FileIngestion::status).containsExactlyInAnyOrder(
          org.assertj.core.groups.Tuple.tuple("customer-1", Status.INTERRUPTED),
          org.assertj.core.groups.Tuple.tuple("customer-2", Status.PROCESSED));
      FileIngestion interrupted = first.files().stream().filter(f -> f.customer().equals("customer-1")).findFirst()
          .orElseThrow();
      assertThat(interrupted.error()).contains("was PROCESSED but recording or moving it failed")
          .contains("injected failure");
      assertThat(staging.list("customer-1/").toList()).containsExactly("customer-1/incoming/orders.csv");
      IngestFixtures.assertOrders(cass, KS2, 5_000, 5_005);

      IngestReport second = failing.ingestPending();
      assertThat(second.files()).extracting(FileIngestion::customer, FileIngestion::status)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("customer-1", Status.PROCESSED));
      assertThat(staging.list("customer-1/").toList()).containsExactly("customer-1/processed/orders.csv");
      IngestFixtures.assertOrders(cass, KS1, 0, 300);
    }
  }

  @Test
  @DisplayName("a manager whose lease was taken while it ingested neither records nor moves the file; the holder does, once")
  void lostLeaseIsNotRecorded() throws IOException {
    IngestFixtures.writeOrders(tmp.resolve("in/orders.csv"), 0, 500);
    ingestor.fetch("customer-1", "password-1", tmp.resolve("in"));
    String key = "customer-1/incoming/orders.csv";
    // a long lease, so no renewal runs during the file: only the fence before recording can notice that another
    // manager took the file (as after renewals failing for longer than the lease)
    try (BatchIngestor first = BatchIngestor.builder().cassandra(cass).staging(staging)
        .registry(REGISTRY, "{'class': 'SimpleStrategy', 'replication_factor': 1}").passwordIterations(1_000)
        .worker("manager-a").lease(java.time.Duration.ofMinutes(5))
        .listener(new IngestListener() {
          @Override
          public void onStart(String task) {
            cass.execute("UPDATE " + REGISTRY + ".ingest_claims USING TTL 300 SET owner = 'manager-b' WHERE file_key = ?",
                key);
          }
        }).build();
        BatchIngestor second = BatchIngestor.builder().cassandra(cass).staging(staging)
            .registry(REGISTRY, "{'class': 'SimpleStrategy', 'replication_factor': 1}").passwordIterations(1_000)
            .worker("manager-b").build()) {
      FileIngestion lost = first.ingestPending().files().get(0);
      assertThat(lost.status()).isEqualTo(Status.INTERRUPTED);
      assertThat(lost.error()).contains("lease");
      assertThat(staging.list("customer-1/").toList()).containsExactly(key);
      assertThat(cass.execute("SELECT * FROM " + REGISTRY + ".ingest_metrics WHERE customer_id = 'customer-1'").all())
          .as("no record by the manager that lost the lease").isEmpty();
      assertThat(cass.execute("SELECT owner FROM " + REGISTRY + ".ingest_claims WHERE file_key = ?", key).one()
          .getString(0)).as("the holder's lease is left alone").isEqualTo("manager-b");

      FileIngestion held = second.ingestPending().files().get(0);
      assertThat(held.status()).isEqualTo(Status.PROCESSED);
      assertThat(cass.execute("SELECT status, worker FROM " + REGISTRY + ".ingest_metrics WHERE customer_id = 'customer-1'")
          .all()).singleElement().satisfies(r -> {
            assertThat(r.getString("status")).isEqualTo("PROCESSED");
            assertThat(r.getString("worker")).isEqualTo("manager-b");
          });
      assertThat(staging.list("customer-1/").toList()).containsExactly("customer-1/processed/orders.csv");
      IngestFixtures.assertOrders(cass, KS1, 0, 500);
    }
  }

  @Test
  @DisplayName("values arrive exactly as written: quoted commas, quotes and CRLF, decimal scale, timestamp offsets")
  void valuesArriveExactly() throws IOException {
    String csv = "id,name,amount,placed_at,paid\r\n"
        + "1,\"a, b \"\"quoted\"\"\r\nsecond line\",10.50,2024-03-01T10:00:00+02:00,true\r\n"
        + "2,\"\",0.000,2024-03-01 10:00:00,FALSE\r\n"
        + "3,,1E+3,2024-03-01T10:00:00.123Z,1\r\n";
    Files.createDirectories(tmp.resolve("in"));
    Files.writeString(tmp.resolve("in/orders.csv"), csv);
    ingestor.fetch("customer-1", "password-1", tmp.resolve("in"));

    assertThat(ingestor.ingestPending().files()).extracting(FileIngestion::rowsIngested).containsExactly(3L);

    Row r1 = cass.execute("SELECT * FROM " + KS1 + ".orders WHERE id = 1").one();
    assertThat(r1.getString("name")).isEqualTo("a, b \"quoted\"\r\nsecond line");
    assertThat(r1.getBigDecimal("amount")).isEqualTo(new BigDecimal("10.50"));
    assertThat(r1.getInstant("placed_at")).isEqualTo(Instant.parse("2024-03-01T08:00:00Z"));
    Row r2 = cass.execute("SELECT * FROM " + KS1 + ".orders WHERE id = 2").one();
    assertThat(r2.getString("name")).isEmpty();
    assertThat(r2.getBigDecimal("amount")).isEqualTo(new BigDecimal("0.000"));
    assertThat(r2.getInstant("placed_at")).isEqualTo(Instant.parse("2024-03-01T10:00:00Z"));
    assertThat(r2.getBoolean("paid")).isFalse();
    Row r3 = cass.execute("SELECT * FROM " + KS1 + ".orders WHERE id = 3").one();
    assertThat(r3.isNull("name")).isTrue();
    assertThat(r3.getBigDecimal("amount")).isEqualTo(new BigDecimal("1E+3"));
    assertThat(r3.getInstant("placed_at")).isEqualTo(Instant.parse("2024-03-01T10:00:00.123Z"));
  }

  @Test
  @DisplayName("a key repeated in a file, next to other keys: the later line wins, as when rows went one by one")
  void laterLineOfARepeatedKeyWins() throws IOException {
    // key 0 on every other line, between distinct keys, so it would share a batch with itself; its values get
    // smaller line by line, so a tie between two writes of one timestamp (which Cassandra breaks by the larger
    // value) would keep an earlier line
    StringBuilder csv = new StringBuilder("id,name,amount,placed_at,paid\n");
    for (int i = 0; i < 200; i++) {
      long id = i % 2 == 0 ? 0 : i;
      csv.append(id).append(",v").append(999 - i).append(',').append(i).append(".00,2024-03-01T10:00:00Z,true\n");
    }
    Files.createDirectories(tmp.resolve("in"));
    Files.writeString(tmp.resolve("in/orders.csv"), csv);
    ingestor.fetch("customer-1", "password-1", tmp.resolve("in"));

    assertThat(ingestor.ingestPending().files()).extracting(FileIngestion::rowsIngested).containsExactly(200L);
    assertThat(cass.execute("SELECT COUNT(*) FROM " + KS1 + ".orders").one().getLong(0)).isEqualTo(101);
    Row zero = cass.execute("SELECT name, amount FROM " + KS1 + ".orders WHERE id = 0").one();
    assertThat(zero.getString("name")).isEqualTo("v801");
    assertThat(zero.getBigDecimal("amount")).isEqualTo(new BigDecimal("198.00"));
  }

  @Test
  @DisplayName("malformed rows go to a bad-records file with line, reason and original text; the rest is ingested")
  void malformedRowsAreRejected() throws IOException {
    String csv = "id,name,amount,placed_at,paid\n"
        + "1,ok,1.00,2024-01-01T00:00:00Z,true\n"
        + "2,too,many,fields,here,x\n"
        + "x3,bad id,1.00,2024-01-01T00:00:00Z,true\n"
        + "4,bad \"quote,1.00,2024-01-01T00:00:00Z,true\n"
        + "5,bad amount,abc,2024-01-01T00:00:00Z,true\n"
        + ",no key,1.00,2024-01-01T00:00:00Z,true\n"
        + "7,ok too,2.00,2024-01-01T00:00:00Z,maybe\n"
        + "8,fine,3.00,2024-01-01T00:00:00Z,false\n";
    Files.createDirectories(tmp.resolve("in"));
    Files.writeString(tmp.resolve("in/orders.csv"), csv);
    ingestor.fetch("customer-1", "password-1", tmp.resolve("in"));

    FileIngestion f = ingestor.ingestPending().files().get(0);

    assertThat(f.status()).isEqualTo(Status.PROCESSED);
    assertThat(f.rowsIngested()).isEqualTo(2);
    assertThat(f.rowsRejected()).isEqualTo(6);
    assertThat(f.logLine()).endsWith("2 lines ingested in " + String.format(java.util.Locale.ROOT, "%.2f",
        f.elapsed().toNanos() / 1e9) + " seconds - 6 lines rejected");
    assertThat(cass.execute("SELECT id FROM " + KS1 + ".orders").all()).extracting(r -> r.getLong(0))
        .containsExactlyInAnyOrder(1L, 8L);
    String bad = new String(staging.getBytes("customer-1/processed/orders.csv.bad-records.csv"), StandardCharsets.UTF_8);
    List<String> lines = bad.lines().toList();
    assertThat(lines.get(0)).isEqualTo("line,reason,original");
    assertThat(lines).hasSize(7);
    assertThat(lines.get(1)).isEqualTo("3,\"expected 5 fields, found 6\",\"2,too,many,fields,here,x\"");
    assertThat(lines.get(2)).startsWith("4,\"column id (bigint)").endsWith(",\"x3,bad id,1.00,2024-01-01T00:00:00Z,true\"");
    assertThat(lines.get(3)).startsWith("5,\"quote inside unquoted field 2\"");
    assertThat(lines.get(4)).startsWith("6,\"column amount (decimal)");
    assertThat(lines.get(5)).startsWith("7,\"missing value for key column id\"");
    assertThat(lines.get(6)).startsWith("8,\"column paid (boolean): not a boolean: 'maybe'\"");
  }

  @Test
  @DisplayName("a file whose header matches no column is refused whole and moved to failed/")
  void headerMatchingNoColumnIsRefused() throws IOException {
    Files.createDirectories(tmp.resolve("in"));
    Files.writeString(tmp.resolve("in/orders.csv"), "foo,bar\n1,2\n");
    ingestor.fetch("customer-1", "password-1", tmp.resolve("in"));

    FileIngestion f = ingestor.ingestPending().files().get(0);

    assertThat(f.status()).isEqualTo(Status.FAILED);
    assertThat(f.error()).contains("matches no column of " + KS1 + ".orders");
    assertThat(staging.exists("customer-1/failed/orders.csv")).isTrue();
    assertThat(new String(staging.getBytes("customer-1/failed/orders.csv.error.txt"), StandardCharsets.UTF_8))
        .contains("matches no column");
    assertThat(cass.execute("SELECT id FROM " + KS1 + ".orders").all()).isEmpty();
    assertThat(cass.execute("SELECT status FROM " + REGISTRY + ".ingest_metrics WHERE customer_id = ? AND file_key = ?",
        "customer-1", "customer-1/incoming/orders.csv").all()).extracting(r -> r.getString(0)).containsExactly("FAILED");
  }

  @Test
  @DisplayName("a wrong password or an unknown customer is refused and nothing is staged")
  void wrongCredentialsStageNothing() throws IOException {
    IngestFixtures.writeOrders(tmp.resolve("in/orders.csv"), 0, 3);

    assertThatThrownBy(() -> ingestor.fetch("customer-1", "password-2", tmp.resolve("in")))
        .isInstanceOf(AuthenticationException.class).hasMessageNotContaining("password-2");
    assertThatThrownBy(() -> ingestor.fetch("nobody", "password-1", tmp.resolve("in")))
        .isInstanceOf(AuthenticationException.class);

    assertThat(staging.list("").toList()).isEmpty();
    String hash = cass.execute("SELECT password_hash FROM " + REGISTRY + ".customers WHERE customer_id = ?", "customer-1")
        .one().getString(0);
    assertThat(hash).startsWith("pbkdf2-sha256$1000$").doesNotContain("password-1");
  }

  @Test
  @DisplayName("wrong format, content that is not CSV and oversize files are rejected with reasons; too many files stage nothing")
  void constraintsAreChecked() throws IOException {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(in.resolve("notes.txt"), "hello\n");
    Files.write(in.resolve("binary.csv"), new byte[] {'P', 'K', 3, 4, 0, 0, 1});
    IngestFixtures.writeOrders(in.resolve("big.csv"), 0, 100); // over customer-2's 1 KiB
    Files.writeString(in.resolve("small.csv"), "id\n1\n");

    FetchReport r = ingestor.fetch("customer-1", "password-1", in);
    assertThat(r.rejected()).extracting(FetchReport.RejectedFile::name).containsExactly("binary.csv", "notes.txt");
    assertThat(r.rejected().get(0).reason()).contains("not text");
    assertThat(r.rejected().get(1).reason()).contains("format .txt is not accepted");

    Files.delete(in.resolve("notes.txt"));
    Files.delete(in.resolve("binary.csv"));
    FetchReport r2 = ingestor.fetch("customer-2", "password-2", in);
    assertThat(r2.accepted()).extracting(FetchReport.StagedFile::name).containsExactly("small.csv");
    assertThat(r2.rejected()).singleElement().satisfies(x -> {
      assertThat(x.name()).isEqualTo("big.csv");
      assertThat(x.reason()).contains("over the limit of 1 KiB");
    });

    Files.writeString(in.resolve("third.csv"), "id\n3\n");
    Files.writeString(in.resolve("fourth.csv"), "id\n4\n");
    FetchReport r3 = ingestor.fetch("customer-2", "password-2", in);
    assertThat(r3.accepted()).isEmpty();
    assertThat(r3.rejected()).hasSize(4).allSatisfy(x -> assertThat(x.reason()).contains("the limit is 2 per upload"));
    assertThat(staging.list("customer-2/").toList()).containsExactly("customer-2/incoming/small.csv");
    assertThat(staging.list("customer-1/").toList()).containsExactly("customer-1/incoming/big.csv",
        "customer-1/incoming/small.csv");
  }

  @Test
  @DisplayName("the HTTP upload endpoint applies the same credentials and constraints, and staged files are ingested")
  void uploadsOverHttp() throws IOException {
    IngestFixtures.writeOrders(tmp.resolve("in/orders.csv"), 0, 50);
    Files.writeString(tmp.resolve("in/notes.txt"), "hello\n");
    try (UploadServer server = ingestor.uploadServer(new InetSocketAddress("127.0.0.1", 0))) {
      UploadClient client = UploadClient.to(server.uri());
      assertThatThrownBy(() -> client.fetch("customer-1", "nope", tmp.resolve("in")))
          .isInstanceOf(AuthenticationException.class);
      assertThat(staging.list("").toList()).isEmpty();

      FetchReport r = client.fetch("customer-1", "password-1", tmp.resolve("in"));

      assertThat(r.accepted()).extracting(FetchReport.StagedFile::key).containsExactly("customer-1/incoming/orders.csv");
      assertThat(r.rejected()).extracting(FetchReport.RejectedFile::name).containsExactly("notes.txt");
      FetchReport again = client.fetch("customer-1", "password-1", tmp.resolve("in"));
      assertThat(again.rejected()).extracting(FetchReport.RejectedFile::reason)
          .anySatisfy(reason -> assertThat(reason).contains("already staged"));
    }
    ingestor.ingestPending();
    IngestFixtures.assertOrders(cass, KS1, 0, 50);
  }

  @Test
  @DisplayName("constraints JSON in the wrong shape is a typed error")
  void malformedConstraints() {
    assertThatThrownBy(() -> IngestionConstraints.fromJson("{\"formats\":\".csv\"}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("number_files");
    assertThatThrownBy(() -> IngestionConstraints.fromJson("not json")).isInstanceOf(InvalidInputException.class);
    assertThat(IngestionConstraints.fromJson("{\"formats\":[\"CSV\"],\"number_files\":3,\"data_sizes\":2}").maxFileBytes())
        .isEqualTo(2048);
  }

  @Test
  @DisplayName("the CSV parser keeps quoted delimiters, doubled quotes and CRLF, and flags an unclosed quote")
  void csvParser() throws IOException {
    CsvParser p = new CsvParser(new StringReader("a,\"b,\"\"c\"\"\r\nd\",e\r\nf,\"never closed\n"), ',');
    assertThat(p.next()).containsExactly("a", "b,\"c\"\r\nd", "e");
    assertThat(p.line()).isEqualTo(1);
    assertThat(p.error()).isNull();
    assertThat(p.next()).containsExactly("f", "never closed\n");
    assertThat(p.line()).isEqualTo(3);
    assertThat(p.error()).contains("never closed");
    assertThat(p.next()).isNull();
  }

  @Test
  @DisplayName("a re-run after a crash between the writes and the move re-ingests the file without duplicates")
  void rerunAfterCrashHasNoDuplicates() throws IOException {
    IngestFixtures.writeOrders(tmp.resolve("in/orders.csv"), 0, 300);
    ingestor.fetch("customer-1", "password-1", tmp.resolve("in"));
    ingestor.ingestPending();
    // the state a crash after the last acknowledgement leaves: rows written, file still staged
    staging.move("customer-1/processed/orders.csv", "customer-1/incoming/orders.csv");

    IngestReport again = ingestor.ingestPending();

    assertThat(again.files()).extracting(FileIngestion::rowsIngested).containsExactly(300L);
    IngestFixtures.assertOrders(cass, KS1, 0, 300);
    try (Stream<String> s = staging.list("customer-1/incoming/")) {
      assertThat(s.toList()).isEmpty();
    }
  }

  @Test
  @DisplayName("a registry made before the customer list: its customers are listed, and their files ingested")
  void registryFromBeforeTheCustomerList() throws IOException {
    String old = "ingest_registry_before_list";
    cass.execute("DROP KEYSPACE IF EXISTS " + old);
    cass.execute("CREATE KEYSPACE " + old + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    cass.execute("CREATE TABLE " + old + ".customers (customer_id text PRIMARY KEY, password_hash text, "
        + "keyspace_name text, app text, constraints text, registered_at timestamp)");
    cass.execute("INSERT INTO " + old + ".customers (customer_id, password_hash, keyspace_name, app, constraints, "
        + "registered_at) VALUES ('customer-old', ?, ?, 'csv', ?, ?)", cass.execute("SELECT password_hash FROM "
        + REGISTRY + ".customers WHERE customer_id = 'customer-1'").one().getString(0), KS1,
        "{\"formats\":[\".csv\"],\"number_files\":10,\"data_sizes\":4096}", Instant.now());

    try (BatchIngestor upgraded = BatchIngestor.builder().cassandra(cass).staging(staging)
        .registry(old, "{'class': 'SimpleStrategy', 'replication_factor': 1}").passwordIterations(1_000).build()) {
      assertThat(upgraded.customers()).extracting(CustomerInfo::id).containsExactly("customer-old");
      IngestFixtures.writeOrders(tmp.resolve("old/orders.csv"), 0, 20);
      upgraded.fetch("customer-old", "password-1", tmp.resolve("old"));
      assertThat(upgraded.ingestPending().files()).extracting(FileIngestion::status).containsExactly(Status.PROCESSED);
    } finally {
      cass.execute("DROP KEYSPACE IF EXISTS " + old);
    }
    IngestFixtures.assertOrders(cass, KS1, 0, 20);
  }
}
