package io.delpha.sdk.changes;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.internal.Settings;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link SalesforceChangeStream} subscribes and applies, as its builder resolved it. Immutable, made only by its
 * builder; equal when every setting is equal. The collaborators (the Cassandra executor, the Salesforce client, the
 * login) are not settings: {@link SalesforceChangeStream#toBuilder()} carries them, this config's {@link #toBuilder()}
 * does not.
 */
public final class ChangeStreamConfig {

  static final Settings SETTINGS = new Settings("ChangeStreamConfig");
  static final Settings.Setting<String> TOPIC = SETTINGS.required("topic");
  static final Settings.Setting<String> KEYSPACE = SETTINGS.required("keyspace");
  static final Settings.Setting<String> TABLE = SETTINGS.optional("table");
  static final Settings.Setting<String> ENDPOINT = SETTINGS.add("endpoint", "api.pubsub.salesforce.com:7443");
  static final Settings.Setting<ReplayPreset> REPLAY_PRESET = SETTINGS.add("replayPreset", ReplayPreset.LATEST);
  static final Settings.Setting<String> REPLAY_ID = SETTINGS.optional("replayId");
  static final Settings.Setting<Integer> BATCH_SIZE = SETTINGS.add("batchSize", 100);
  static final Settings.Setting<Duration> KEEP_ALIVE_TIMEOUT =
      SETTINGS.add("keepAliveTimeout", Duration.ofSeconds(300));
  static final Settings.Setting<Integer> MAX_SCHEMA_DEPTH = SETTINGS.add("maxSchemaDepth", 16);
  static final Settings.Setting<String> CHECKPOINT_TABLE =
      SETTINGS.add("checkpointTable", "salesforce_change_checkpoints");
  static final Settings.Setting<Duration> REQUEST_TIMEOUT = SETTINGS.add("requestTimeout", Duration.ofSeconds(60));
  static final Settings.Setting<RetryPolicy> RETRY_POLICY = SETTINGS.add("retryPolicy", RetryPolicy.defaults());
  static final Settings.Setting<Clock> CLOCK = SETTINGS.add("clock", Clock.systemUTC());
  static final Settings.Setting<Metrics> METRICS = SETTINGS.add("metrics", Metrics.none());
  static final Settings.Setting<ResponseLimits> RESPONSE_LIMITS =
      SETTINGS.add("responseLimits", ResponseLimits.defaults());
  static final Settings.Setting<String> MANAGED_SUBSCRIPTION = SETTINGS.optional("managedSubscription");
  // whole-object re-reads over Bulk API 2.0
  static final Settings.Setting<Long> BULK_REREAD_ABOVE = SETTINGS.add("bulkRereadAbove", 2_000L);

  private final Settings.Values values;

  /** Made by {@link SalesforceChangeStreamBuilder} only. */
  ChangeStreamConfig(Settings.Values values) {
    this.values = values;
  }

  /**
   * @return the topic: {@code /data/AccountChangeEvent} (one object), {@code /data/ChangeEvents} (every object
   *     selected for Change Data Capture) or a custom channel {@code /data/Name__chn}
   */
  public String topic() {
    return values.get(TOPIC);
  }

  /**
   * @return the keyspace of the organisation's tables (and of the checkpoint table)
   */
  public String keyspace() {
    return values.get(KEYSPACE);
  }

  /**
   * @return the table changes are applied to, or {@code null} for each object's own table, named as the object in
   *     lower case ({@code account}, {@code contact}); a table named here takes the changes of every object of the topic
   */
  public @Nullable String table() {
    return values.find(TABLE);
  }

  /**
   * @return the Pub/Sub API's {@code host:port} (default {@code api.pubsub.salesforce.com:7443}); TLS always, except to
   *     a loopback address
   */
  public String endpoint() {
    return values.get(ENDPOINT);
  }

  /**
   * @return where a stream without a checkpoint starts (default {@link ReplayPreset#LATEST})
   */
  public ReplayPreset replayPreset() {
    return values.get(REPLAY_PRESET);
  }

  /**
   * @return the replay id (hex) a {@link ReplayPreset#CUSTOM} stream without a checkpoint starts after, or {@code null}
   */
  public @Nullable String replayId() {
    return values.find(REPLAY_ID);
  }

  /**
   * @return how many events the stream asks for at a time ({@code FetchRequest.num_requested}, default 100, at most
   *     100): never more in flight than one answer the stream applies before it checkpoints
   */
  public int batchSize() {
    return values.get(BATCH_SIZE);
  }

  /**
   * @return how long the stream waits for any answer (the API sends a keep-alive within 270 s when there is no event)
   *     before it fails with a {@code ResponseLimitException} naming {@code keepAliveTimeout} (default 300 s)
   */
  public Duration keepAliveTimeout() {
    return values.get(KEEP_ALIVE_TIMEOUT);
  }

  /**
   * @return the deepest nesting an event schema may have (default 16); the schema's size is bounded by the response
   *     limits' {@code maxBodyBytes}
   */
  public int maxSchemaDepth() {
    return values.get(MAX_SCHEMA_DEPTH);
  }

  /**
   * @return the table of the keyspace where the replay id of each topic is checkpointed (default {@code
   *     salesforce_change_checkpoints}; created if absent)
   */
  public String checkpointTable() {
    return values.get(CHECKPOINT_TABLE);
  }

  /**
   * @return the deadline of a unary call ({@code GetTopic}, {@code GetSchema}; default 60 s), and the most a stream
   *     that ends (stopped, or its subscription dropped) waits for its writes and checkpoints in flight
   */
  public Duration requestTimeout() {
    return values.get(REQUEST_TIMEOUT);
  }

  /**
   * @return the pauses between subscriptions made again after a dropped stream, and how many failed in a row (without
   *     an answer between them) end the stream as {@code FAILED}
   */
  public RetryPolicy retryPolicy() {
    return values.get(RETRY_POLICY);
  }

  /**
   * @return the clock of the lag and of whole-object re-reads
   */
  public Clock clock() {
    return values.get(CLOCK);
  }

  /**
   * @return where the stream's work is metered ({@link Metrics#none()} for nowhere)
   */
  public Metrics metrics() {
    return values.get(METRICS);
  }

  /**
   * @return the bounds on what the Pub/Sub API sends: {@code maxBodyBytes} bounds one answer (an event's payload
   *     included) and one schema
   */
  public ResponseLimits responseLimits() {
    return values.get(RESPONSE_LIMITS);
  }

  /**
   * @return the ManagedEventSubscription the stream reads through {@code ManagedSubscribe} (its developer name, or the
   *     15 or 18 character id of its record, prefix {@code 18x}), committing to the server each replay id whose
   *     changes are written; or {@code null} (the default) for {@code Subscribe}, the replay id kept by the checkpoint
   *     alone
   */
  public @Nullable String managedSubscription() {
    return values.find(MANAGED_SUBSCRIPTION);
  }

  /**
   * @return how many records an object may have and still be re-read whole over the REST query API (default 2,000,
   *     one REST page; Salesforce's guidance for Bulk API 2.0): after a {@code GAP_OVERFLOW} or an expired replay id,
   *     an object is counted first ({@code SELECT COUNT()}) and one of more records is re-read with a Bulk API 2.0
   *     query job; {@link Long#MAX_VALUE} re-reads every object over REST, without counting
   */
  public long bulkRereadAbove() {
    return values.get(BULK_REREAD_ABOVE);
  }

  /**
   * The settings a builder holds, without building the stream: the same checks as {@code build()}.
   *
   * @param settings a builder holding the settings
   * @return the config that building {@code settings} would give
   * @throws io.delpha.sdk.core.InvalidInputException if a setting is missing or wrong
   */
  public static ChangeStreamConfig from(SalesforceChangeStreamBuilder settings) {
    return settings.settings();
  }

  /**
   * @return a builder holding every setting of this config (no collaborator)
   */
  public SalesforceChangeStreamBuilder toBuilder() {
    return new SalesforceChangeStreamBuilder(values.toDraft());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ChangeStreamConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** In the form a record prints itself: every setting by name. */
  @Override
  public String toString() {
    return values.toString();
  }
}
