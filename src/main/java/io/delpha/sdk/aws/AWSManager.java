package io.delpha.sdk.aws;

import io.delpha.sdk.aws.internal.AppFlowErrors;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.Pause;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.aws.internal.AwsClients;
import io.delpha.sdk.aws.internal.CassandraLoader;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.aws.AwsClientBuilder;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.aws.AwsClientSettings;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.aws.internal.AwsErrors;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.aws.S3ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.Abortable;
import software.amazon.awssdk.services.appflow.AppflowClient;
import software.amazon.awssdk.services.appflow.model.DescribeFlowExecutionRecordsResponse;
import software.amazon.awssdk.services.appflow.model.DescribeFlowResponse;
import software.amazon.awssdk.services.appflow.model.DestinationConnectorProperties;
import software.amazon.awssdk.services.appflow.model.DestinationFlowConfig;
import software.amazon.awssdk.services.appflow.model.ExecutionRecord;
import software.amazon.awssdk.services.appflow.model.ExecutionResult;
import software.amazon.awssdk.services.appflow.model.FileType;
import software.amazon.awssdk.services.appflow.model.PrefixConfig;
import software.amazon.awssdk.services.appflow.model.S3DestinationProperties;
import software.amazon.awssdk.services.appflow.model.S3OutputFormatConfig;
import software.amazon.awssdk.services.appflow.model.StartFlowResponse;
import software.amazon.awssdk.services.appflow.model.UpdateFlowResponse;
import software.amazon.awssdk.services.s3.S3Client;
import java.util.function.Consumer;

/**
 * Amazon AppFlow flows that land Salesforce objects in S3 as Parquet, read back as typed rows and
 * loaded into Cassandra.
 *
 * <pre>{@code
 * try (AWSManager aws = AWSManager.builder()
 *     .credentials(accessKeyId, secretAccessKey)   // optional: default AWS credentials chain
 *     .region("eu-west-1")
 *     .flowType(FlowType.CONTACT)
 *     .build()) {
 *   aws.ensureSparkFormat("contact-flow");                        // FlowFormatException if not Parquet
 *   FlowRun run = aws.startFlow("contact-flow");
 *   FlowExecution done = aws.awaitCompletion(run, Duration.ofMinutes(30));
 *   try (FlowData rows = aws.getFlowParquetData("contact-flow")) { rows.stream().forEach(...); }
 *   LoadReport report = aws.loadIntoCassandra("contact-flow", cass, "crm", "contacts",
 *       LoadOptions.builder().createTable(true).build());
 * }
 * }</pre>
 *
 * <p><b>Which run's data.</b> The data of a flow is that of its newest <em>successful</em> run by start
 * time, looked up in DescribeFlowExecutionRecords (every page) and cross-checked against the run
 * folders under the flow's destination {@code bucket/prefix/flowName/}: failed, cancelled and running
 * runs are never read, even when they left files; a successful run without a folder is a {@link
 * NoFlowDataException} saying why. Files are recognised as Parquet by their {@code PAR1} magic bytes
 * (AppFlow writes names without an extension); any other object in the run's folder is a {@link
 * DataFormatException} naming it, raised before the first row is returned.
 *
 * <p><b>Errors</b> name the flow and carry AWS's request id, never a credential: an unknown flow is
 * {@link NotFoundException}; an invalid request {@link InvalidInputException}; a flow already running
 * {@link io.delpha.sdk.core.ConflictException}; throttling that outlasts the SDK's retries (see {@link
 * Builder#retryPolicy(RetryPolicy)}) and exhausted service quotas {@link
 * io.delpha.sdk.core.RateLimitedException}; a missing permission {@link
 * io.delpha.sdk.core.AccessDeniedException}; rejected AWS keys {@link
 * io.delpha.sdk.core.AuthenticationException}; an unreachable AppFlow or S3 {@link
 * ServiceUnavailableException}.
 *
 * <p>A manager is thread-safe; close it to release the clients it built (clients given to the builder
 * stay open).
 */
