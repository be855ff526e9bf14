package io.delpha.sdk.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.sharing.DeltaSharingClientTest.FAST;
import static io.delpha.sdk.sharing.DeltaSharingClientTest.FILE_SCHEMA;
import static io.delpha.sdk.sharing.DeltaSharingClientTest.SCHEMA_STRING;
import static io.delpha.sdk.sharing.DeltaSharingClientTest.TABLE_PATH;
import static io.delpha.sdk.sharing.DeltaSharingClientTest.TOKEN;
import static io.delpha.sdk.sharing.DeltaSharingClientTest.fileRow;
import static io.delpha.sdk.sharing.DeltaSharingClientTest.ndjsonAnswer;
import static io.delpha.sdk.sharing.SharingFixture.endStreamLine;
import static io.delpha.sdk.sharing.SharingFixture.fileLine;
import static io.delpha.sdk.sharing.SharingFixture.map;
import static io.delpha.sdk.sharing.SharingFixture.metadataLine;
import static io.delpha.sdk.sharing.SharingFixture.ndjson;
import static io.delpha.sdk.sharing.SharingFixture.parquet;
import static io.delpha.sdk.sharing.SharingFixture.protocolLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.HostileSchemaTest;
import io.delpha.sdk.parquet.RowReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared table read by the download workers, when a worker's file ends in a failure no worker expected: a data
 * file whose schema nests 5,000 groups (a StackOverflowError in the worker before the schema depth was bounded: the
 * worker died, and {@code next()} waited forever), and an {@link Error} thrown in a worker (the host's clock, which
 * the workers consult for URL expiry, throwing {@link StackOverflowError}). Each ends the read with a typed
 * exception on the consumer's thread and leaves no download thread behind. The reads run on a separate thread so
 * that a hang fails the test (a generous safety net, never a timing assertion).
 */
class SharingWorkerFailureTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String TABLE = "analytics.platform.usage";

  @TempDir
  Path dir;

  /** Serves the table's answer: two good files and {@code hostile} between them, each URL expiring in an hour. */
  private void serve(byte[] hostile) {
    byte[] good = parquet(dir, FILE_SCHEMA, List.of(fileRow("acme", 1, 10, "1.50"), fileRow("globex", 2, 11, "2.25")));
    byte[][] files = {good, hostile, good};
    List<String> lines = new ArrayList<>(List.of(protocolLine(), metadataLine(SCHEMA_STRING, List.of("usage_date"))));
    long expiry = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
    for (int i = 0; i < files.length; i++) {
      String path = "/storage/usage/part-" + i + ".parquet";
      wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "application/octet-stream").withBody(files[i])));
      lines.add(fileLine("file", wm.baseUrl() + path + "?X-Amz-Signature=abc", "file-" + i,
          map("usage_date", "2024-01-0" + (i + 1)), files[i].length, expiry, null, null, 2L));
    }
    lines.add(endStreamLine(null, null));
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(ndjsonAnswer(lines)));
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/metadata")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/x-ndjson; charset=utf-8").withHeader("Delta-Table-Version", "7")
        .withBody(ndjson(List.of(protocolLine(), metadataLine(SCHEMA_STRING, List.of("usage_date")))))));
  }

  private DeltaSharingClient client(Clock clock) {
    return DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/delta-sharing/").bearerToken(Secret.of(TOKEN))
        .retryPolicy(FAST).downloadParallelism(2).clock(clock).build();
  }

  /** Reads every batch, on another thread: a read that never ends fails here rather than hanging the suite. */
  private static Throwable readBatchesFailure(DeltaSharingClient client) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try (ColumnBatchReader reader = client.readTableBatches(TABLE)) {
        for (ColumnBatch b = reader.next(); b != null; b = reader.next()) {
          assertThat(b.rowCount()).isPositive();
        }
        return (Throwable) null;
      } catch (RuntimeException | Error e) {
        return e;
      }
    }).get(60, TimeUnit.SECONDS);
  }

  private static Throwable readRowsFailure(DeltaSharingClient client) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try (RowReader reader = client.readTable(TABLE)) {
        while (reader.hasNext()) {
          assertThat(reader.next().schema().size()).isPositive();
        }
        return (Throwable) null;
      } catch (RuntimeException | Error e) {
        return e;
      }
    }).get(60, TimeUnit.SECONDS);
  }

  /** Waits (safety net: a minute) until no download worker thread is alive, and says whether none is. */
  private static boolean noDownloadThreadLeft() throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      if (Thread.getAllStackTraces().keySet().stream()
          .noneMatch(t -> t.isAlive() && t.getName().startsWith("delta-sharing-download-"))) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  @Test
  @DisplayName("a shared data file whose schema nests 5,000 groups fails next() and hasNext() with a "
      + "DataFormatException naming the file and the limit; no download thread is left")
  void deepSchemaInAShare() throws Exception {
    serve(HostileSchemaTest.deepSchemaFile(5_000));
    try (DeltaSharingClient client = client(Clock.systemUTC())) {
      assertThat(readBatchesFailure(client)).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("file-1").hasMessageContaining("at most " + HostileSchemaTest.LIMIT + " levels");
      assertThat(readRowsFailure(client)).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("file-1").hasMessageContaining("at most " + HostileSchemaTest.LIMIT + " levels");
    }
    assertThat(noDownloadThreadLeft()).isTrue();
  }

  @Test
  @DisplayName("a schema at the limit served in a share still reads")
  void schemaAtTheLimitInAShare() throws Exception {
    serve(HostileSchemaTest.deepSchemaFile(HostileSchemaTest.LIMIT));
    try (DeltaSharingClient client = client(Clock.systemUTC())) {
      // its one column is none of the table's: read past the footer and the schema, it is refused for what it
      // lacks (the table's required columns), not for its depth
      assertThat(readBatchesFailure(client)).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("file-1 has no column org").hasMessageNotContaining("levels");
    }
  }

  @Test
  @DisplayName("an Error thrown in a download worker (the host's clock overflowing its stack) fails next() and "
      + "hasNext() with a DelphaException whose cause is that Error; no download thread is left")
  void errorInAWorker() throws Exception {
    serve(parquet(dir, FILE_SCHEMA, List.of(fileRow("initech", 3, 12, "3.00"))));
    Clock hostile = new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        if (Thread.currentThread().getName().startsWith("delta-sharing-download-")) {
          throw new StackOverflowError();
        }
        return Instant.now();
      }
    };
    try (DeltaSharingClient client = client(hostile)) {
      Throwable batches = readBatchesFailure(client);
      assertThat(batches).isInstanceOf(DelphaException.class).hasCauseInstanceOf(StackOverflowError.class)
          .hasMessageContaining(TABLE).hasMessageContaining("StackOverflowError");
      Throwable rows = readRowsFailure(client);
      assertThat(rows).isInstanceOf(DelphaException.class).hasCauseInstanceOf(StackOverflowError.class);
    }
    assertThat(noDownloadThreadLeft()).isTrue();
  }
}
