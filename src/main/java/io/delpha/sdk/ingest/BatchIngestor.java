package io.delpha.sdk.ingest;

import io.delpha.sdk.cassandra.CassandraKeyspaces;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.internal.BoundedWriter;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.Listeners;
import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.storage.ObjectInfo;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.ingest.FetchReport.RejectedFile;
import io.delpha.sdk.ingest.FetchReport.StagedFile;
import io.delpha.sdk.ingest.FileIngestion.Status;
import io.delpha.sdk.ingest.internal.FileChecks;
import io.delpha.sdk.ingest.internal.FileRun;
import io.delpha.sdk.ingest.internal.PasswordHasher;
import io.delpha.sdk.ingest.internal.ProgramApp;
import io.delpha.sdk.ingest.internal.Sandbox;
import io.delpha.sdk.ingest.internal.Registry;
import io.delpha.sdk.ingest.internal.Registry.Customer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class BatchIngestor implements CustomerRegistry, FileStaging, IngestRunner {

  private static final Logger LOG = LoggerFactory.getLogger(BatchIngestor.class);

  /** The most bytes of files one program app version may carry. */
  static final long MAX_APP_BYTES = 64L << 20;

  private final CqlExecutor cassandra;
  private final DictionaryManager dictionary;
  private final ObjectStore staging;
  private final Registry registry;
  private final Map<String, IngestApp> apps;
  private final AppLimits appLimits;
  private final boolean allowUnisolatedApps;
  private final int iterations;
  private volatile @Nullable String dummyHash;
  private final String worker;
  private final Duration lease;
  private final Duration pollInterval;
  private final int maxInFlight;
  private final int maxBatchRows;
  private final long progressEveryRows;
  private final IngestListener listener;
  private final Recorder metrics;
  private final boolean customerTag;
  private final ScheduledExecutorService scheduler;
  private final Object passLock = new Object();
  private final ClosedGuard guard = new ClosedGuard("this BatchIngestor");
  private final BatchIngestorConfig config;
  private @Nullable ScheduledFuture<?> watcher;

  private BatchIngestor(Builder b) {
    this.config = b.config();
    this.cassandra = Objects.requireNonNull(b.cassandra, "cassandra"); // checked by build()
    this.dictionary = new DictionaryManager(cassandra);
    this.staging = Objects.requireNonNull(b.staging, "staging");
    this.apps = Map.copyOf(b.apps);
    this.appLimits = b.appLimits;
    this.allowUnisolatedApps = b.allowUnisolatedApps;
    this.iterations = b.iterations;
    this.worker = b.worker;
    this.lease = b.lease;
    this.pollInterval = b.pollInterval;
    this.maxInFlight = BoundedWriter.boundedByPool(cassandra.cluster().requestCapacity(), b.maxInFlight);
    this.maxBatchRows = b.maxBatchRows;
    this.progressEveryRows = b.progressEveryRows;
    this.listener = Listeners.composite(IngestListener.class, b.listeners);
    this.metrics = Recorder.of(b.metrics);
    this.customerTag = b.metrics.customerTag();
    this.registry = new Registry(cassandra, b.registryKeyspace, b.registryReplication != null ? b.registryReplication
        : CassandraKeyspaces.survivingReplication(cassandra));
    this.scheduler = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "batch-ingestor-" + worker);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
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
  public Builder toBuilder() {
    return config.toBuilder();
  }

  /**
   * @return this manager's id in leases and metrics
   */
  public String worker() {
    guard.check();
    return worker;
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
   * Registers (or replaces) a customer with an ingest app chosen by name (see {@link Builder#app}).
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
    if (customerId == null || FileChecks.badName(customerId).isPresent()) {
      throw new InvalidInputException("customer id must be letters, digits, '.', '_' or '-', got '" + customerId + "'");
    }
    if (password == null || password.isEmpty()) {
      throw new InvalidInputException("customer " + customerId + " needs a non-empty password");
    }
    Objects.requireNonNull(constraints, "constraints");
    if (!apps.containsKey(appName) && registry.latestApp(customerId, appName).isEmpty()) {
      throw new InvalidInputException("no ingest app named '" + appName + "': neither one of this manager's ("
          + apps.keySet() + ") nor a program registered for " + customerId + " (registerApp)");
    }
    dictionary.describeKeyspace(Objects.requireNonNull(keyspace, "keyspace"));
    registry.put(new Customer(customerId, PasswordHasher.hash(password.toCharArray(), iterations), keyspace, appName,
        constraints));
    LOG.info("registered customer {} (keyspace {}, app {}, constraints {})", customerId, keyspace, appName,
        constraints.toJson());
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
    return authenticate(customerId, password).constraints();
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
    Objects.requireNonNull(program, "program");
    Customer c = registry.get(customerId).orElseThrow(() -> new NotFoundException("no customer '" + customerId
        + "' is registered"));
    if (apps.containsKey(program.name())) {
      throw new InvalidInputException("'" + program.name() + "' is the name of one of this manager's built-in apps "
          + apps.keySet() + "; choose another name");
    }
    long bytes = 0;
    List<String> names = new ArrayList<>(new java.util.TreeSet<>(program.files().keySet()));
    for (String n : names) {
      Path f = program.files().get(n);
      try {
        bytes += Files.size(f);
      } catch (IOException e) {
        throw new NotFoundException("cannot read the app file " + f + ": " + e.getMessage(), e);
      }
    }
    if (bytes > MAX_APP_BYTES) {
      throw new InvalidInputException("app " + program.name() + " has " + bytes + " bytes of files; at most "
          + MAX_APP_BYTES);
    }
    int next = registry.latestApp(c.id(), program.name()).map(a -> a.version() + 1).orElse(1);
    RegisteredApp app = registry.addApp(c.id(), program.name(), program.command(), names, bytes, next);
    for (String n : names) {
      staging.putIfAbsent(appFiles(app) + n, Objects.requireNonNull(program.files().get(n), n)); // a key of files()
    }
    registry.appReady(app);
    registry.useApp(c.id(), app.name());
    LOG.info("customer {}: app {} v{} registered ({} file(s), {} bytes, command {})", c.id(), app.name(),
        app.version(), names.size(), bytes, app.command());
    return app;
  }

  @Override
  public List<RegisteredApp> apps(String customerId) {
    guard.check();
    return registry.apps(customerId);
  }

  /**
   * {@inheritDoc} The versions' rows and their files in the staging store go; a file being ingested with one finishes
   * with its own copy.
   */
  @Override
  public void removeApp(String customerId, String name) {
    guard.check();
    Customer c = registry.get(customerId).orElseThrow(() -> new NotFoundException("no customer '" + customerId
        + "' is registered"));
    List<RegisteredApp> versions = registry.apps(customerId).stream().filter(a -> a.name().equals(name)).toList();
    if (versions.isEmpty()) {
      throw new NotFoundException("customer " + customerId + " has no app named '" + name + "'");
    }
    if (c.app().equals(name)) {
      throw new ConflictException("customer " + customerId + " reads its files with app '" + name + "'; register "
          + "another app for it first (or the customer again with --app csv)");
    }
    registry.removeApp(customerId, name);
    List<String> keys;
    try (Stream<String> s = staging.list(customerId + "/apps/" + name + "/")) {
      keys = s.toList();
    }
    keys.forEach(staging::delete);
    LOG.info("customer {}: app {} removed ({} version(s))", customerId, name, versions.size());
  }

  /**
   * @return the isolation customers' program apps get on this machine (probed once per JVM)
   */
  public AppIsolation appIsolation() {
    guard.check();
    return Sandbox.detect().isolation();
  }

  private static String appFiles(RegisteredApp app) {
    return app.customer() + "/apps/" + app.name() + "/v" + app.version() + "/";
  }

  /** The customer's app: one of this manager's, or the newest ready version of its program. */
  private IngestApp appFor(Customer c) {
    IngestApp app = apps.get(c.app());
    if (app != null) {
      return app;
    }
    RegisteredApp program = registry.latestApp(c.id(), c.app()).orElseThrow(() -> new ServiceUnavailableException(
        "this manager has no ingest app named '" + c.app() + "' and customer " + c.id() + " has no program of that name"));
    Sandbox sandbox = Sandbox.detect();
    if (sandbox.isolation() != AppIsolation.NAMESPACES && !allowUnisolatedApps) {
      throw new ServiceUnavailableException("this manager cannot isolate ingest apps on this machine (Linux "
          + "namespaces through util-linux unavailable); it runs them with limits only if its builder allows it "
          + "(allowUnisolatedApps), see docs/ingest-apps.md");
    }
    return new ProgramApp(program, staging, appFiles(program), sandbox, appLimits);
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
    Customer c = authenticate(customerId, password);
    FileChecks.Selection selection = FileChecks.select(clientInputDir, c.constraints());
    List<RejectedFile> rejected = selection.rejected();
    List<Path> passing = selection.passing();
    List<StagedFile> accepted = new ArrayList<>();
    for (Path f : passing) {
      String name = f.getFileName().toString();
      String key = incoming(customerId) + name;
      try {
        long size = Files.size(f);
        staging.putIfAbsent(key, f);
        accepted.add(new StagedFile(name, key, size));
      } catch (ConflictException e) {
        rejected.add(new RejectedFile(name, "a file named " + name + " is already staged and not yet ingested"));
      } catch (IOException e) {
        rejected.add(new RejectedFile(name, "cannot read the file: " + e.getMessage()));
      }
    }
    LOG.info("customer {} uploaded {} file(s), {} refused", customerId, accepted.size(), rejected.size());
    return new FetchReport(customerId, accepted, rejected);
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
    Capability.require("the upload endpoint (BatchIngestor.uploadServer)", Capability.HTTP_SERVER);
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
    return ingestPass();
  }

  /** One pass of {@link #ingestPending()}: the watcher's, which may still run while the ingestor closes. */
  private IngestReport ingestPass() {
    synchronized (passLock) {
      List<FileIngestion> done = new ArrayList<>();
      for (Customer c : registry.all()) {
        List<String> keys;
        try (Stream<String> s = staging.list(incoming(c.id()))) {
          keys = new ArrayList<>(s.filter(k -> k.indexOf('/', incoming(c.id()).length()) < 0).toList());
        }
        // managers start at different files, so two of them rarely race for the same lease
        Collections.rotate(keys, keys.isEmpty() ? 0 : Math.floorMod(worker.hashCode(), keys.size()));
        for (String key : keys) {
          if (guard.isClosed()) {
            return new IngestReport(done);
          }
          ingestOne(c, key).ifPresent(done::add);
        }
      }
      return new IngestReport(done);
    }
  }

  /**
   * {@inheritDoc} The history is the registry's {@code ingest_metrics} table: one row per run of a file.
   */
  @Override
  public List<CustomerStatus> status(int recentPerCustomer) {
    guard.check();
    if (recentPerCustomer < 0) {
      throw new InvalidInputException("recentPerCustomer must be >= 0, got " + recentPerCustomer);
    }
    List<CustomerStatus> out = new ArrayList<>();
    for (Customer c : sortedCustomers()) {
      List<String> waiting;
      String prefix = incoming(c.id());
      try (Stream<String> s = staging.list(prefix)) {
        waiting = s.map(k -> k.substring(prefix.length())).filter(n -> n.indexOf('/') < 0).sorted().toList();
      }
      out.add(new CustomerStatus(info(c), waiting, recentPerCustomer == 0 ? List.of()
          : registry.history(c.id(), recentPerCustomer)));
    }
    return out;
  }

  @Override
  public List<CustomerInfo> customers() {
    guard.check();
    return sortedCustomers().stream().map(BatchIngestor::info).toList();
  }

  private List<Customer> sortedCustomers() {
    List<Customer> all = new ArrayList<>(registry.all());
    all.sort(java.util.Comparator.comparing(Customer::id));
    return all;
  }

  private static CustomerInfo info(Customer c) {
    return new CustomerInfo(c.id(), c.keyspace(), c.app(), c.constraints());
  }

  /**
   * Watches the staging area: runs {@link #ingestPending()} now and then every poll interval (a listing
   * poll, for local folders and S3 alike). Errors of a pass are logged and the next pass retries.
   */
  @Override
  public synchronized void start() {
    guard.check();
    if (watcher == null) {
      watcher = scheduler.scheduleWithFixedDelay(() -> {
        try {
          ingestPass();
        } catch (RuntimeException e) {
          LOG.warn("ingestion pass failed; retrying in {}: {}", pollInterval, e.toString());
        }
      }, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Stops watching, lets the file in progress end at its next write (it stays staged if unfinished),
   * and waits for it. Does not close the Cassandra manager or the store. Idempotent; afterwards every method but
   * {@link #config()} and {@link #toBuilder()} throws {@link ClosedException}.
   */
  @Override
  public void close() {
    if (!guard.close()) {
      return;
    }
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "BatchIngestor[worker=" + worker + ", staging=" + staging + ", registry=" + registry.keyspace() + "]";
  }

  Customer authenticate(String customerId, String password) {
    if (customerId == null || password == null || password.isEmpty()) {
      metrics.count(Meter.INGEST_LOGINS, 1, "outcome", "refused");
      throw new AuthenticationException("customer id and password are required");
    }
    Optional<Customer> c = FileChecks.badName(customerId).isPresent() ? Optional.empty() : registry.get(customerId);
    // an unknown customer costs one verification against a dummy hash of the same cost as a known one's,
    // so neither the answer nor its timing reveals who exists
    String hash = c.map(Customer::passwordHash).orElseGet(this::dummyHash);
    boolean ok = PasswordHasher.verify(password.toCharArray(), hash);
    metrics.count(Meter.INGEST_LOGINS, 1, "outcome", c.isPresent() && ok ? "ok" : "refused");
    if (c.isEmpty() || !ok) {
      throw new AuthenticationException("unknown customer or wrong password for '" + customerId + "'");
    }
    return c.get();
  }

  void prepareDummyHash() {
    dummyHash();
  }

  private String dummyHash() {
    String h = dummyHash;
    if (h == null) {
      h = PasswordHasher.hash(UUID.randomUUID().toString().toCharArray(), iterations);
      dummyHash = h;
    }
    return h;
  }

  ObjectStore staging() {
    return staging;
  }

  static String incoming(String customerId) {
    return customerId + "/incoming/";
  }

  private Optional<FileIngestion> ingestOne(Customer c, String key) {
    if (!registry.claim(key, worker, lease)) {
      return Optional.empty();
    }
    ScheduledFuture<?> keeper = null;
    try {
      Optional<ObjectInfo> info = staging.stat(key);
      if (info.isEmpty()) {
        return Optional.empty(); // another manager finished it between our listing and our claim
      }
      long t0 = System.nanoTime();
      String name = key.substring(key.lastIndexOf('/') + 1);
      String task = "ingest " + c.id() + "/" + name;
      notify(l -> l.onStart(task));
      try (FileRun run = new FileRun(cassandra, staging, key, c.id(), c.keyspace(), info.get().size(),
          maxInFlight, maxBatchRows, progressEveryRows, listener)) {
        long renewEvery = Math.max(200, lease.toMillis() / 3);
        keeper = scheduler.scheduleWithFixedDelay(() -> {
          try {
            if (!registry.renew(key, worker, lease)) {
              run.leaseLost();
            }
          } catch (RuntimeException e) {
            LOG.warn("cannot renew the lease on {}: {}", key, e.toString());
          }
        }, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
        Status status;
        String error = null;
        try {
          appFor(c).ingest(run);
          run.finish();
          status = Status.PROCESSED;
        } catch (InvalidInputException e) {
          // the file's own fault (bad header, missing table, not UTF-8): retrying cannot help
          run.awaitInFlight();
          status = Status.FAILED;
          error = e.getMessage();
        } catch (Exception e) {
          // Cassandra or the store unreachable, a lost lease, a driver hiccup while reconnecting, an
          // app's bug: the file stays staged and is retried, never lost
          run.awaitInFlight();
          status = Status.INTERRUPTED;
          error = e instanceof DelphaException ? e.getMessage() : e.toString();
        }
        keeper.cancel(false);
        if (status != Status.INTERRUPTED && !stillHolds(key)) {
          // another manager took the file while renewals could not reach the cluster: it records and moves the
          // file, so this one must not (a second record; a move racing the other's). Rows already written are
          // upserts of the same values.
          status = Status.INTERRUPTED;
          error = "the lease on " + key + " was lost before the file could be recorded (taken by another manager "
              + "or unconfirmed); it is left to the lease holder";
        }
        FileIngestion f = new FileIngestion(c.id(), name, key, info.get().size(), run.rowsIngested(), run.rowsRejected(),
            Duration.ofNanos(System.nanoTime() - t0), status, error, worker, Instant.now());
        if (status == Status.INTERRUPTED) {
          LOG.warn(f.logLine());
          notify(l -> l.onFailure(task, new ServiceUnavailableException(f.logLine())));
        } else {
          conclude(c, f, run);
          LOG.info(f.logLine());
          if (status == Status.PROCESSED) {
            notify(l -> l.onSuccess(task, f.logLine()));
          } else {
            notify(l -> l.onFailure(task, new DataFormatException(f.logLine())));
          }
        }
        record(f);
        notify(l -> l.onFileIngested(f));
        return Optional.of(f);
      }
    } finally {
      if (keeper != null) {
        keeper.cancel(false);
      }
      try {
        registry.release(key, worker);
      } catch (RuntimeException e) {
        LOG.warn("cannot release the lease on {} (it expires in {}): {}", key, lease, e.toString());
      }
    }
  }

  /**
   * The fence before a file is recorded and moved: one lightweight transaction that extends the lease only if this
   * manager still holds it. Renewals during the file may have failed for longer than the lease (a coordinator
   * timing out, a partition) without telling us whether another manager has since taken the file.
   */
  private boolean stillHolds(String key) {
    try {
      return registry.renew(key, worker, lease);
    } catch (RuntimeException e) {
      LOG.warn("cannot confirm the lease on {} before recording it: {}", key, e.toString());
      return false;
    }
  }

  /**
   * Meters a file: an interrupted one only as such (it is re-run, and its rows and bytes count when it concludes).
   */
  private void record(FileIngestion f) {
    String outcome = f.status().name().toLowerCase(java.util.Locale.ROOT);
    String[] tags = customerTag ? new String[] {"customer", f.customer()} : new String[0];
    metrics.count(Meter.INGEST_FILES, 1, withTag(tags, "outcome", outcome));
    metrics.time(Meter.INGEST_FILE_DURATION, f.elapsed().toNanos(), withTag(tags, "outcome", outcome));
    if (f.status() != Status.INTERRUPTED) {
      metrics.count(Meter.INGEST_ROWS, f.rowsIngested(), tags);
      metrics.count(Meter.INGEST_ROWS_REJECTED, f.rowsRejected(), tags);
      metrics.count(Meter.INGEST_BYTES, f.sizeBytes(), tags);
    }
  }

  private static String[] withTag(String[] tags, String key, String value) {
    String[] out = java.util.Arrays.copyOf(tags, tags.length + 2);
    out[tags.length] = key;
    out[tags.length + 1] = value;
    return out;
  }

  Recorder metrics() {
    return metrics;
  }

  /** Data first, then the record of it, then the move: a crash in between repeats work, never skips it. */
  private void conclude(Customer c, FileIngestion f, FileRun run) {
    String folder = c.id() + (f.status() == Status.PROCESSED ? "/processed/" : "/failed/");
    Path bad = run.badRecords();
    if (bad != null && f.status() == Status.PROCESSED) {
      staging.put(folder + f.fileName() + ".bad-records.csv", bad);
    }
    run.attachments().forEach((suffix, content) -> staging.put(folder + f.fileName() + suffix, content));
    if (f.status() == Status.FAILED) {
      staging.put(folder + f.fileName() + ".error.txt", (f.error() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    registry.record(f);
    staging.move(f.stagedKey(), folder + f.fileName());
  }

  private void notify(java.util.function.Consumer<IngestListener> event) {
    Listeners.notify(listener, event);
  }

  /** Builds a {@link BatchIngestor}. Not thread-safe. */
  public static final class Builder {
    private @Nullable CqlExecutor cassandra;
    private @Nullable ObjectStore staging;
    private String registryKeyspace = "delpha_ingest";
    private @Nullable String registryReplication;
    private final Map<String, IngestApp> apps = new HashMap<>(Map.of(IngestApp.CSV, IngestApp.csv()));
    private int iterations = PasswordHasher.OWASP_ITERATIONS;
    private String worker = defaultWorker();
    private Duration lease = Duration.ofSeconds(60);
    private Duration pollInterval = Duration.ofSeconds(2);
    private int maxInFlight = 1024;
    private int maxBatchRows = 32;
    private long progressEveryRows = 10_000;
    private final List<IngestListener> listeners = new ArrayList<>();
    private Metrics metrics = Metrics.none();
    private AppLimits appLimits = AppLimits.defaults();
    private boolean allowUnisolatedApps;

    private Builder() {}

    /**
     * @param limits the bounds of each run of a customer's program app; default {@link AppLimits#defaults()}
     * @return this builder
     */
    public Builder appLimits(AppLimits limits) {
      this.appLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * @param allow whether customers' program apps may run where they cannot be isolated ({@link
     *     AppIsolation#LIMITS_ONLY}: no namespaces, so an app can read what the manager's user can read and reach
     *     the network); default {@code false}: such files wait in {@code incoming/}, logged
     * @return this builder
     */
    public Builder allowUnisolatedApps(boolean allow) {
      this.allowUnisolatedApps = allow;
      return this;
    }

    /**
     * @param cassandra where the registry lives and rows go: a {@code CassandraManager}, or any {@link
     *     CqlExecutor} that exposes {@link CqlExecutor#schema()} (an admin scoped session); not closed by
     *     the ingestor (required)
     * @return this builder
     */
    public Builder cassandra(CqlExecutor cassandra) {
      this.cassandra = Objects.requireNonNull(cassandra, "cassandra");
      return this;
    }

    /**
     * @param staging the staging area: a local folder or an S3 bucket; not closed by the ingestor (required)
     * @return this builder
     */
    public Builder staging(ObjectStore staging) {
      this.staging = Objects.requireNonNull(staging, "staging");
      return this;
    }

    /**
     * @param keyspace the keyspace of the ingestor's own tables, created if it must be with the default
     *     replication ({@link CassandraKeyspaces#survivingReplication}); default {@code delpha_ingest}
     * @return this builder
     */
    public Builder registry(String keyspace) {
      Objects.requireNonNull(keyspace, "keyspace");
      if (!keyspace.matches("[A-Za-z][A-Za-z0-9_]{0,47}")) {
        throw new InvalidInputException("registry keyspace must be a plain CQL name, got '" + keyspace + "'");
      }
      this.registryKeyspace = keyspace;
      return this;
    }

    /**
     * @param keyspace the keyspace of the ingestor's own tables; default {@code delpha_ingest}
     * @param replication its replication map in CQL if it must be created; default {@link
     *     CassandraKeyspaces#survivingReplication}: the local data center, min(3, its nodes) replicas
     * @return this builder
     */
    public Builder registry(String keyspace, String replication) {
      Objects.requireNonNull(keyspace, "keyspace");
      Objects.requireNonNull(replication, "replication");
      if (!keyspace.matches("[A-Za-z][A-Za-z0-9_]{0,47}")) {
        throw new InvalidInputException("registry keyspace must be a plain CQL name, got '" + keyspace + "'");
      }
      this.registryKeyspace = keyspace;
      this.registryReplication = Objects.requireNonNull(replication, "replication");
      return this;
    }

    /**
     * @param name the name customers are registered with
     * @param app the app
     * @return this builder
     */
    public Builder app(String name, IngestApp app) {
      apps.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(app, "app"));
      return this;
    }

    /**
     * @param iterations PBKDF2 iterations for new password hashes; default 600,000 (OWASP). Lower it only in tests.
     * @return this builder
     */
    public Builder passwordIterations(int iterations) {
      if (iterations < 1) {
        throw new InvalidInputException("password iterations must be positive, got " + iterations);
      }
      this.iterations = iterations;
      return this;
    }

    /**
     * @param worker this manager's id in leases and metrics; default host name, process id and a random suffix
     * @return this builder
     */
    public Builder worker(String worker) {
      this.worker = Objects.requireNonNull(worker, "worker");
      return this;
    }

    /**
     * @param lease how long a claim lasts without renewal (renewed every third of it); a dead manager's
     *     file is taken over after this; default 60 s
     * @return this builder
     */
    public Builder lease(Duration lease) {
      if (lease.toSeconds() < 1) {
        throw new InvalidInputException("the lease must last at least one second, got " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * @param pollInterval the pause between passes of {@link #start()}; default 2 s
     * @return this builder
     */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
      return this;
    }

    /**
     * @param maxInFlight the most write requests in flight per file; default 1024, lowered at build time to
     *     what the session's connection pool carries (7/8 of requests per connection times connections)
     * @return this builder
     */
    public Builder maxInFlight(int maxInFlight) {
      if (maxInFlight < 1) {
        throw new InvalidInputException("maxInFlight must be positive, got " + maxInFlight);
      }
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * @param maxBatchRows the most rows sent as one unlogged batch; default 32. Rows are batched with rows whose
     *     partitions have the same replicas, at most 10 partitions and 2 KiB of values a batch, never two rows with
     *     the same primary key (docs/ingest.md, "Writes")
     * @return this builder
     */
    public Builder maxBatchRows(int maxBatchRows) {
      if (maxBatchRows < 1) {
        throw new InvalidInputException("maxBatchRows must be positive, got " + maxBatchRows);
      }
      this.maxBatchRows = maxBatchRows;
      return this;
    }

    /**
     * @param rows how often (in rows written) progress is reported; default 10,000
     * @return this builder
     */
    public Builder progressEvery(long rows) {
      if (rows < 1) {
        throw new InvalidInputException("progressEvery must be positive, got " + rows);
      }
      this.progressEveryRows = rows;
      return this;
    }

    /**
     * Adds a listener: each call adds one, and every listener hears every event, in the order they were added
     * (as the AWS SDK's {@code addExecutionInterceptor}); one that throws is logged and the others still hear.
     *
     * @param listener receives progress and one event per file
     * @return this builder
     */
    public Builder listener(IngestListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * @param metrics where ingestion (files, rows, bytes, rejected rows, logins) and the upload endpoint's
     *     requests are metered (docs/metrics.md); default {@link Metrics#none()}
     * @return this builder
     */
    public Builder metrics(Metrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Creates the registry tables if needed.
     *
     * @return the ingestor
     * @throws InvalidInputException if Cassandra or the staging store is missing
     */
    public BatchIngestor build() {
      if (cassandra == null || staging == null) {
        throw new InvalidInputException("a BatchIngestor needs cassandra(...) and staging(...)");
      }
      return new BatchIngestor(this);
    }

    /** Takes every setting of {@code c}, as {@link BatchIngestorConfig#toBuilder()} does. */
    Builder config(BatchIngestorConfig c) {
      cassandra = c.cassandra();
      staging = c.staging();
      registryKeyspace = c.registryKeyspace();
      registryReplication = c.registryReplication();
      apps.clear();
      apps.putAll(c.apps());
      iterations = c.passwordIterations();
      worker = c.worker();
      lease = c.lease();
      pollInterval = c.pollInterval();
      maxInFlight = c.maxInFlight();
      maxBatchRows = c.maxBatchRows();
      progressEveryRows = c.progressEveryRows();
      listeners.clear();
      listeners.addAll(c.listeners());
      metrics = c.metrics();
      appLimits = c.appLimits();
      allowUnisolatedApps = c.allowUnisolatedApps();
      return this;
    }

    BatchIngestorConfig config() {
      return new BatchIngestorConfig(Objects.requireNonNull(cassandra, "cassandra"),
          Objects.requireNonNull(staging, "staging"), registryKeyspace, registryReplication, apps, iterations, worker,
          lease, pollInterval, maxInFlight, maxBatchRows, progressEveryRows, listeners, metrics, appLimits,
          allowUnisolatedApps);
    }

    private static String defaultWorker() {
      String host;
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "host";
      }
      return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
  }
}