public final class AWSManager implements AppFlowRuns, AppFlowDestinations, AppFlowData, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AWSManager.class);
  private static final int STARTED_RUNS_REMEMBERED = 1024;

  private final AppflowClient appflow;
  private final S3Client s3;
  private final AwsClients.Owned<AppflowClient> ownedAppflow;
  private final AwsClients.Owned<S3Client> ownedS3;
  private final AWSConfig config;
  private final FlowType flowType;
  private final Retrier polls;
  private final int recordsPageSize;
  private final Recorder metrics;
  private final ClosedGuard guard = new ClosedGuard("this AWSManager");
  private final Map<String, String> flowOfStartedRun = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > STARTED_RUNS_REMEMBERED;
        }
      });

  private AWSManager(AWSConfig config, AwsClients.Owned<AppflowClient> appflow, AwsClients.Owned<S3Client> s3,
      Retrier polls, Recorder metrics) {
    this.config = config;
    this.metrics = metrics;
    this.appflow = appflow.client();
    this.s3 = s3.client();
    this.ownedAppflow = appflow;
    this.ownedS3 = s3;
    this.flowType = config.flowType();
    this.polls = polls;
    this.recordsPageSize = config.recordsPageSize();
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    Capability.require("AWSManager", Capability.AWS_APPFLOW, Capability.AWS_S3, Capability.PARQUET);
    return new Builder();
  }

  /**
   * @return the settings this manager was built with
   */
  public AWSConfig config() {
    return config;
  }

  /**
   * A builder for another manager with this one's settings ({@code config().toBuilder()}; the clients, clock and
   * sleeper given to this one's builder are not settings and are not carried over), so {@code
   * toBuilder().build().config()} equals {@link #config()}. Works on a closed manager too.
   *
   * @return a new builder holding {@link #config()}
   */
  public Builder toBuilder() {
    return config.toBuilder();
  }

  /**
   * @return the flow type this manager was built for
   */
  public FlowType flowType() {
    guard.check();
    return flowType;
  }

  // ---------------------------------------------------------------------------------------------- runs

  /**
   * Starts the flow type's default flow ({@link FlowType#defaultFlowName()}).
   *
   * @return see {@link #startFlow(String)}
   */
  public FlowRun startFlow() {
    guard.check();
    return startFlow(flowType.defaultFlowName());
  }

  /**
   * Starts an on-demand run of a flow (AppFlow StartFlow) and reads the flow's newest execution record.
   *
   * @param flowName the flow
   * @return the flow's status, the new run's id and the newest execution record
   * @throws io.delpha.sdk.core.ConflictException if the flow is already running
   * @throws NotFoundException if there is no such flow
   */
  @Override
  public FlowRun startFlow(String flowName) {
    guard.check();
    requireFlowName(flowName);
    StartFlowResponse started = call("start", "start_flow", flowName, () -> appflow.startFlow(b -> b.flowName(flowName)));
    if (started.executionId() != null) {
      flowOfStartedRun.put(started.executionId(), flowName);
    }
    log.info("started flow {} (run {}, flow status {})", flowName, started.executionId(), started.flowStatusAsString());
    FlowExecution newest = executions(flowName, e -> false).stream()
        .max(Comparator.comparing(FlowExecution::startedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
        .orElse(null);
    return new FlowRun(flowName, started.flowArn(), FlowStatus.fromWire(started.flowStatusAsString()),
        started.executionId(), newest);
  }

  /**
   * Every execution record of a flow, newest start first (DescribeFlowExecutionRecords, every page).
   *
   * @param flowName the flow
   * @return the records
   */
  @Override
  public List<FlowExecution> executions(String flowName) {
    guard.check();
    requireFlowName(flowName);
    List<FlowExecution> all = executions(flowName, e -> false);
    all.sort(Comparator.comparing(FlowExecution::startedAt, Comparator.nullsLast(Comparator.reverseOrder())));
    return all;
  }

  /** Pages through the records until {@code stop} matches one (which is included) or none are left. */
  private List<FlowExecution> executions(String flowName, Predicate<FlowExecution> stop) {
    List<FlowExecution> found = new ArrayList<>();
    String token = null;
    do {
      String pageToken = token;
      DescribeFlowExecutionRecordsResponse page = call("list the runs of", "describe_flow_execution_records", flowName,
          () -> appflow.describeFlowExecutionRecords(b -> b.flowName(flowName).maxResults(recordsPageSize)
              .nextToken(pageToken)));
      for (ExecutionRecord r : page.flowExecutions()) {
        FlowExecution e = toExecution(r);
        found.add(e);
        if (stop.test(e)) {
          return found;
        }
      }
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    return found;
  }

  private static FlowExecution toExecution(ExecutionRecord r) {
    ExecutionResult result = r.executionResult();
    long records = 0;
    long bytesProcessed = 0;
    long bytesWritten = 0;
    String error = null;
    long putFailures = 0;
    if (result != null) {
      records = result.recordsProcessed() == null ? 0 : result.recordsProcessed();
      bytesProcessed = result.bytesProcessed() == null ? 0 : result.bytesProcessed();
      bytesWritten = result.bytesWritten() == null ? 0 : result.bytesWritten();
      if (result.errorInfo() != null) {
        error = result.errorInfo().executionMessage();
        putFailures = result.errorInfo().putFailuresCount() == null ? 0 : result.errorInfo().putFailuresCount();
      }
    }
    return new FlowExecution(r.executionId(), ExecutionStatus.fromWire(r.executionStatusAsString()),
        r.startedAt(), r.lastUpdatedAt(), records, bytesProcessed, bytesWritten, error, putFailures);
  }

  /**
   * Waits for a run this manager started.
   *
   * @param run what {@link #startFlow(String)} returned
   * @param timeout how long to wait at most
   * @return see {@link #awaitCompletion(String, String, Duration)}
   */
  @Override
  public FlowExecution awaitCompletion(FlowRun run, Duration timeout) {
    guard.check();
    if (run.executionId() == null) {
      throw new InvalidInputException("flow '" + run.flowName() + "' returned no run id to wait for "
          + "(event-triggered flows start their own runs)");
    }
    return awaitCompletion(run.flowName(), run.executionId(), timeout);
  }

  /**
   * Waits for a run this manager started, by id.
   *
   * @param executionId a run id {@link #startFlow(String)} returned
   * @param timeout how long to wait at most
   * @return see {@link #awaitCompletion(String, String, Duration)}
   * @throws InvalidInputException if this manager did not start that run: use {@link
   *     #awaitCompletion(String, String, Duration)} with the flow's name
   */
  public FlowExecution awaitCompletion(String executionId, Duration timeout) {
    guard.check();
    Objects.requireNonNull(executionId, "executionId");
    String flowName = flowOfStartedRun.get(executionId);
    if (flowName == null) {
      throw new InvalidInputException("run " + executionId + " was not started by this manager, so its flow is "
          + "unknown: call awaitCompletion(flowName, executionId, timeout)");
    }
    return awaitCompletion(flowName, executionId, timeout);
  }

  /**
   * Polls a run's execution record, with growing pauses ({@link Builder#pollBackoff(RetryPolicy)}),
   * until it is final (successful, failed or cancelled). A failed run is returned, not thrown: look at
   * {@link FlowExecution#status()} and {@link FlowExecution#errorMessage()}.
   *
   * @param flowName the flow
   * @param executionId the run
   * @param timeout how long to wait at most
   * @return the run's final record: records processed, bytes written, error info
   * @throws FlowTimeoutException if the run is not final when the time is up
   */
  @Override
  public FlowExecution awaitCompletion(String flowName, String executionId, Duration timeout) {
    guard.check();
    requireFlowName(flowName);
    Objects.requireNonNull(executionId, "executionId");
    if (timeout == null || timeout.isNegative()) {
      throw new InvalidInputException("timeout must be zero or positive, was " + timeout);
    }
    java.util.concurrent.atomic.AtomicReference<FlowExecution> lastSeen = new java.util.concurrent.atomic.AtomicReference<>();
    String what = "flow '" + flowName + "' run " + executionId;
    return polls.poll(what, timeout, () -> {
      Optional<FlowExecution> record = executions(flowName, e -> e.executionId().equals(executionId)).stream()
          .filter(e -> e.executionId().equals(executionId)).findFirst();
      record.ifPresent(lastSeen::set);
      return record.filter(FlowExecution::isFinal).map(done -> {
        log.info("flow {} run {} finished: {} ({} records, {} bytes written)", flowName, executionId,
            done.status(), done.recordsProcessed(), done.bytesWritten());
        return done;
      });
    }, () -> new FlowTimeoutException(what + " did not finish within " + timeout + "; last status: "
        + (lastSeen.get() == null ? "not listed by AppFlow yet" : lastSeen.get().status())
        + ". The run goes on at AWS: wait again later", lastSeen.get()));
  }

  // ------------------------------------------------------------------------------------ configuration

  /**
   * The flow's S3 destination as configured (DescribeFlow).
   *
   * @param flowName the flow
   * @return bucket, prefix and file type
   * @throws InvalidInputException if the flow has no S3 destination
   */
  @Override
  public FlowDestination destination(String flowName) {
    guard.check();
    requireFlowName(flowName);
    return destinationOf(flowName, describe(flowName));
  }

  private DescribeFlowResponse describe(String flowName) {
    DescribeFlowResponse flow = call("describe", "describe_flow", flowName, () -> appflow.describeFlow(b -> b.flowName(flowName)));
    String object = flow.sourceFlowConfig() == null || flow.sourceFlowConfig().sourceConnectorProperties() == null
        || flow.sourceFlowConfig().sourceConnectorProperties().salesforce() == null
        ? null : flow.sourceFlowConfig().sourceConnectorProperties().salesforce().object();
    if (object != null && !object.equalsIgnoreCase(flowType.salesforceObject())) {
      log.warn("flow {} reads Salesforce {} but this manager is for {} ({})", flowName, object,
          flowType.salesforceObject(), flowType);
    }
    return flow;
  }

  /** The destination of a flow whose runs land in one folder each, named after the run. */
  private FlowDestination landingDestination(String flowName) {
    DescribeFlowResponse flow = describe(flowName);
    S3OutputFormatConfig format = s3Config(flowName, flow).destinationConnectorProperties().s3().s3OutputFormatConfig();
    PrefixConfig prefix = format == null ? null : format.prefixConfig();
    if (prefix != null && (prefix.prefixFormat() != null
        || prefix.hasPathPrefixHierarchy() && !prefix.pathPrefixHierarchyAsStrings().isEmpty()
        && !prefix.pathPrefixHierarchyAsStrings().equals(List.of("EXECUTION_ID")))) {
      throw new InvalidInputException("flow '" + flowName + "' writes its runs under date or schema-version "
          + "folders (prefixConfig " + prefix.prefixTypeAsString() + " " + prefix.prefixFormatAsString() + " "
          + prefix.pathPrefixHierarchyAsStrings() + "); this library reads flows whose runs land in "
          + "bucket/prefix/flowName/executionId/");
    }
    return destinationOf(flowName, flow);
  }

  private static DestinationFlowConfig s3Config(String flowName, DescribeFlowResponse flow) {
    return flow.destinationFlowConfigList().stream()
        .filter(d -> d.destinationConnectorProperties() != null && d.destinationConnectorProperties().s3() != null)
        .findFirst()
        .orElseThrow(() -> new InvalidInputException("flow '" + flowName + "' has no Amazon S3 destination "
            + "(destinations: " + flow.destinationFlowConfigList().stream().map(DestinationFlowConfig::connectorTypeAsString)
            .collect(Collectors.toList()) + ")"));
  }

  private static FlowDestination destinationOf(String flowName, DescribeFlowResponse flow) {
    S3DestinationProperties s3 = s3Config(flowName, flow).destinationConnectorProperties().s3();
    S3OutputFormatConfig format = s3.s3OutputFormatConfig();
    String fileType = format == null || format.fileTypeAsString() == null ? "JSON" : format.fileTypeAsString();
    boolean typed = format != null && Boolean.TRUE.equals(format.preserveSourceDataTyping());
    return new FlowDestination(s3.bucketName(), s3.bucketPrefix(), fileType, typed);
  }

  /**
   * Checks that the flow writes Parquet with the source types kept, what Spark and {@link
   * #getFlowParquetData(String)} need.
   *
   * @param flowName the flow
   * @return the flow's S3 destination
   * @throws FlowFormatException if the flow writes CSV or JSON, or Parquet with every value as a string;
   *     {@link #convertToParquet(String)} fixes it
   */
  @Override
  public FlowDestination ensureSparkFormat(String flowName) {
    guard.check();
    FlowDestination destination = destination(flowName);
    if (!destination.isSparkReady()) {
      String what = "PARQUET".equals(destination.fileType())
          ? "Parquet with preserveSourceDataTyping off, so every column is a string"
          : destination.fileType() + ", not Parquet";
      throw new FlowFormatException("flow '" + flowName + "' writes " + what + " to " + destination.describe()
          + "; call convertToParquet(\"" + flowName + "\") to update the flow to PARQUET with "
          + "preserveSourceDataTyping (UpdateFlow), then run it again", flowName, destination);
    }
    return destination;
  }

  /**
   * Updates the flow (AppFlow UpdateFlow) to write Parquet with the source types kept, keeping the rest
   * of its definition (trigger, source, tasks, other destinations) as DescribeFlow reports it. Does
   * nothing if the flow already does. Runs already written are not converted.
   *
   * @param flowName the flow
   * @return the updated destination
   */
  @Override
  public FlowDestination convertToParquet(String flowName) {
    guard.check();
    requireFlowName(flowName);
    DescribeFlowResponse flow = describe(flowName);
    FlowDestination before = destinationOf(flowName, flow);
    if (before.isSparkReady()) {
      return before;
    }
    DestinationFlowConfig target = s3Config(flowName, flow);
    S3DestinationProperties s3 = target.destinationConnectorProperties().s3();
    S3OutputFormatConfig oldFormat = s3.s3OutputFormatConfig() == null
        ? S3OutputFormatConfig.builder().build() : s3.s3OutputFormatConfig();
    S3OutputFormatConfig parquet = oldFormat.toBuilder().fileType(FileType.PARQUET).preserveSourceDataTyping(true).build();
    DestinationConnectorProperties props = target.destinationConnectorProperties().toBuilder()
        .s3(s3.toBuilder().s3OutputFormatConfig(parquet).build()).build();
    List<DestinationFlowConfig> destinations = flow.destinationFlowConfigList().stream()
        .map(d -> d == target ? d.toBuilder().destinationConnectorProperties(props).build() : d)
        .collect(Collectors.toList());
    UpdateFlowResponse updated = call("update", "update_flow", flowName, () -> appflow.updateFlow(b -> b.flowName(flowName)
        .description(flow.description())
        .triggerConfig(flow.triggerConfig())
        .sourceFlowConfig(flow.sourceFlowConfig())
        .destinationFlowConfigList(destinations)
        .tasks(flow.tasks())
        .metadataCatalogConfig(flow.metadataCatalogConfig())));
    log.info("flow {} now writes PARQUET with source types to {} (was {}; flow status {})", flowName,
        before.describe(), before.fileType(), updated.flowStatusAsString());
    return new FlowDestination(before.bucket(), before.prefix(), "PARQUET", true);
  }

  // -------------------------------------------------------------------------------------------- data

  /**
   * @return the id of the default flow's newest successful run with data; see {@link #getLastFlowId(String)}
   */
  public String getLastFlowId() {
    guard.check();
    return getLastFlowId(flowType.defaultFlowName());
  }

  /**
   * The newest successful run of a flow, by start time, whose folder is in the destination bucket.
   *
   * @param flowName the flow
   * @return the run's id, which is also its folder's name
   * @throws NoFlowDataException if the flow never succeeded, or its newest successful run wrote no data
   *     (the message says which run and why, and names the newest run that has data)
   */
  @Override
  public String getLastFlowId(String flowName) {
    guard.check();
    requireFlowName(flowName);
    FlowDestination destination = landingDestination(flowName);
    try (ObjectStore store = store(destination)) {
      return newestLanded(flowName, destination, store).executionId();
    }
  }

  /**
   * @return the default flow's data; see {@link #getFlowParquetData(String)}
   */
  public FlowData getFlowParquetData() {
    guard.check();
    return getFlowParquetData(flowType.defaultFlowName());
  }

  /**
   * The records of the flow's newest successful run (see {@link #getLastFlowId(String)}) as typed rows,
   * streamed file by file.
   *
   * @param flowName the flow
   * @return the rows; close them
   * @throws NoFlowDataException if there is no successful run with data
   * @throws DataFormatException naming the object, if the run's folder holds an object that is not
   *     Parquet or a file whose schema differs from the first
   */
  @Override
  public FlowData getFlowParquetData(String flowName) {
    guard.check();
    requireFlowName(flowName);
    FlowDestination destination = landingDestination(flowName);
    ObjectStore store = store(destination);
    FlowExecution run = newestLanded(flowName, destination, store);
    return open(flowName, destination, store, run);
  }

  /**
   * The records of one given run of a flow, which must have succeeded.
   *
   * @param flowName the flow
   * @param executionId the run
   * @return the rows; close them
   * @throws NotFoundException if the flow has no such run
   * @throws NoFlowDataException if the run did not succeed or has no files
   */
  @Override
  public FlowData getFlowParquetData(String flowName, String executionId) {
    guard.check();
    requireFlowName(flowName);
    Objects.requireNonNull(executionId, "executionId");
    FlowDestination destination = landingDestination(flowName);
    FlowExecution run = executions(flowName, e -> e.executionId().equals(executionId)).stream()
        .filter(e -> e.executionId().equals(executionId)).findFirst()
        .orElseThrow(() -> new NotFoundException("flow '" + flowName + "' has no run " + executionId));
    if (!run.isSuccessful()) {
      throw new NoFlowDataException("flow '" + flowName + "' run " + executionId + " is " + run.status()
          + run.error().map(m -> " (" + m + ")").orElse("") + "; only successful runs are read", flowName, executionId);
    }
    return open(flowName, destination, store(destination), run);
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
    List<FlowExecution> all = executions(flowName, e -> false);
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
    return S3ObjectStore.builder().bucket(destination.bucket()).client(s3).build();
  }

  // --------------------------------------------------------------------------------------- Cassandra

  /**
   * Loads the flow's newest successful run into an existing table with default options.
   *
   * @param flowName the flow
   * @param cql the cluster, e.g. a {@link io.delpha.sdk.cassandra.CassandraManager}
   * @param keyspace the keyspace
   * @param table the table
   * @return counts
   */
  @Override
  public LoadReport loadIntoCassandra(String flowName, CqlExecutor cql, String keyspace, String table) {
    guard.check();
    return loadIntoCassandra(flowName, cql, keyspace, table, LoadOptions.defaults());
  }

  /**
   * Upserts every record of the flow's newest successful run into a Cassandra table, creating the table
   * from the Parquet schema if asked. Inserts run asynchronously, at most {@link
   * LoadOptions#maxInFlight()} at once, at the session's consistency level. Upserts are idempotent: re-running a
   * load that failed half-way gives the same table as one clean run. They are marked so (unless the data has a
   * list column), so the driver sends an insert whose node died mid-request to another coordinator and the load
   * goes on while a replica is down. Column names are the Parquet names in lower case.
   *
   * @param flowName the flow
   * @param cql the cluster, e.g. a {@link io.delpha.sdk.cassandra.CassandraManager}
   * @param keyspace the keyspace
   * @param table the table
   * @param options table creation, key, concurrency, progress
   * @return counts
   * @throws InvalidInputException if an existing table does not fit the data (checked before any write)
   * @throws NotFoundException if the table does not exist and {@link LoadOptions#createTable()} is off
   */
  @Override
  public LoadReport loadIntoCassandra(String flowName, CqlExecutor cql, String keyspace, String table,
      LoadOptions options) {
    guard.check();
    CassandraLoader loader = new CassandraLoader(cql, keyspace, table, options);
    LoadReport report;
    try (FlowData data = getFlowParquetData(flowName)) {
      report = loader.load(data);
    }
    metrics.count(Meter.CLIENT_RECORDS, report.rowsWritten(), "service", "appflow", "operation", "load_into_cassandra");
    return report;
  }

  // ------------------------------------------------------------------------------------------ common

  private static void requireFlowName(String flowName) {
    if (flowName == null || flowName.isBlank() || flowName.length() > 256) {
      throw new InvalidInputException("a flow name must be 1 to 256 characters, was '" + flowName + "'");
    }
  }

  /** One AppFlow API call, its SDK errors mapped to the library's and timed as {@code operation}. */
  private <T> T call(String action, String operation, String flowName, Supplier<T> request) {
    return metrics.call("appflow", operation, () -> {
      try {
        return request.get();
      } catch (RuntimeException e) {
        throw AwsErrors.isSdk(e) ? AppFlowErrors.map((SdkException) e, action, flowName) : e;
      }
    });
  }

  /**
   * Closes the AppFlow and S3 clients this manager built (clients given to the builder stay open). Idempotent;
   * afterwards every method but {@link #config()} and {@link #toBuilder()} throws {@link ClosedException}.
   */
  @Override
  public void close() {
    if (!guard.close()) {
      return;
    }
    try {
      ownedAppflow.close();
    } finally {
      ownedS3.close();
    }
  }

  @Override
  public String toString() {
    return "AWSManager[" + flowType + ", region " + (config.aws().region() == null ? "from the default chain"
        : config.aws().region()) + "]";
  }

  /** Builds an {@link AWSManager}. Not thread-safe. */
  public static final class Builder implements AwsClientBuilder<Builder> {
    private AwsClientSettings aws = AwsClientSettings.builder().retryPolicy(RetryPolicy.defaults()).build();
    private FlowType flowType = FlowType.CONTACT;
    private @Nullable URI s3EndpointOverride;
    private @Nullable AppflowClient appflowClient;
    private @Nullable S3Client s3Client;
    private RetryPolicy pollBackoff = RetryPolicy.builder().maxAttempts(Integer.MAX_VALUE)
        .initialDelay(Duration.ofSeconds(2)).maxDelay(Duration.ofSeconds(30)).multiplier(1.5).build();
    private Clock clock = Clock.systemUTC();
    private Pause.Sleeper sleeper = Pause.REAL;
    private int recordsPageSize = 100;
    private Metrics metrics = Metrics.none();

    private Builder() {}

    /**
     * @param metrics where AppFlow calls (timed by operation and outcome) and rows loaded into Cassandra are
     *     metered (docs/metrics.md); default {@link Metrics#none()}
     * @return this builder
     */
    public Builder metrics(Metrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    @Override
    public Builder aws(AwsClientSettings settings) {
      this.aws = Objects.requireNonNull(settings, "settings");
      return this;
    }

    @Override
    public AwsClientSettings aws() {
      return aws;
    }

    Builder config(AWSConfig config) {
      this.aws = config.aws();
      this.s3EndpointOverride = config.s3EndpointOverride();
      this.flowType = config.flowType();
      this.pollBackoff = config.pollBackoff();
      this.recordsPageSize = config.recordsPageSize();
      this.metrics = config.metrics();
      return this;
    }

    /**
     * @param type the Salesforce object and default flow (CONTACT by default)
     * @return this builder
     */
    public Builder flowType(FlowType type) {
      this.flowType = Objects.requireNonNull(type, "flowType");
      return this;
    }

    /**
     * @param endpoint an S3-compatible endpoint; path-style addressing is then used
     * @return this builder
     */
    public Builder s3EndpointOverride(@Nullable URI endpoint) {
      this.s3EndpointOverride = endpoint;
      return this;
    }

    /**
     * Uses the caller's AppFlow client (left open on close); credentials, region and endpoint are then
     * not applied to AppFlow.
     *
     * @param client the client
     * @return this builder
     */
    public Builder appflowClient(@Nullable AppflowClient client) {
      this.appflowClient = client;
      return this;
    }

    /**
     * Uses the caller's S3 client (left open on close); credentials, region and endpoint are then not
     * applied to S3.
     *
     * @param client the client
     * @return this builder
     */
    public Builder s3Client(@Nullable S3Client client) {
      this.s3Client = client;
      return this;
    }

    /**
     * The pauses between polls of {@link AWSManager#awaitCompletion}: 2 s growing by 1.5 up to 30 s, with
     * jitter, by default. Its attempt count is ignored: the timeout bounds the wait.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder pollBackoff(RetryPolicy policy) {
      this.pollBackoff = Objects.requireNonNull(policy, "pollBackoff");
      return this;
    }

    /**
     * Like {@link #pollBackoff(RetryPolicy)}, with a new {@code RetryPolicy.Builder} the consumer fills in (as the AWS SDK's
     * {@code Consumer<Builder>} overloads, it starts from {@code RetryPolicy.builder()}, not from the current setting).
     *
     * @param policy fills in the pauses between polls
     * @return this builder
     */
    public Builder pollBackoff(Consumer<RetryPolicy.Builder> policy) {
      RetryPolicy.Builder b = RetryPolicy.builder();
      Objects.requireNonNull(policy, "policy").accept(b);
      return pollBackoff(b.build());
    }

    /**
     * @param clock the clock deadlines are measured on (the system UTC clock by default)
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param sleeper how polls pause ({@link Thread#sleep(long)} by default)
     * @return this builder
     */
    Builder sleeper(Pause.Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * @param records execution records per DescribeFlowExecutionRecords page, 1 to 100 (100 by default)
     * @return this builder
     */
    public Builder recordsPageSize(int records) {
      if (records < 1 || records > 100) {
        throw new InvalidInputException("recordsPageSize must be 1 to 100, was " + records);
      }
      this.recordsPageSize = records;
      return this;
    }

    /** The settings {@link #build()} builds with ({@link AWSConfig#from}). */
    AWSConfig config() {
      return new AWSConfig(aws, s3EndpointOverride, flowType, pollBackoff, recordsPageSize, metrics);
    }

    /**
     * @return the manager; no call is made to AWS yet
     * @throws InvalidInputException if a client cannot be built (e.g. no region anywhere)
     */
    public AWSManager build() {
      Capability.require("AWSManager", Capability.AWS_APPFLOW, Capability.AWS_S3, Capability.PARQUET);
      AWSConfig config = config();
      AwsClientSettings settings = config.aws();
      AwsClients.Owned<AppflowClient> appflow = AwsClients.givenOrBuilt(appflowClient,
          () -> AwsClients.configure(AppflowClient.builder(), settings).build(), "AppFlow");
      AwsClients.Owned<S3Client> s3;
      try {
        s3 = AwsClients.givenOrBuilt(s3Client, () -> AwsClients.configure(S3Client.builder(), settings.toBuilder()
            .endpointOverride(s3EndpointOverride).build()).forcePathStyle(s3EndpointOverride != null).build(), "S3");
      } catch (RuntimeException e) {
        appflow.close();
        throw e;
      }
      return new AWSManager(config, appflow, s3, new Retrier(pollBackoff, clock, sleeper), Recorder.of(metrics));
    }
  }
}
