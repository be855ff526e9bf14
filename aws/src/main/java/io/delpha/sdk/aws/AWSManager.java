package io.delpha.sdk.aws;

import io.delpha.sdk.aws.internal.AppFlowCalls;
import io.delpha.sdk.aws.internal.AwsClients;
import io.delpha.sdk.aws.internal.ExecutionRecords;
import io.delpha.sdk.aws.internal.FlowDestinations;
import io.delpha.sdk.aws.internal.FlowLanding;
import io.delpha.sdk.aws.internal.FlowRuns;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.metrics.Recorder;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.appflow.AppflowClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Amazon AppFlow flows that land Salesforce objects in S3 as Parquet, read back as typed rows and
 * loaded into Cassandra. The name is the design card's and is kept with its capitals ({@code AWSManager},
 * {@link AWSConfig}, {@link AWSManagerBuilder}); despite it, this manager is about AppFlow flows and their landing
 * only. The rest of the library's AWS use (S3 stores, Secrets Manager, SNS) shares the settings of
 * {@link AwsClientSettings}, built with an {@link AwsClientBuilder}.
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
 * AWSManagerBuilder#retryPolicy(RetryPolicy)}) and exhausted service quotas {@link
 * io.delpha.sdk.core.RateLimitedException}; a missing permission {@link
 * io.delpha.sdk.core.AccessDeniedException}; rejected AWS keys {@link
 * io.delpha.sdk.core.AuthenticationException}; an unreachable AppFlow or S3 {@link
 * ServiceUnavailableException}.
 *
 * <p>A manager is thread-safe; close it to release the clients it built (clients given to the builder
 * stay open). It is a facade over one implementation per role, in {@code aws.internal}: the runs ({@link
 * AppFlowRuns}), the destinations ({@link AppFlowDestinations}) and the landed data ({@link AppFlowData}).
 */
public final class AWSManager implements AppFlowRuns, AppFlowDestinations, AppFlowData, AutoCloseable {

  private final AwsClients.Owned<AppflowClient> ownedAppflow;
  private final AwsClients.Owned<S3Client> ownedS3;
  private final AWSConfig config;
  private final FlowType flowType;
  private final ClosedGuard guard = new ClosedGuard("this AWSManager");
  private final FlowRuns runs;
  private final FlowDestinations destinations;
  private final FlowLanding data;

  AWSManager(AWSConfig config, AwsClients.Owned<AppflowClient> appflow, AwsClients.Owned<S3Client> s3,
      Retrier polls, Recorder metrics) {
    this.config = config;
    this.ownedAppflow = appflow;
    this.ownedS3 = s3;
    this.flowType = config.flowType();
    AppFlowCalls calls = new AppFlowCalls(appflow.client(), metrics);
    ExecutionRecords records = new ExecutionRecords(calls, config.recordsPageSize());
    this.runs = new FlowRuns(calls, records, polls);
    this.destinations = new FlowDestinations(calls, flowType);
    this.data = new FlowLanding(destinations, records,
        bucket -> S3ObjectStore.builder().bucket(bucket).client(s3.client()).build(), metrics);
  }

  /**
   * @return a builder
   */
  public static AWSManagerBuilder builder() {
    Capability.require("AWSManager", "aws-appflow", "aws-s3", "parquet");
    return new AWSManagerBuilder();
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
  public AWSManagerBuilder toBuilder() {
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
    return runs.startFlow(flowName);
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
    return runs.executions(flowName);
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
    return runs.awaitCompletion(executionId, timeout);
  }

  /**
   * Polls a run's execution record, with growing pauses ({@link AWSManagerBuilder#pollBackoff(RetryPolicy)}),
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
    return runs.awaitCompletion(flowName, executionId, timeout);
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
    return destinations.destination(flowName);
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
    return destinations.ensureSparkFormat(flowName);
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
    return destinations.convertToParquet(flowName);
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
    return data.getLastFlowId(flowName);
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
    return data.getFlowParquetData(flowName);
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
    return data.getFlowParquetData(flowName, executionId);
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
   * goes on while a replica is down. An insert that fails transiently (a write timeout, a node paused or
   * restarting, the driver reconnecting) is sent again after a back-off, keeping its write timestamp, up to 12
   * attempts (500 ms doubling to 10 s), while fewer inserts are sent at once; past that, or on a genuine error, the
   * load throws. Column names are the Parquet names in lower case.
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
    return data.loadIntoCassandra(flowName, cql, keyspace, table, options);
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
}
