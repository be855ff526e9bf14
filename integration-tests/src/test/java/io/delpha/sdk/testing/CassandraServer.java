package io.delpha.sdk.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Cassandra 5.0 node, run as a child JVM from the {@code cassandra-all} jars (never on the test class
 * path: {@link CassandraJars} finds them, or provisions them for a host's tests), on free loopback ports.
 *
 * <pre>{@code
 * CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);   // once per JVM
 * CassandraManager cass = CassandraManager.builder()
 *     .contactPoint(c.host(), c.port()).localDatacenter(c.localDatacenter()).build();
 * }</pre>
 *
 * <p>Variants: {@link Variant#PLAIN}; {@link Variant#AUTH} ({@code PasswordAuthenticator} +
 * {@code CassandraAuthorizer}, superuser {@code cassandra}/{@code cassandra}); {@link Variant#TLS}
 * (client TLS with a server certificate signed by a CA generated at test time, {@link #caPem()},
 * plus password authentication, as Amazon Keyspaces does); {@link Variant#MUTUAL_TLS} (TLS that also
 * requires a client certificate, {@link #clientCertPem()} + {@link #clientKeyPem()}).
 *
 * <p>Shared nodes start once per variant per JVM and stop at JVM exit; {@link #startNew(Variant)}
 * gives a private node a test may {@link #stop()}, {@link #kill()} and {@link #start()} again (same
 * ports, same data). The child finds a JDK 11 or 17: this JVM's if it fits, else {@code
 * CASSANDRA_JAVA_HOME}, else {@code /usr/lib/jvm/*17*}. Logs: {@code target/test-servers/cassandra-*}.
 */
public final class CassandraServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CassandraServer.class);
  private static final Map<Variant, CassandraServer> SHARED = new java.util.concurrent.ConcurrentHashMap<>();
  private static final Map<Variant, Object> SHARED_LOCKS = locks();

  private static Map<Variant, Object> locks() {
    Map<Variant, Object> locks = new EnumMap<>(Variant.class);
    for (Variant v : Variant.values()) {
      locks.put(v, new Object());
    }
    return locks;
  }

  /** What the node requires of clients. */
  public enum Variant {
    /** No authentication, no TLS. */
    PLAIN(false, Tls.NONE),
    /** Password authentication and role-based authorization. */
    AUTH(true, Tls.NONE),
    /** Client TLS (server certificate only) and password authentication. */
    TLS(true, Tls.SERVER),
    /** Mutual TLS: the client must present a certificate signed by the CA. No password. */
    MUTUAL_TLS(false, Tls.MUTUAL);

    final boolean auth;
    final Tls tls;

    Variant(boolean auth, Tls tls) {
      this.auth = auth;
      this.tls = tls;
    }

    /**
     * @return whether the node checks user names and passwords
     */
    public boolean authenticates() {
      return auth;
    }
  }

  enum Tls { NONE, SERVER, MUTUAL }

  private final Variant variant;
  private final Path dir;
  private final String address;
  private final int nativePort;
  private final int storagePort;
  private final String initialToken;
  private final String seed;
  private final int jmxPort = ServerSupport.freePort();
  private Process process;
  private long logOffset;

  /**
   * Whether a schema change is flushed to disk before it is answered, as in production. A shared node is never killed,
   * so it skips those flushes (Cassandra's own tests do the same, {@code cassandra.test.flush_local_schema_changes}):
   * each CREATE or DROP otherwise writes an sstable of each of about ten schema tables. A private node, which a test
   * may kill, keeps them: its schema must survive a kill -9 before the commit log replays.
   */
  private boolean durableSchema = true;

  private CassandraServer(Variant variant, Path dir) {
    this(variant, dir, "127.0.0.1", ServerSupport.freePort(), 0, "0", "127.0.0.1");
  }

  /**
   * A node of a ring ({@link CassandraRing}): every node listens on its own loopback address with the
   * same ports, and all use the first node as their seed.
   */
  CassandraServer(Variant variant, Path dir, String address, int nativePort, int storagePort, String initialToken,
      String seed) {
    this.variant = variant;
    this.dir = dir;
    this.address = address;
    this.nativePort = nativePort;
    int sp = storagePort;
    while (sp == 0 || sp == nativePort) {
      sp = ServerSupport.freePort();
    }
    this.storagePort = sp;
    this.initialToken = initialToken;
    this.seed = seed;
  }

  /** Writes the node's configuration (before its first {@link #start()}). */
  void prepare() {
    configure();
  }

  /**
   * @return the storage (gossip) port
   */
  int storagePort() {
    return storagePort;
  }

  /**
   * @param variant what the node requires of clients
   * @return the node of this variant shared by every test of this JVM, started on first use
   */
  public static CassandraServer shared(Variant variant) {
    // one lock per variant: test classes running in parallel wait only for the node they need
    Object lock = SHARED_LOCKS.get(variant);
    synchronized (lock) {
      CassandraServer server = SHARED.get(variant);
      if (server == null) {
        server = start(variant, false);
        SHARED.put(variant, server);
      }
      return server;
    }
  }

  /**
   * @param variant what the node requires of clients
   * @return a new private node, started; stopped at JVM exit
   */
  public static CassandraServer startNew(Variant variant) {
    return start(variant, true);
  }

  private static CassandraServer start(Variant variant, boolean durableSchema) {
    // ports are picked free, then released, before the node binds them: another process (a parallel test's server,
    // another build on the machine) may take one in between, and the node exits at start-up saying so. Such a node
    // is started again on new ports, in a new directory; any other failure is the test's.
    for (int attempt = 1; ; attempt++) {
      Path dir = ServerSupport.workDir("cassandra-" + variant.name().toLowerCase() + "-"
          + UUID.randomUUID().toString().substring(0, 8));
      CassandraServer server = new CassandraServer(variant, dir);
      server.durableSchema = durableSchema;
      server.configure();
      try {
        server.start();
      } catch (IllegalStateException e) {
        String said = String.valueOf(e.getMessage());
        // Cassandra says it three ways: the storage port's "is in use by another process", the native transport's
        // "Failed to bind port N" (its cause, "Address already in use", further down than the lines kept), or the
        // cause itself
        boolean portTaken = said.contains("is in use by another process") || said.contains("Address already in use")
            || said.contains("Failed to bind port");
        if (!portTaken || attempt == 3) {
          throw e;
        }
        LOG.warn("Cassandra {}: a port was taken before the node bound it; starting again on new ports", variant);
        server.stop();
        continue;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "cassandra-server-stop"));
      return server;
    }
  }

  /**
   * @return the address clients dial
   */
  public String host() {
    return address;
  }

  /**
   * @return the CQL native port
   */
  public int port() {
    return nativePort;
  }

  /**
   * @return the node's data center, for {@code localDatacenter(..)}
   */
  public String localDatacenter() {
    return "datacenter1";
  }

  /**
   * @return the variant
   */
  public Variant variant() {
    return variant;
  }

  /**
   * @return the superuser name of an authenticating node
   */
  public String superuser() {
    return "cassandra";
  }

  /**
   * @return the superuser password of an authenticating node
   */
  public String superuserPassword() {
    return "cassandra";
  }

  /**
   * @return the PEM file of the CA that signed the server (and client) certificates
   * @throws IllegalStateException for a node without TLS
   */
  public Path caPem() {
    requireTls();
    return dir.resolve("tls/ca.pem");
  }

  /**
   * @return a PEM client certificate signed by the CA
   */
  public Path clientCertPem() {
    requireTls();
    return dir.resolve("tls/client.pem");
  }

  /**
   * @return the client certificate's private key, PKCS#8 PEM
   */
  public Path clientKeyPem() {
    requireTls();
    return dir.resolve("tls/client.key");
  }

  /**
   * @return the PEM file of a CA that signed nothing this node trusts, for negative tests
   */
  public Path untrustedCaPem() {
    requireTls();
    return dir.resolve("tls/other-ca.pem");
  }

  /**
   * @return the folder with the node's logs ({@code system.log}, {@code stdout.log})
   */
  public Path logDir() {
    return dir.resolve("logs");
  }

  private void requireTls() {
    if (variant.tls == Tls.NONE) {
      throw new IllegalStateException("the " + variant + " node has no TLS");
    }
  }

  /**
   * Sets the probability that the node traces a request, as {@code nodetool settraceprobability} does (over the
   * node's local JMX port): at 1.0 every request's statement, bound values and events land in {@code
   * system_traces}, which every Cassandra role may read.
   *
   * @param probability between 0 and 1
   */
  public void setTraceProbability(double probability) {
    try {
      var url = new javax.management.remote.JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort
          + "/jmxrmi");
      try (var connector = javax.management.remote.JMXConnectorFactory.connect(url)) {
        connector.getMBeanServerConnection().setAttribute(
            new javax.management.ObjectName("org.apache.cassandra.db:type=StorageService"),
            new javax.management.Attribute("TraceProbability", probability));
      }
    } catch (IOException | javax.management.JMException e) {
      throw new IllegalStateException("could not set the trace probability over JMX port " + jmxPort, e);
    }
  }

  /** Starts (or restarts) the node, keeping its data, and waits until it answers CQL. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    Path lib = cassandraLib();
    List<String> cmd = new ArrayList<>();
    cmd.add(childJava().toString());
    // -Ddelpha.cassandra.heap=1g gives benchmarks a fixed, larger heap; tests keep the small default
    String heap = System.getProperty("delpha.cassandra.heap");
    cmd.addAll(heap == null ? List.of("-Xms256m", "-Xmx512m") : List.of("-Xms" + heap, "-Xmx" + heap));
    cmd.addAll(List.of("-Xss256k", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
        "-XX:TieredStopAtLevel=1",
        "-Djava.net.preferIPv4Stack=true", "-Djdk.attach.allowAttachSelf=true",
        "-Dio.netty.tryReflectionSetAccessible=true", "-Dcassandra-foreground=yes",
        "-Dcassandra.config=" + dir.resolve("conf/cassandra.yaml").toUri(),
        "-Dcassandra.storagedir=" + dir.resolve("data"),
        "-Dcassandra.logdir=" + logDir(),
        "-Djava.io.tmpdir=" + dir.resolve("tmp"),
        "-Dlogback.configurationFile=" + dir.resolve("conf/logback.xml"),
        "-Dcassandra.skip_wait_for_gossip_to_settle=0", "-Dcassandra.ring_delay_ms=100",
        // no shadow gossip round at start: with a ring delay of 100 ms it gives a peer one second to answer, and a
        // seed busy for longer (a flush, a collection) failed the start ("Unable to gossip with any peers"); the
        // round only checks that no other node holds this address, and every address here is this node's alone
        "-Dcassandra.allow_unsafe_join=true",
        "-Dcassandra.superuser_setup_delay_ms=0",
        "-Dcassandra.test.flush_local_schema_changes=" + durableSchema,
        "-Dcassandra.jmx.local.port=" + jmxPort,
        "-Ddelpha.parent.pid=" + ProcessHandle.current().pid()));
    for (String e : List.of("java.base/jdk.internal.misc", "java.base/jdk.internal.ref", "java.base/sun.nio.ch",
        "java.management.rmi/com.sun.jmx.remote.internal.rmi", "java.rmi/sun.rmi.registry",
        "java.rmi/sun.rmi.server", "java.sql/java.sql", "java.base/java.lang.ref", "jdk.unsupported/sun.misc",
        "jdk.compiler/com.sun.tools.javac.file", "jdk.attach/sun.tools.attach")) {
      cmd.add("--add-exports");
      cmd.add(e + "=ALL-UNNAMED");
    }
    for (String o : List.of("java.base/java.lang.module", "java.base/jdk.internal.loader",
        "java.base/jdk.internal.ref", "java.base/jdk.internal.reflect", "java.base/jdk.internal.math",
        "java.base/jdk.internal.module", "java.base/jdk.internal.util.jar",
        "jdk.management/com.sun.management.internal", "java.base/sun.nio.ch", "java.base/java.io",
        "java.base/java.nio", "java.base/java.lang.reflect", "jdk.compiler/com.sun.tools.javac",
        "java.base/java.lang", "java.base/java.util", "java.base/java.util.concurrent",
        "java.base/java.util.concurrent.atomic", "java.base/java.net", "java.base/java.math")) {
      cmd.add("--add-opens");
      cmd.add(o + "=ALL-UNNAMED");
    }
    cmd.add("-cp");
    cmd.add(dir.resolve("conf") + java.io.File.pathSeparator + lib + "/*" + java.io.File.pathSeparator
        + launcherLocation());
    cmd.add(CassandraLauncher.class.getName());
    try {
      Files.createDirectories(logDir());
      Files.createDirectories(dir.resolve("tmp"));
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir().resolve("stdout.log").toFile()));
      long t0 = System.nanoTime();
      Path out = logDir().resolve("stdout.log");
      logOffset = Files.exists(out) ? Files.size(out) : 0;
      process = pb.start();
      awaitCql();
      LOG.info("Cassandra {} up on {}:{} in {} ms (logs: {})", variant, address, nativePort,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), logDir());
    } catch (IOException e) {
      throw new UncheckedIOException("could not launch Cassandra; see " + logDir(), e);
    }
  }

  private void awaitCql() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        // a node that fails at start-up drains on its way out: forty lines of flushes follow the cause, so the
        // message carries the run's ERROR lines (where "Address already in use" is said) before the last lines
        throw new IllegalStateException("Cassandra exited with " + process.exitValue() + " during start-up; "
            + "its errors:\n" + errors(logDir().resolve("stdout.log")) + "\nlast log lines:\n"
            + tail(logDir().resolve("stdout.log")));
      }
      if (answersCql()) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while Cassandra starts", e);
      }
    }
    throw new IllegalStateException("Cassandra did not open its CQL port in 180 s; see " + logDir()
        + "\n" + tail(logDir().resolve("stdout.log")));
  }

  /**
   * The node answers CQL once its log says its start-up is complete; for TLS nodes a TCP connect is all we can
   * check without a handshake, so the log line is the signal for every variant. Not the earlier "Starting
   * listening for CQL clients": Cassandra logs it before it binds the port, and a node whose port another process
   * took in the meantime (ports are picked free, then released, before the node binds them) logged it, exited on
   * "Address already in use", and was taken as up because the connect reached the other process (a CI run
   * failed ten tests that way). "Startup complete" comes after the bind; a node that fails to bind exits, and
   * {@link #awaitCql()} reports its last log lines.
   */
  private boolean answersCql() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, nativePort), 500);
    } catch (IOException e) {
      return false;
    }
    Path log = logDir().resolve("stdout.log");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log.toFile(), "r")) {
      byte[] all = new byte[(int) f.length()];
      f.readFully(all);
      int from = (int) Math.min(all.length, logOffset);
      boolean started = new String(all, from, all.length - from, StandardCharsets.UTF_8).contains("Startup complete");
      String text = new String(all, StandardCharsets.UTF_8);
      // an authenticating node creates its default superuser on a background task after start-up: on a busy
      // machine "Startup complete" came first and a test's first login was refused (a CI run failed that way).
      // The node's directory is new, so the line is logged once, by its first start; a restart keeps the role.
      return started && (!variant.auth || text.contains("Created default superuser role"));
    } catch (IOException e) {
      return false;
    }
  }

  /** The ERROR lines (and the three lines after each: the exception's cause) this run of the node logged. */
  private String errors(Path log) {
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log.toFile(), "r")) {
      f.seek(logOffset);
      byte[] rest = new byte[(int) Math.max(0, f.length() - logOffset)];
      f.readFully(rest);
      List<String> lines = new String(rest, StandardCharsets.UTF_8).lines().toList();
      StringBuilder out = new StringBuilder();
      int keep = 0;
      for (String line : lines) {
        if (line.startsWith("ERROR")) {
          keep = 4;
        }
        if (keep > 0 && out.length() < 8_000) {
          out.append(line).append('\n');
          keep--;
        }
      }
      return out.length() == 0 ? "(none)" : out.toString();
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the node gracefully (SIGTERM, then SIGKILL after 30 s). */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Kills the node at once (SIGKILL), as a crash would. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /**
   * @return the node's operating system process id, e.g. to read its CPU time
   * @throws IllegalStateException if the node is not running
   */
  public synchronized long pid() {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("the node on " + address + " is not running");
    }
    return process.pid();
  }

  /**
   * @return whether the child process is alive
   */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() {
    stop();
  }

  private static Path cassandraLib() {
    Path lib = CassandraJars.lib();
    if (!Files.isRegularFile(lib.resolve("cassandra-all-" + cassandraVersion(lib) + ".jar"))) {
      throw new IllegalStateException("no Cassandra server jars in " + lib
          + " (-Ddelpha.cassandra.lib names a folder of them; without it the harness provisions them)");
    }
    return lib;
  }

  private static String cassandraVersion(Path lib) {
    try (Stream<Path> jars = Files.list(lib)) {
      return jars.map(j -> j.getFileName().toString())
          .filter(n -> n.startsWith("cassandra-all-") && n.endsWith(".jar"))
          .map(n -> n.substring("cassandra-all-".length(), n.length() - 4))
          .findFirst().orElse("missing");
    } catch (IOException e) {
      return "missing";
    }
  }

  private static String launcherLocation() {
    try {
      return Path.of(CassandraLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      throw new IllegalStateException("cannot locate the harness classes", e);
    }
  }

  /** A JDK 11 or 17 for the child: Cassandra 5.0 refuses newer ones. */
  static Path childJava() {
    int running = Runtime.version().feature();
    if (running == 11 || running == 17) {
      return Path.of(System.getProperty("java.home"), "bin", "java");
    }
    String env = System.getenv("CASSANDRA_JAVA_HOME");
    if (env != null && Files.isExecutable(Path.of(env, "bin", "java"))) {
      return Path.of(env, "bin", "java");
    }
    try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
      Optional<Path> found = jvms
          .filter(j -> j.getFileName().toString().contains("17"))
          .map(j -> j.resolve("bin/java"))
          .filter(Files::isExecutable)
          .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
    } catch (IOException ignored) {
      // no /usr/lib/jvm: fall through to the error below
    }
    throw new IllegalStateException("Cassandra 5.0 needs a JDK 11 or 17 and this JVM is " + running
        + ": set CASSANDRA_JAVA_HOME to a JDK 17");
  }

  private void configure() {
    try {
      Path conf = Files.createDirectories(dir.resolve("conf"));
      Path data = Files.createDirectories(dir.resolve("data"));
      StringBuilder y = new StringBuilder();
      y.append("cluster_name: delpha-test\n")
          .append("num_tokens: 1\ninitial_token: ").append(initialToken).append('\n')
          .append("auto_bootstrap: false\n")
          .append("partitioner: org.apache.cassandra.dht.Murmur3Partitioner\n")
          .append("endpoint_snitch: SimpleSnitch\n")
          .append("listen_address: ").append(address).append("\nrpc_address: ").append(address).append('\n')
          .append("storage_port: ").append(storagePort).append('\n')
          .append("native_transport_port: ").append(nativePort).append('\n')
          .append("seed_provider:\n  - class_name: org.apache.cassandra.locator.SimpleSeedProvider\n")
          .append("    parameters:\n      - seeds: \"").append(seed).append(':').append(storagePort).append("\"\n")
          .append("data_file_directories:\n  - ").append(data.resolve("data")).append('\n')
          .append("commitlog_directory: ").append(data.resolve("commitlog")).append('\n')
          .append("saved_caches_directory: ").append(data.resolve("saved_caches")).append('\n')
          .append("hints_directory: ").append(data.resolve("hints")).append('\n')
          .append("cdc_raw_directory: ").append(data.resolve("cdc_raw")).append('\n')
          .append("storage_compatibility_mode: NONE\n")
          .append("concurrent_compactors: 1\n")
          .append("memtable_heap_space: 64MiB\nmemtable_offheap_space: 64MiB\n")
          .append("dynamic_snitch: false\n")
          .append("commitlog_sync: periodic\ncommitlog_sync_period: 10000ms\n")
          .append("materialized_views_enabled: true\n")
          .append("user_defined_functions_enabled: true\n")
          .append("sasi_indexes_enabled: true\n")
          .append("auto_snapshot: false\n")
          .append("start_native_transport: true\n")
          .append("read_request_timeout: 10000ms\nwrite_request_timeout: 10000ms\n")
          .append("range_request_timeout: 20000ms\ncas_contention_timeout: 5000ms\n")
          .append("truncate_request_timeout: 60000ms\nrequest_timeout: 20000ms\n");
      if (variant.auth) {
        y.append("authenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\n")
            .append("role_manager: CassandraRoleManager\n")
            .append("roles_validity: 0ms\npermissions_validity: 0ms\ncredentials_validity: 0ms\n");
      } else {
        y.append("authenticator: AllowAllAuthenticator\nauthorizer: AllowAllAuthorizer\n");
      }
      if (variant.tls != Tls.NONE) {
        Path tls = generateCertificates();
        y.append("client_encryption_options:\n")
            .append("  enabled: true\n  optional: false\n")
            .append("  keystore: ").append(tls.resolve("server.p12")).append('\n')
            .append("  keystore_password: ").append(STORE_PASSWORD).append('\n')
            .append("  store_type: PKCS12\n");
        if (variant.tls == Tls.MUTUAL) {
          y.append("  require_client_auth: true\n")
              .append("  truststore: ").append(tls.resolve("truststore.p12")).append('\n')
              .append("  truststore_password: ").append(STORE_PASSWORD).append('\n');
        } else {
          y.append("  require_client_auth: false\n");
        }
      }
      Files.writeString(conf.resolve("cassandra.yaml"), y.toString());
      Files.writeString(conf.resolve("logback.xml"), """
          <configuration>
            <appender name="FILE" class="ch.qos.logback.core.FileAppender">
              <file>${cassandra.logdir}/system.log</file>
              <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
            </appender>
            <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
              <filter class="ch.qos.logback.classic.filter.ThresholdFilter"><level>INFO</level></filter>
              <encoder><pattern>%-5level %date{HH:mm:ss,SSS} %msg%n</pattern></encoder>
            </appender>
            <root level="INFO"><appender-ref ref="FILE"/><appender-ref ref="STDOUT"/></root>
          </configuration>
          """);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the Cassandra configuration under " + dir, e);
    }
  }

  private static final String STORE_PASSWORD = TlsMaterial.STORE_PASSWORD;

  private Path generateCertificates() throws IOException {
    return TlsMaterial.generate(dir.resolve("tls"), childJava().getParent().resolve("keytool")).dir();
  }
}
