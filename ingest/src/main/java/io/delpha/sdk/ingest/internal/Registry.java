package io.delpha.sdk.ingest.internal;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.cassandra.QuorumExecutor;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.ingest.RegisteredApp;
import io.delpha.sdk.core.internal.JsonSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The ingestor's own tables, in one registry keyspace: customers (with password hashes, never
 * passwords), file leases, and one metrics row per ingestion run. Every statement runs with the
 * decisions of {@link QuorumExecutor}: reads and writes at {@code LOCAL_QUORUM}, leases (lightweight
 * transactions) at {@code LOCAL_SERIAL}, upserts marked idempotent, conditional statements not.
 */
public final class Registry {

  /**
   * A registered customer.
   *
   * @param id the customer's id
   * @param passwordHash the PBKDF2 hash
   * @param keyspace the customer's keyspace
   * @param app the name of the customer's ingest app
   * @param constraints the upload constraints
   */
  public record Customer(String id, String passwordHash, String keyspace, String app, IngestionConstraints constraints) {
    @Override
    public String toString() {
      return "Customer[id=" + id + ", keyspace=" + keyspace + ", app=" + app + ", constraints=" + constraints.toJson() + "]";
    }
  }

  /** The one partition of {@code customer_list}: every customer, so the list is a single-partition read. */
  private static final int LIST_PARTITION = 0;

  private final CqlExecutor cql;
  private final String keyspace;
  /** {@link #keyspace} as CQL text ({@link CqlNames}). */
  private final String ks;

  /**
   * @param cql where the tables live
   * @param keyspace the registry keyspace
   * @param replication its replication map in CQL, used if it has to be created
   */
  public Registry(CqlExecutor cql, String keyspace, String replication) {
    this.cql = new QuorumExecutor(cql); // LOCAL_QUORUM; leases LOCAL_SERIAL
    this.keyspace = keyspace;
    this.ks = CqlNames.quote(keyspace);
    cql.execute("CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = " + replication);
    cql.execute("CREATE TABLE IF NOT EXISTS " + ks + ".customers (customer_id text PRIMARY KEY, password_hash text, "
        + "keyspace_name text, app text, constraints text, registered_at timestamp) WITH " + QuorumExecutor.TABLE_OPTIONS);
    // the customers again, in one partition: a range read of `customers` waits on a dead or hung replica until the
    // coordinators convict it (docs/scale-out.md, "A node dies or hangs"); a single-partition read does not
    cql.execute("CREATE TABLE IF NOT EXISTS " + ks + ".customer_list (list int, customer_id text, password_hash text, "
        + "keyspace_name text, app text, constraints text, registered_at timestamp, PRIMARY KEY ((list), customer_id)) WITH "
        + QuorumExecutor.TABLE_OPTIONS);
    if (this.cql.execute("SELECT customer_id FROM " + ks + ".customer_list WHERE list = ? LIMIT 1", LIST_PARTITION)
        .one() == null) { // a registry made before the list (or an empty one): its customers copied (they are few)
      for (Row r : this.cql.execute("SELECT * FROM " + ks + ".customers")) {
        this.cql.execute("INSERT INTO " + ks + ".customer_list (list, customer_id, password_hash, keyspace_name, app, "
            + "constraints, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?)", LIST_PARTITION, r.getString("customer_id"),
            r.getString("password_hash"), r.getString("keyspace_name"), r.getString("app"),
            r.getString("constraints"), r.getInstant("registered_at"));
      }
    }
    cql.execute("CREATE TABLE IF NOT EXISTS " + ks + ".ingest_claims (file_key text PRIMARY KEY, owner text, "
        + "claimed_at timestamp) WITH " + QuorumExecutor.TABLE_OPTIONS);
    cql.execute("CREATE TABLE IF NOT EXISTS " + ks + ".ingest_metrics (customer_id text, file_key text, run_id timeuuid, "
        + "file_name text, size_bytes bigint, rows_ingested bigint, rows_rejected bigint, elapsed_ms bigint, "
        + "status text, error text, worker text, finished_at timestamp, PRIMARY KEY ((customer_id), file_key, run_id)) WITH "
        + QuorumExecutor.TABLE_OPTIONS);
    cql.execute("CREATE TABLE IF NOT EXISTS " + ks + ".ingest_apps (customer_id text, name text, version int, "
        + "command text, files text, bytes bigint, registered_at timestamp, ready boolean, PRIMARY KEY ((customer_id), name, version)) "
        + "WITH CLUSTERING ORDER BY (name ASC, version DESC) AND " + QuorumExecutor.TABLE_OPTIONS);
  }

