package io.delpha.sdk.aws;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.testing.CassandraRing;
import io.delpha.sdk.testing.S3Server;
import io.delpha.sdk.testing.TokenRangeCount;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link AWSManager#loadIntoCassandra} on the three-node ring: a flow run's Parquet files, read from the
 * harness's real S3 server (s3proxy), loaded into a keyspace with three replicas while a node is killed
 * mid-load. The AppFlow API itself is WireMock ({@link AppFlowStubs}); S3 and Cassandra are real.
 */
@Tag("ring")
@DisplayName("the AppFlow loader on a three-node ring")
class AppFlowRingTest {

  static final String FLOW = "ring-contact-flow";
  static final String RUN = "3f1e2d4c-5b6a-4798-8a1b-2c3d4e5f6a7b";
  static final String KEYSPACE = "ring_appflow";
  static final int FILES = 6;
  static final int ROWS_PER_FILE = 5_000;

  @RegisterExtension
  static WireMockExtension appflow = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @Test
  @DisplayName("a node killed mid-load: the table equals the Parquet rows; a re-run with the node down gives the same table")
  void loadSurvivesANodeKilledMidLoad() throws Exception {
    S3Server s3 = S3Server.shared();
    String bucket = s3.createBucket("appflow-ring");
    List<Row> expected = new ArrayList<>();
    try (S3ObjectStore store = S3ObjectStore.builder().bucket(bucket).client(s3.client()).build()) {
      for (int part = 0; part < FILES; part++) {
        List<Row> rows = AppFlowStubs.contacts(part * ROWS_PER_FILE, ROWS_PER_FILE);
        AppFlowStubs.writeAppFlowFile(store, "salesforce/" + FLOW + "/" + RUN + "/", rows);
        expected.addAll(rows);
      }
    }
    AppFlowStubs.describe(appflow, FLOW, bucket, "PARQUET", true);
    AppFlowStubs.ok(appflow, "/describe-flow-execution-records", FLOW,
        AppFlowStubs.oneRecord(RUN, "Successful", expected.size(), null));

    CassandraRing ring = CassandraRing.shared();
    try (CassandraManager cass = CassandraManager.builder().contactPoint(ring.node(0).host(), ring.port())
            .localDatacenter(ring.localDatacenter()).requestTimeout(Duration.ofSeconds(20)).build();
        AWSManager aws = AWSManager.builder().credentials(s3.accessKey(), s3.secretKey()).region("eu-west-1")
            .endpointOverride(URI.create(appflow.baseUrl())).s3EndpointOverride(s3.endpoint()).build()) {
      cass.execute("CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE + " WITH replication = "
          + "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}");
      cass.execute("DROP TABLE IF EXISTS " + KEYSPACE + ".contacts");
      CountDownLatch secondFile = new CountDownLatch(1);
      ProgressListener atSecondFile = new ProgressListener() {
        @Override
        public void onProgress(Progress p) {
          if (p.done() >= ROWS_PER_FILE) {
            secondFile.countDown();
          }
        }
      };
      CompletableFuture<LoadReport> load = CompletableFuture.supplyAsync(() -> aws.loadIntoCassandra(FLOW, cass,
          KEYSPACE, "contacts", LoadOptions.builder().createTable(true).maxInFlight(64).listener(atSecondFile).build()));
      try {
        assertThat(secondFile.await(3, TimeUnit.MINUTES)).as("the load reached its second file").isTrue();
        ring.node(1).kill();
        assertThat(load).as("the load was still running when the node died").isNotDone();
        LoadReport first = load.get(5, TimeUnit.MINUTES);
        assertThat(first.rowsWritten()).isEqualTo(expected.size());
        assertThat(first.tableCreated()).isTrue();
        assertThat(TokenRangeCount.exact(cass, KEYSPACE + ".contacts", "id", 8)).as("every row, once")
            .isEqualTo(expected.size());
        assertSpotValues(cass, expected);

        ring.awaitState(cass.session(), 1, NodeState.DOWN, Duration.ofSeconds(60));
        LoadReport again = aws.loadIntoCassandra(FLOW, cass, KEYSPACE, "contacts");
        assertThat(again.rowsWritten()).as("a re-run with the node down").isEqualTo(expected.size());
        assertThat(again.tableCreated()).isFalse();
        assertThat(TokenRangeCount.exact(cass, KEYSPACE + ".contacts", "id", 8)).as("the same rows, no more")
            .isEqualTo(expected.size());
        assertSpotValues(cass, expected);
      } finally {
        load.exceptionally(e -> null).join();
        ring.node(1).start();
        ring.awaitState(cass.session(), 1, NodeState.UP, Duration.ofSeconds(60));
      }
    }
  }

  /** The first, a middle and the last row of every file, column by column, against the Parquet rows. */
  private static void assertSpotValues(CassandraManager cass, List<Row> expected) {
    for (int part = 0; part < FILES; part++) {
      for (int i : new int[] {part * ROWS_PER_FILE, part * ROWS_PER_FILE + 2_345, (part + 1) * ROWS_PER_FILE - 1}) {
        Row want = expected.get(i);
        var got = cass.execute("SELECT * FROM " + KEYSPACE + ".contacts WHERE id = ?", want.getString("Id")).one();
        assertThat(got).as("row %s", want.getString("Id")).isNotNull();
        Map<String, Object> values = new HashMap<>();
        for (var column : got.getColumnDefinitions()) {
          values.put(column.getName().asInternal(), got.getObject(column.getName()));
        }
        Map<String, Object> wanted = new HashMap<>();
        want.toMap().forEach((k, v) -> wanted.put(k.toLowerCase(), v instanceof byte[] b ? ByteBuffer.wrap(b) : v));
        assertThat(values).as("row %s", want.getString("Id")).isEqualTo(wanted);
      }
    }
  }
}
