package io.delpha.sdk.changes;

import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.changes.internal.StreamRunner;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.salesforce.SalesforceClient;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Salesforce Change Data Capture over the Pub/Sub API, applied into the organisation's Cassandra tables.
 *
 * <pre>{@code
 * try (SalesforceChangeStream changes = SalesforceChangeStream.builder()
 *     .topic("/data/AccountChangeEvent")          // or /data/ChangeEvents: every object selected for CDC
 *     .keyspace("org_00d5e000001")
 *     .cql(cassandra)                             // the tables and the checkpoint
 *     .salesforce(sf)                             // re-reads (gaps, diffs, overflows, re-syncs) and the login:
 *                                                 // sf.session()'s token, instance URL and org id
 *     .build()) {
 *   changes.start();
 * }
 * }</pre>
 *
 * <p>What it does with each change type, as Salesforce documents them: {@code CREATE} and {@code UNDELETE} write every
 * field of the record; {@code UPDATE} writes its changed fields only, a null only where {@code nulledFields} names
 * the field; {@code DELETE} deletes the row; a gap event ({@code GAP_CREATE}, {@code GAP_UPDATE}, ...) and a field sent
 * as a diff re-read the records over REST; {@code GAP_OVERFLOW} re-reads the whole object. Compound fields are stored
 * as the object's flat fields ({@code BillingAddress.City} as {@code billingcity}, {@code Name.FirstName} as {@code
 * firstname}); the table ({@code id text} key, a column per field, lower case) is created or widened from the event's
 * schema. Each write carries a timestamp from its change's commit time, ordered as the changes were committed, so a
 * change written again (after a dropped stream, a restart, a crash) leaves the row as it was; the replay id is
 * checkpointed only after the writes of its answer are acknowledged. Every answer is bounded: its size ({@code
 * responseLimits().maxBodyBytes()}), its events against those requested, a schema's size and depth, the silence
 * between answers ({@code keepAliveTimeout}); a breach is a {@code ResponseLimitException} and ends the stream as
 * {@code FAILED}. Thread-safe.
 */
public final class SalesforceChangeStream implements ChangeStream {

  private final ChangeStreamConfig config;
  private final CqlExecutor cql;
  private final SalesforceClient salesforce;
  private final PubSubLogin login;
  private final @Nullable Supplier<?> channels;
  private final StreamRunner runner;
  private final ClosedGuard guard = new ClosedGuard("this SalesforceChangeStream");

  SalesforceChangeStream(ChangeStreamConfig config, CqlExecutor cql, SalesforceClient salesforce, PubSubLogin login,
      @Nullable Supplier<?> channels) {
    this.config = config;
    this.cql = cql;
    this.salesforce = salesforce;
    this.login = login;
    this.channels = channels;
    this.runner = new StreamRunner(config, cql, salesforce, login, channels);
  }

  /**
   * @return a builder; {@code build()} subscribes to nothing
   */
  public static SalesforceChangeStreamBuilder builder() {
    return new SalesforceChangeStreamBuilder();
  }

  /**
   * @return the settings
   */
  public ChangeStreamConfig config() {
    return config;
  }

  /**
   * @return a builder holding this stream's settings and collaborators, so {@code toBuilder().build().config()} equals
   *     {@link #config()}; works on a closed stream too
   */
  public SalesforceChangeStreamBuilder toBuilder() {
    return config.toBuilder().collaborators(cql, salesforce, login, channels);
  }

  @Override
  public void start() {
    guard.check();
    runner.start();
  }

  @Override
  public void stop() {
    guard.check();
    runner.stop();
  }

  @Override
  public ChangeStreamStatus status() {
    guard.check();
    return runner.status();
  }

  @Override
  public void close() {
    if (guard.close()) {
      runner.close();
    }
  }

  @Override
  public String toString() {
    return "SalesforceChangeStream[" + config.topic() + " into " + config.keyspace() + "]";
  }
}