  /**
   * @return the registry keyspace
   */
  public String keyspace() {
    return keyspace;
  }

  /**
   * @param c the customer to add or replace
   */
  public void put(Customer c) {
    Instant now = Instant.now();
    cql.execute("INSERT INTO " + ks + ".customers (customer_id, password_hash, keyspace_name, app, constraints, "
        + "registered_at) VALUES (?, ?, ?, ?, ?, ?)", c.id(), c.passwordHash(), c.keyspace(), c.app(),
        c.constraints().toJson(), now);
    cql.execute("INSERT INTO " + ks + ".customer_list (list, customer_id, password_hash, keyspace_name, app, "
        + "constraints, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?)", LIST_PARTITION, c.id(), c.passwordHash(),
        c.keyspace(), c.app(), c.constraints().toJson(), now);
  }

  /**
   * @param id a customer id
   * @return the customer, if registered
   */
  public Optional<Customer> get(String id) {
    Row r = cql.execute("SELECT * FROM " + ks + ".customers WHERE customer_id = ?", id).one();
    return Optional.ofNullable(r).map(Registry::customer);
  }

  /**
   * @return every customer, by id: one single-partition read
   */
  public List<Customer> all() {
    List<Customer> out = new ArrayList<>();
    cql.execute("SELECT * FROM " + ks + ".customer_list WHERE list = ?", LIST_PARTITION)
        .forEach(r -> out.add(customer(r)));
    return out;
  }

  private static Customer customer(Row r) {
    return new Customer(text(r, "customer_id"), text(r, "password_hash"), text(r, "keyspace_name"),
        text(r, "app"), IngestionConstraints.fromJson(text(r, "constraints")));
  }

  /**
   * Takes the lease on a file, or renews it if this owner holds it already.
   *
   * @param key the staged file's key
   * @param owner this manager's id
   * @param ttl how long the lease lasts without renewal
   * @return whether this owner holds the lease now
   */
  public boolean claim(String key, String owner, Duration ttl) {
    Row r = cql.execute("INSERT INTO " + ks + ".ingest_claims (file_key, owner, claimed_at) VALUES (?, ?, ?) "
        + "IF NOT EXISTS USING TTL ?", key, owner, Instant.now(), ttlSeconds(ttl)).one();
    Objects.requireNonNull(r, "a conditional write answers one row");
    if (r.getBoolean("[applied]")) {
      return true;
    }
    return owner.equals(r.getString("owner")) && renew(key, owner, ttl);
  }

  /**
   * @param key the staged file's key
   * @param owner this manager's id
   * @param ttl the new lease duration
   * @return whether this owner still held the lease and extended it
   */
  public boolean renew(String key, String owner, Duration ttl) {
    // every cell is rewritten with the new TTL: a TTL applies only to the cells an UPDATE sets, and an
    // owner cell left without one would hold the lease forever after its holder dies
    Row r = cql.execute("UPDATE " + ks + ".ingest_claims USING TTL ? SET owner = ?, claimed_at = ? WHERE file_key = ? "
        + "IF owner = ?", ttlSeconds(ttl), owner, Instant.now(), key, owner).one();
    return Objects.requireNonNull(r, "a conditional write answers one row").getBoolean("[applied]");
  }

  /**
   * @param key the staged file's key
   * @param owner this manager's id; another owner's lease is left alone
   */
  public void release(String key, String owner) {
    cql.execute("DELETE FROM " + ks + ".ingest_claims WHERE file_key = ? IF owner = ?", key, owner);
  }

  /**
   * @param f the figures of one run
   */
  public void record(FileIngestion f) {
    cql.execute("INSERT INTO " + ks + ".ingest_metrics (customer_id, file_key, run_id, file_name, size_bytes, "
        + "rows_ingested, rows_rejected, elapsed_ms, status, error, worker, finished_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", f.customer(), f.stagedKey(), Uuids.timeBased(), f.fileName(),
        f.sizeBytes(), f.rowsIngested(), f.rowsRejected(), f.elapsed().toMillis(), f.status().name(), f.error(),
        f.worker(), f.finishedAt());
  }

