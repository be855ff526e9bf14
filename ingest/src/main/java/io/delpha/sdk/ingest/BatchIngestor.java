package io.delpha.sdk.ingest;

import io.delpha.sdk.cassandra.CassandraKeyspaces;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.core.internal.cql.BoundedWriter;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.Listeners;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.ingest.internal.CustomerDirectory;
import io.delpha.sdk.ingest.internal.StagedFileIngestor;
import io.delpha.sdk.ingest.internal.UploadIntake;
import io.delpha.sdk.ingest.internal.FileMeters;
import io.delpha.sdk.ingest.internal.IngestApps;
import io.delpha.sdk.ingest.internal.IngestPasses;
import io.delpha.sdk.ingest.internal.Logins;
import io.delpha.sdk.ingest.internal.Registry;
import io.delpha.sdk.ingest.internal.Registry.Customer;
import io.delpha.sdk.ingest.internal.sandbox.Sandbox;
import io.delpha.sdk.server.ServerOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Multi-tenant batch ingestion: customers upload files (checked against their constraints, staged
 * whole or not at all), and managers ingest each staged file into the customer's own keyspace with the
 * customer's {@link IngestApp}, once, logging one line of figures per file.
 *
 * <pre>{@code
 * try (BatchIngestor ingestor = BatchIngestor.builder()
 *     .cassandra(cass)
 *     .staging(LocalObjectStore.at(Path.of("staging")))
 *     .build()) {
 *   ingestor.registerCustomer("customer-1", "password-1", "customer1_ks",
 *       IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":10,\"data_sizes\":4096}"));
 *   FetchReport up = ingestor.fetch("customer-1", "password-1", Path.of("client-input-dir"));
 *   IngestReport done = ingestor.ingestPending();
 * }
 * }</pre>
 *
 * <p>Staging layout per customer: {@code <customer>/incoming/<file>} waits for ingestion, then moves to
 * {@code <customer>/processed/<file>} (with {@code <file>.bad-records.csv} beside it when rows were
 * rejected) or {@code <customer>/failed/<file>} (with {@code <file>.error.txt}). A file moves only after
 * every row is acknowledged; a manager that dies mid-file leaves it in {@code incoming/}, and the next
 * manager re-ingests it once the dead one's lease expires. Inserts are upserts, so re-ingestion never
 * duplicates rows.
 *
 * <p>Several managers (processes) may share one staging area and registry: each file is claimed with a
 * Cassandra lightweight transaction ({@code INSERT ... IF NOT EXISTS USING TTL}) renewed while the file
 * is ingested ({@code UPDATE ... IF owner = ?}). Thread-safe; {@link #ingestPending()} runs one pass at a
 * time per instance.
 *
 * <p>The manager is a facade over one implementation per role, in {@code ingest.internal}: the customers
 * ({@link CustomerRegistry}), uploads from a folder (with {@link UploadServer} for remote ones: {@link FileStaging})
 * and the ingestion passes ({@link IngestRunner}).
 */
public final class BatchIngestor implements CustomerRegistry, FileStaging, IngestRunner {

  private final BatchIngestorConfig config;
  private final ClosedGuard guard = new ClosedGuard("this BatchIngestor");
  private final ObjectStore staging;
  private final Registry registry;
  private final Recorder metrics;
  private final Logins logins;
  private final CustomerDirectory customers;
  private final UploadIntake intake;
  private final IngestPasses runner;
  private final StagedFileIngestor files;

  /** Made by {@link BatchIngestorBuilder#build()}. */
  BatchIngestor(BatchIngestorConfig config) {
    this.config = config;
    CqlExecutor cassandra = config.cassandra();
    DictionaryManager dictionary = new DictionaryManager(cassandra);
    this.staging = config.staging();
    int maxInFlight = BoundedWriter.boundedByPool(cassandra.cluster().requestCapacity(), config.maxInFlight());
    IngestListener listener = Listeners.composite(IngestListener.class, config.listeners());
    this.metrics = Recorder.of(config.metrics());
    String replication = config.registryReplication();
    this.registry = new Registry(cassandra, config.registryKeyspace(), replication != null ? replication
        : CassandraKeyspaces.survivingReplication(cassandra));
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "batch-ingestor-" + config.worker());
      t.setDaemon(true);
      return t;
    });
    this.logins = new Logins(registry, config.passwordIterations(), metrics);
    this.customers = new CustomerDirectory(registry, dictionary, staging, config.apps(), config.passwordIterations(),
        logins);
    this.intake = new UploadIntake(staging, logins);
    IngestApps apps = new IngestApps(config.apps(), registry, staging, config.appLimits(), config.allowUnisolatedApps());
    this.files = new StagedFileIngestor(config, dictionary, registry, apps, maxInFlight, listener,
        new FileMeters(metrics, config.metrics().customerTag()), scheduler);
    this.runner = new IngestPasses(registry, customers, staging, files, config.worker(), config.pollInterval(),
        scheduler, guard);
  }

  /**
   * @return a builder
   */
  public static BatchIngestorBuilder builder() {
    return new BatchIngestorBuilder();
  }

  /**
   * @return the settings this ingestor was built with (its collaborators included); available after {@link #close()}
   */
  public BatchIngestorConfig config() {
    return config;
  }

  /**
   * A builder for another ingestor with this one's settings and collaborators ({@code config().toBuilder()}), so
   * {@code toBuilder().build().config()} equals {@link #config()}. Works on a closed ingestor too.
   *
   * @return a new builder holding {@link #config()}
   */
  public BatchIngestorBuilder toBuilder() {
    return config.toBuilder();
  }

  /**
   * @return this manager's id in leases and metrics
   */
  public String worker() {
    guard.check();
    return config.worker();
  }

  /**
   * @return the keyspace of the ingestor's own tables ({@code customers}, {@code ingest_claims},
   *     {@code ingest_metrics})
   */
  public String registryKeyspace() {
    guard.check();
    return registry.keyspace();
  }

  /**
   * Registers (or replaces) a customer using the default CSV app.
   *
   * @param customerId letters, digits, '.', '_' or '-'
   * @param password stored only as a salted PBKDF2 hash
   * @param keyspace the customer's existing keyspace
   * @param constraints what the customer may upload
   * @throws InvalidInputException for a bad id or an empty password
   * @throws NotFoundException if the keyspace does not exist
   */
  public void registerCustomer(String customerId, String password, String keyspace, IngestionConstraints constraints) {
    guard.check();
    registerCustomer(customerId, password, keyspace, constraints, IngestApp.CSV);
  }

  /**
   * Registers (or replaces) a customer with an ingest app chosen by name (see {@link BatchIngestorBuilder#app}).
   *
   * @param customerId letters, digits, '.', '_' or '-'
   * @param password stored only as a salted PBKDF2 hash
   * @param keyspace the customer's existing keyspace
   * @param constraints what the customer may upload
   * @param appName the name of an app registered on this ingestor's builder
   */
  @Override
  public void registerCustomer(String customerId, String password, String keyspace, IngestionConstraints constraints,
      String appName) {
    guard.check();
    customers.registerCustomer(customerId, password, keyspace, constraints, appName);
  }

  /**
   * The constraints of a customer, after authenticating (what the upload endpoint serves).
   *
   * @param customerId the customer
   * @param password the password
   * @return the constraints
   * @throws AuthenticationException for an unknown customer or a wrong password (the same message)
   */
  @Override
  public IngestionConstraints constraints(String customerId, String password) {
    guard.check();
    return customers.constraints(customerId, password);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The files go to the staging store under {@code <customer>/apps/<name>/v<version>/} (never overwritten), the
   * version to the registry's {@code ingest_apps} table, marked ready once every file is stored; the customer's next
   * files are read with it. A file already being ingested keeps the version its run started with.
   */
  @Override
  public RegisteredApp registerApp(String customerId, IngestProgram program) {
    guard.check();
    return customers.registerApp(customerId, program);
  }

  @Override
  public List<RegisteredApp> apps(String customerId) {
    guard.check();
    return customers.apps(customerId);
  }

  /**
   * {@inheritDoc} The versions' rows and their files in the staging store go; a file being ingested with one finishes
   * with its own copy.
   */
  @Override
  public void removeApp(String customerId, String name) {
    guard.check();
    customers.removeApp(customerId, name);
  }

  /**
   * @return the isolation customers' program apps get on this machine (probed once per JVM)
   */
  public AppIsolation appIsolation() {
    guard.check();
    return Sandbox.detect().isolation();
  }

  /**
   * @return how each run of a customer's program app is bounded on this machine: memory, processes and CPU by a
   *     cgroup per run where one can be had (Linux, as root or with a delegated hierarchy), else by {@code ulimit}s
   *     (docs/ingest-apps.md, "Sandbox"); probed once per JVM
   */
  public AppLimitEnforcement appLimitEnforcement() {
    guard.check();
    return Sandbox.detect().enforcement();
  }

  /**
   * @return {@link #appLimitEnforcement()} in its former form
   * @deprecated read {@link #appLimitEnforcement()}
   */
  @Deprecated
  public AppBounds appBounds() {
    return appLimitEnforcement().asBounds();
  }

  /**
   * Uploads every regular file of a client input directory: authenticates, checks every file against
   * the customer's constraints (extension, content, size, count) before staging any, then stages the
   * accepted files under the customer's prefix. Too many files refuses the whole upload.
   *
   * @param customerId the customer
   * @param password the password
   * @param clientInputDir the directory; hidden files are ignored
   * @return what was staged and what was refused, with reasons
   * @throws AuthenticationException for an unknown customer or a wrong password; nothing is staged
   * @throws NotFoundException if the directory does not exist
   */
  @Override
  public FetchReport fetch(String customerId, String password, Path clientInputDir) {
    guard.check();
    return intake.fetch(customerId, password, clientInputDir);
  }

  /**
   * Starts the upload endpoint for customers on other machines (see {@link UploadServer}).
   *
   * @param address where to listen, e.g. {@code new InetSocketAddress("127.0.0.1", 0)}
   * @return the running server; close it to stop
   */
  @Override
  public UploadServer uploadServer(InetSocketAddress address) {
    guard.check();
    return uploadServer(ServerOptions.on(address));
  }

  /**
   * Serves the upload endpoint with explicit options: HTTPS ({@link ServerOptions.Builder#tls}), a
   * non-loopback address, connection and size limits.
   *
   * @param options address, TLS and limits
   * @return the running endpoint; close it to stop
   * @throws ServiceUnavailableException if the address cannot be bound
   * @throws io.delpha.sdk.core.TlsException if the key material cannot be read
   */
  @Override
  public UploadServer uploadServer(ServerOptions options) {
    guard.check();
    Capability.require("the upload endpoint (BatchIngestor.uploadServer)", "http-server");
    return UploadServer.start(this, options, Clock.systemUTC());
  }

  /**
   * Ingests every file staged now, for every customer, claiming each with a lease so concurrent
   * managers never take the same file. Files another manager holds are skipped. The watcher of {@link
   * #start()} calls the same.
   *
   * @return the files this manager took
   * @throws ServiceUnavailableException if Cassandra or the staging store cannot be reached
   */
  @Override
  public IngestReport ingestPending() {
    guard.check();
    return runner.ingestPending();
  }

  /**
   * {@inheritDoc} The history is the registry's {@code ingest_metrics} table: one row per run of a file.
   */
  @Override
  public List<CustomerStatus> status(int recentPerCustomer) {
    guard.check();
    return runner.status(recentPerCustomer);
  }

  @Override
  public List<CustomerInfo> customers() {
    guard.check();
    return customers.customers();
  }

  /**
   * Watches the staging area: runs {@link #ingestPending()} now and then every poll interval (a listing
   * poll, for local folders and S3 alike). Errors of a pass are logged and the next pass retries.
   */
  @Override
  public synchronized void start() {
    guard.check();
    runner.start();
  }

  /**
   * Stops watching, lets the file in progress end at its next write (it stays staged if unfinished),
   * and waits for it. Writes of that file waiting to be sent again after a transient failure ({@link
   * BatchIngestorBuilder#writeRetry}) are given up at once, so a file in back-off ends {@code INTERRUPTED} within a
   * request's time. Does not close the Cassandra manager or the store. Idempotent; afterwards every method but
   * {@link #config()} and {@link #toBuilder()} throws {@link ClosedException}.
   */
  @Override
  public void close() {
    if (!guard.close()) {
      return;
    }
    files.stopRetrying();
    runner.close();
  }

  @Override
  public String toString() {
    return "BatchIngestor[worker=" + config.worker() + ", staging=" + staging + ", registry=" + registry.keyspace()
        + "]";
  }

  Customer authenticate(String customerId, String password) {
    return logins.authenticate(customerId, password);
  }

  void prepareDummyHash() {
    logins.prepareDummyHash();
  }

  ObjectStore staging() {
    return staging;
  }

  Recorder metrics() {
    return metrics;
  }
}
