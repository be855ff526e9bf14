package io.delpha.sdk.aws.internal;

import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.aws.AppFlowData;
import io.delpha.sdk.aws.FlowData;
import io.delpha.sdk.aws.FlowDestination;
import io.delpha.sdk.aws.FlowExecution;
import io.delpha.sdk.aws.LoadOptions;
import io.delpha.sdk.aws.LoadReport;
import io.delpha.sdk.aws.NoFlowDataException;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.parquet.ParquetRows;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.Abortable;

/**
 * {@code AWSManager}'s {@link AppFlowData}: which run of a flow landed data (the newest successful one, checked
 * against the run folders in the destination bucket), its Parquet files as typed rows, and those rows loaded into
 * Cassandra ({@link CassandraLoader}). Thread-safe.
 */
public final class FlowLanding implements AppFlowData {

  /** Logged under the manager's name, as before the manager was split into roles. */
  private static final Logger log = LoggerFactory.getLogger(FlowLanding.class);

  private final FlowDestinations destinations;
  private final ExecutionRecords records;
  private final Function<String, ObjectStore> buckets;
  private final Recorder metrics;

  /**
   * @param destinations where a flow's runs land
   * @param records the flows' execution records
   * @param buckets a store over the named bucket, which reads the runs' files; closing it leaves the S3 client open
   * @param metrics where rows loaded into Cassandra are counted
   */
  public FlowLanding(FlowDestinations destinations, ExecutionRecords records, Function<String, ObjectStore> buckets,
      Recorder metrics) {
    this.destinations = destinations;
    this.records = records;
    this.buckets = buckets;
    this.metrics = metrics;
  }

  @Override
  public String getLastFlowId(String flowName) {
    AppFlowCalls.requireFlowName(flowName);
    FlowDestination destination = destinations.landingDestination(flowName);
    try (ObjectStore store = store(destination)) {
      return newestLanded(flowName, destination, store).executionId();
    }
  }

  /** Reads the newest successful run's files directly, rather than through {@link #getLastFlowId(String)}. */
  @Override
  public FlowData getFlowParquetData(String flowName) {
    AppFlowCalls.requireFlowName(flowName);
    FlowDestination destination = destinations.landingDestination(flowName);
    ObjectStore store = store(destination);
    FlowExecution run = newestLanded(flowName, destination, store);
    return open(flowName, destination, store, run);
  }

  @Override
  public FlowData getFlowParquetData(String flowName, String executionId) {
    AppFlowCalls.requireFlowName(flowName);
    Objects.requireNonNull(executionId, "executionId");
    FlowDestination destination = destinations.landingDestination(flowName);
    FlowExecution run = records.executions(flowName, e -> e.executionId().equals(executionId)).stream()
        .filter(e -> e.executionId().equals(executionId)).findFirst()
        .orElseThrow(() -> new NotFoundException("flow '" + flowName + "' has no run " + executionId));
    if (!run.isSuccessful()) {
      throw new NoFlowDataException("flow '" + flowName + "' run " + executionId + " is " + run.status()
          + run.error().map(m -> " (" + m + ")").orElse("") + "; only successful runs are read", flowName, executionId);
    }
    return open(flowName, destination, store(destination), run);
  }

  @Override
  public LoadReport loadIntoCassandra(String flowName, CqlExecutor cql, String keyspace, String table,
      LoadOptions options) {
    CassandraLoader loader = new CassandraLoader(cql, new DictionaryManager(cql), keyspace, table, options);
    LoadReport report;
    try (FlowData data = getFlowParquetData(flowName)) {
      report = loader.load(data);
    }
    metrics.count(Meter.CLIENT_RECORDS, report.rowsWritten(), "service", "appflow", "operation", "load_into_cassandra");
    return report;
  }

  private FlowData open(String flowName, FlowDestination destination, ObjectStore store, FlowExecution run) {
    String folder = destination.executionFolder(flowName, run.executionId());
    List<String> files;
    try (var keys = store.list(folder)) {
      files = keys.filter(k -> !k.endsWith("/")).collect(Collectors.toList());
    }
    if (files.isEmpty()) {
      throw new NoFlowDataException("flow '" + flowName + "' run " + run.executionId() + " has no files under s3://"
          + destination.bucket() + "/" + folder, flowName, run.executionId());
    }
    for (String key : files) {
      requireParquet(store, key, flowName, destination);
    }
    log.info("reading flow {} run {}: {} files under s3://{}/{}", flowName, run.executionId(), files.size(),
        destination.bucket(), folder);
    return FlowData.open(store, flowName, run, files);
  }

  /** Reads the first 4 bytes only, then aborts the download. */
  private static void requireParquet(ObjectStore store, String key, String flowName, FlowDestination destination) {
    boolean parquet;
    try (InputStream in = store.get(key)) {
      parquet = ParquetRows.startsWithMagic(in);
      if (in instanceof Abortable download) {
        download.abort();
      }
    } catch (IOException e) {
      throw new ServiceUnavailableException("cannot read the start of " + store.describe() + "/" + key + ": "
          + e.getMessage(), e);
    }
    if (!parquet) {
      throw new DataFormatException(store.describe() + "/" + key + " in the run folder of flow '" + flowName
          + "' is not a Parquet file (no PAR1 magic bytes)"
          + ("PARQUET".equals(destination.fileType()) ? "" : "; the flow is configured to write "
          + destination.fileType() + ": see ensureSparkFormat and convertToParquet"));
    }
  }

  /**
   * The newest successful run, checked against the run folders in the bucket.
   */
  private FlowExecution newestLanded(String flowName, FlowDestination destination, ObjectStore store) {
    List<FlowExecution> all = records.executions(flowName, e -> false);
    List<FlowExecution> successful = all.stream().filter(FlowExecution::isSuccessful)
        .sorted(Comparator.comparing(FlowExecution::startedAt, Comparator.nullsLast(Comparator.reverseOrder())))
        .collect(Collectors.toList());
    String flowFolder = destination.flowFolder(flowName);
    if (successful.isEmpty()) {
      throw new NoFlowDataException("flow '" + flowName + "' has no successful run among its " + all.size()
          + " execution records" + all.stream().findFirst().map(e -> " (one is " + e.executionId() + ", "
          + e.status() + e.error().map(m -> ": " + m).orElse("") + ")").orElse(""), flowName, null);
    }
    Set<String> folders = new HashSet<>();
    for (String f : store.listFolders(flowFolder)) {
      folders.add(f.substring(flowFolder.length(), f.length() - 1));
    }
    FlowExecution newest = successful.get(0);
    if (folders.contains(newest.executionId())) {
      return newest;
    }
    Optional<FlowExecution> withData = successful.stream().filter(e -> folders.contains(e.executionId())).findFirst();
    String why = newest.recordsProcessed() == 0
        ? "it processed no records, so AppFlow wrote no files"
        : "it reports " + newest.recordsProcessed() + " records but its folder is missing (deleted, moved "
            + "by a lifecycle rule, or the flow's destination changed since)";
    throw new NoFlowDataException("the newest successful run of flow '" + flowName + "', " + newest.executionId()
        + " (started " + newest.startedAt() + "), has no data under s3://" + destination.bucket() + "/"
        + flowFolder + newest.executionId() + "/: " + why
        + withData.map(e -> "; the newest run with data is " + e.executionId() + " (started " + e.startedAt()
            + "): read it with getFlowParquetData(\"" + flowName + "\", \"" + e.executionId() + "\")")
            .orElse("; no successful run has data"), flowName, newest.executionId());
  }

  private ObjectStore store(FlowDestination destination) {
    return buckets.apply(destination.bucket());
  }
}