  /**
   * @param customerId the customer
   * @param limit how many runs at most
   * @return the customer's recorded runs, newest first
   */
  public List<FileIngestion> history(String customerId, int limit) {
    List<FileIngestion> out = new ArrayList<>();
    for (Row r : cql.execute("SELECT * FROM " + ks + ".ingest_metrics WHERE customer_id = ?", customerId)) {
      out.add(new FileIngestion(text(r, "customer_id"), text(r, "file_name"), text(r, "file_key"),
          r.getLong("size_bytes"), r.getLong("rows_ingested"), r.getLong("rows_rejected"),
          Duration.ofMillis(r.getLong("elapsed_ms")), FileIngestion.Status.valueOf(text(r, "status")),
          r.getString("error"), text(r, "worker"), instant(r, "finished_at")));
    }
    out.sort(java.util.Comparator.comparing(FileIngestion::finishedAt).reversed());
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  private static int ttlSeconds(Duration ttl) {
    return (int) Math.max(1, ttl.toSeconds());
  }

  /**
   * Adds the next version of a customer's app, not ready until {@link #appReady}: one more than the newest, claimed with a lightweight transaction so
   * two registrations racing never share a version.
   *
   * @param customer the customer
   * @param name the app's name
   * @param command the program and its arguments
   * @param files the names of its files
   * @param bytes their total size
   * @param firstTry the version to try first (the newest known plus one); a taken one moves on
   * @return the stored version
   */
  public RegisteredApp addApp(String customer, String name, List<String> command, List<String> files, long bytes,
      int firstTry) {
    for (int v = firstTry; ; v++) {
      Instant now = Instant.now();
      Row r = cql.execute("INSERT INTO " + ks + ".ingest_apps (customer_id, name, version, command, files, bytes, "
          + "registered_at, ready) VALUES (?, ?, ?, ?, ?, ?, ?, false) IF NOT EXISTS", customer, name, v, json(command), json(files),
          bytes, now).one();
      Objects.requireNonNull(r, "a conditional write answers one row");
      if (r.getBoolean("[applied]")) {
        return new RegisteredApp(customer, name, v, command, files, bytes, now);
      }
    }
  }

  /**
   * @param customer the customer
   * @param name an app's name
   * @return the newest version of it, if any
   */
  public Optional<RegisteredApp> latestApp(String customer, String name) {
    for (Row r : cql.execute("SELECT * FROM " + ks + ".ingest_apps WHERE customer_id = ? AND name = ?", customer,
        name)) {
      if (r.getBoolean("ready")) {
        return Optional.of(app(r));
      }
    }
    return Optional.empty();
  }

  /**
   * Makes a version usable, once its files are all stored.
   *
   * @param app the version
   */
  public void appReady(RegisteredApp app) {
    cql.execute("UPDATE " + ks + ".ingest_apps SET ready = true WHERE customer_id = ? AND name = ? AND version = ?",
        app.customer(), app.name(), app.version());
  }

  /**
   * @param customer the customer
   * @return every complete version of every app of the customer, by name then newest first
   */
  public List<RegisteredApp> apps(String customer) {
    List<RegisteredApp> out = new ArrayList<>();
    for (Row r : cql.execute("SELECT * FROM " + ks + ".ingest_apps WHERE customer_id = ?", customer)) {
      if (r.getBoolean("ready")) {
        out.add(app(r));
      }
    }
    return out;
  }

  /**
   * @param customer the customer
   * @param name the app whose every version goes
   */
  public void removeApp(String customer, String name) {
    cql.execute("DELETE FROM " + ks + ".ingest_apps WHERE customer_id = ? AND name = ?", customer, name);
  }

  /**
   * @param customer a registered customer
   * @param app the name of the app its next files are read with
   */
  public void useApp(String customer, String app) {
    cql.execute("UPDATE " + ks + ".customers SET app = ? WHERE customer_id = ?", app, customer);
    cql.execute("UPDATE " + ks + ".customer_list SET app = ? WHERE list = ? AND customer_id = ?", app, LIST_PARTITION,
        customer);
  }

  private static RegisteredApp app(Row r) {
    return new RegisteredApp(text(r, "customer_id"), text(r, "name"), r.getInt("version"),
        strings(text(r, "command")), strings(text(r, "files")), r.getLong("bytes"), instant(r, "registered_at"));
  }

  /** A text column the registry writes with every row it inserts. */
  private static String text(Row r, String column) {
    return Objects.requireNonNull(r.getString(column), () -> "registry column " + column + " is unset");
  }

  /** A timestamp column the registry writes with every row it inserts. */
  private static Instant instant(Row r, String column) {
    return Objects.requireNonNull(r.getInstant(column), () -> "registry column " + column + " is unset");
  }

  private static String json(List<String> list) {
    try {
      return JsonSupport.MAPPER.writeValueAsString(list);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> strings(String json) {
    try {
      return List.of(JsonSupport.MAPPER.readValue(json, String[].class));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new io.delpha.sdk.core.DataFormatException("a malformed list in the app registry: " + e.getOriginalMessage(), e);
    }
  }
}
