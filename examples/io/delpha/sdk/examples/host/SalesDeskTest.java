package io.delpha.sdk.examples.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.aws.AppFlowData;
import io.delpha.sdk.aws.ExecutionStatus;
import io.delpha.sdk.aws.FlowData;
import io.delpha.sdk.aws.FlowExecution;
import io.delpha.sdk.aws.LoadReport;
import io.delpha.sdk.aws.LoadOptions;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.FetchReport;
import io.delpha.sdk.ingest.FileStaging;
import io.delpha.sdk.ingest.UploadEndpoint;
import io.delpha.sdk.totesys.PipelineScheduler;
import io.delpha.sdk.totesys.RunReport;
import io.delpha.sdk.totesys.ScheduledRun;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a host tests its own code against the library's roles: {@link SalesDesk} gets three substitutes, each made from
 * the library's public API alone (no Mockito, no server): an {@link AppFlowData} over Parquet files in a local folder
 * (its {@link FlowData} made by {@link FlowData#open}), a {@link PipelineScheduler} handing out its own {@link
 * ScheduledRun}, and a {@link FileStaging} handing out its own {@link UploadEndpoint}.
 */
@DisplayName("A host's service tested with three of the library's roles substituted")
class SalesDeskTest {

  @TempDir Path lake;

  /** AppFlow's data, as a host's test writes it: one run of two Parquet files in a local store. */
  final class LocalFlows implements AppFlowData {
    final LocalObjectStore store = LocalObjectStore.at(lake);
    final RowSchema schema = RowSchema.of(Column.required("country", ColumnType.STRING),
        Column.required("amount", ColumnType.decimal(12, 2)));

    LocalFlows() {
      ParquetRows.write(store, "opps/run-1/part-0.parquet", schema, List.of(
          Row.of(schema, "FR", new BigDecimal("100.50")), Row.of(schema, "UK", new BigDecimal("20.00"))));
      ParquetRows.write(store, "opps/run-1/part-1.parquet", schema, List.of(
          Row.of(schema, "FR", new BigDecimal("9.50"))));
    }

    @Override
    public String getLastFlowId(String flowName) {
      return "run-1";
    }

    @Override
    public FlowData getFlowParquetData(String flowName, String executionId) {
      FlowExecution run = new FlowExecution(executionId, ExecutionStatus.SUCCESSFUL, Instant.EPOCH, Instant.EPOCH,
          3, 0, 0, null, 0);
      return FlowData.open(store, flowName, run, store.list("opps/" + executionId + "/").sorted().toList());
    }

    @Override
    public LoadReport loadIntoCassandra(String flowName, CqlExecutor cql, String keyspace, String table,
        LoadOptions options) {
      throw new UnsupportedOperationException("not used by SalesDesk");
    }
  }

  /** A scheduler that runs nothing, counting ticks the test triggers. */
  static final class ManualScheduler implements PipelineScheduler {
    final List<Duration> asked = new ArrayList<>();
    final List<ManualRun> handed = new ArrayList<>();

    @Override
    public ScheduledRun schedule(Duration period, ScheduledExecutorService executor) {
      return schedule(period);
    }

    @Override
    public ScheduledRun schedule(Duration period) {
      asked.add(period);
      ManualRun run = new ManualRun();
      handed.add(run);
      return run;
    }
  }

  static final class ManualRun implements ScheduledRun {
    long runs;
    boolean closed;

    @Override
    public long runsCompleted() {
      return runs;
    }

    @Override
    public long ticksSkipped() {
      return 0;
    }

    @Override
    public Optional<RunReport> lastReport() {
      return Optional.empty();
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Uploads nowhere: hands out an endpoint at a fixed address and remembers the options asked for. */
  static final class FixedStaging implements FileStaging {
    final List<ServerOptions> asked = new ArrayList<>();
    final List<Boolean> closed = new ArrayList<>();

    @Override
    public FetchReport fetch(String customerId, String password, Path clientInputDir) {
      return new FetchReport(customerId, List.of(), List.of());
    }

    @Override
    public UploadEndpoint uploadServer(ServerOptions options) {
      asked.add(options);
      int index = closed.size();
      closed.add(false);
      return new UploadEndpoint() {
        @Override
        public URI uri() {
          return URI.create("https://uploads.example.test:" + options.address().getPort() + "/");
        }

        @Override
        public void close() {
          closed.set(index, true);
        }
      };
    }
  }

  @Test
  @DisplayName("revenue summed over every file of the flow's last run, the schedule and endpoint opened and closed")
  void substitutesThreeRoles() {
    LocalFlows flows = new LocalFlows();
    ManualScheduler scheduler = new ManualScheduler();
    FixedStaging staging = new FixedStaging();

    URI uploads;
    Map<String, BigDecimal> revenue;
    try (SalesDesk desk = new SalesDesk(flows, scheduler, staging)) {
      uploads = desk.open(Duration.ofMinutes(30), new InetSocketAddress("127.0.0.1", 8443));
      revenue = desk.revenueByCountry("opps");
      scheduler.handed.get(0).runs = 2;
      assertThat(desk.refreshes()).isEqualTo(2);
    }

    assertThat(revenue).containsExactly(Map.entry("FR", new BigDecimal("110.00")),
        Map.entry("UK", new BigDecimal("20.00")));
    assertThat(uploads).hasToString("https://uploads.example.test:8443/");
    assertThat(scheduler.asked).containsExactly(Duration.ofMinutes(30));
    assertThat(scheduler.handed.get(0).isClosed()).isTrue();
    assertThat(staging.asked).singleElement().satisfies(o -> assertThat(o.address().getPort()).isEqualTo(8443));
    assertThat(staging.closed).containsExactly(true);
  }
}
