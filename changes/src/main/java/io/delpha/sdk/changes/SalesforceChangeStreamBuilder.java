package io.delpha.sdk.changes;

import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.changes.internal.ManagedSubscriptionName;
import io.delpha.sdk.changes.internal.ManagerLogin;
import io.delpha.sdk.salesforce.SalesforceClient;
import io.delpha.sdk.salesforce.SalesforceManager;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link SalesforceChangeStream}. The settings are those of {@link ChangeStreamConfig}; the collaborators,
 * which stay the host's to close, are the Cassandra executor the changes are written through ({@link #cql}), the
 * Salesforce client records are re-read with ({@link #salesforce}) and the Pub/Sub login ({@link #login}; a {@link
 * SalesforceManager} given to {@link #salesforce(SalesforceManager)} is the login too).
 * {@code build()} subscribes to nothing: {@link ChangeStream#start()} does.
 */
public final class SalesforceChangeStreamBuilder implements ClientBuilder<SalesforceChangeStreamBuilder,
    SalesforceChangeStream>, ClientBuilder.WithClock<SalesforceChangeStreamBuilder>,
    ClientBuilder.WithRetries<SalesforceChangeStreamBuilder>,
    ClientBuilder.WithRequestTimeout<SalesforceChangeStreamBuilder>,
    ClientBuilder.WithResponseLimits<SalesforceChangeStreamBuilder> {

  private static final Pattern TOPIC = Pattern.compile("/data/[A-Za-z][A-Za-z0-9_]{0,120}");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");

  private final Settings.Draft draft;
  private @Nullable CqlExecutor cql;
  private @Nullable SalesforceClient salesforce;
  private @Nullable PubSubLogin login;
  private @Nullable PubSubLogin managerLogin;
  private @Nullable Supplier<?> channels;

  SalesforceChangeStreamBuilder() {
    this(ChangeStreamConfig.SETTINGS.draft());
  }

  /** A builder holding {@code draft}'s settings: {@link ChangeStreamConfig#toBuilder()}. */
  SalesforceChangeStreamBuilder(Settings.Draft draft) {
    this.draft = draft;
  }

  private <T> SalesforceChangeStreamBuilder set(Settings.Setting<T> setting, T value) {
    draft.set(setting, Objects.requireNonNull(value, setting.name()));
    return this;
  }

  /**
   * @param topic {@code /data/AccountChangeEvent}, {@code /data/ChangeEvents} or a custom channel; required
   * @return this builder
   */
  public SalesforceChangeStreamBuilder topic(String topic) {
    return set(ChangeStreamConfig.TOPIC, topic);
  }

  /**
   * @param keyspace the organisation's keyspace, which holds the tables and the checkpoint table; required
   * @return this builder
   */
  public SalesforceChangeStreamBuilder keyspace(String keyspace) {
    return set(ChangeStreamConfig.KEYSPACE, keyspace);
  }

  /**
   * @param table the one table every change of the topic goes to, or {@code null} (the default) for each object's
   *     own table, named as the object in lower case
   * @return this builder
   */
  public SalesforceChangeStreamBuilder table(@Nullable String table) {
    draft.setOrClear(ChangeStreamConfig.TABLE, table);
    return this;
  }

  /**
   * @param endpoint the Pub/Sub API's {@code host:port} (default {@code api.pubsub.salesforce.com:7443})
   * @return this builder
   */
  public SalesforceChangeStreamBuilder endpoint(String endpoint) {
    return set(ChangeStreamConfig.ENDPOINT, endpoint);
  }

  /**
   * @param preset where a stream without a checkpoint starts (default {@link ReplayPreset#LATEST})
   * @return this builder
   */
  public SalesforceChangeStreamBuilder replayPreset(ReplayPreset preset) {
    return set(ChangeStreamConfig.REPLAY_PRESET, preset);
  }

  /**
   * @param replayId the replay id, in hex, a {@link ReplayPreset#CUSTOM} stream without a checkpoint starts after, or
   *     {@code null}
   * @return this builder
   */
  public SalesforceChangeStreamBuilder replayId(@Nullable String replayId) {
    draft.setOrClear(ChangeStreamConfig.REPLAY_ID, replayId);
    return this;
  }

  /**
   * @param events how many events the stream asks for at a time, 1 to 100 (default 100)
   * @return this builder
   */
  public SalesforceChangeStreamBuilder batchSize(int events) {
    return set(ChangeStreamConfig.BATCH_SIZE, events);
  }

  /**
   * @param timeout how long the stream waits for any answer before it fails (default 300 s; keep-alives come within
   *     270 s)
   * @return this builder
   */
  public SalesforceChangeStreamBuilder keepAliveTimeout(Duration timeout) {
    return set(ChangeStreamConfig.KEEP_ALIVE_TIMEOUT, timeout);
  }

  /**
   * @param depth the deepest nesting an event schema may have (default 16)
   * @return this builder
   */
  public SalesforceChangeStreamBuilder maxSchemaDepth(int depth) {
    return set(ChangeStreamConfig.MAX_SCHEMA_DEPTH, depth);
  }

  /**
   * @param table the checkpoint table's name (default {@code salesforce_change_checkpoints})
   * @return this builder
   */
  public SalesforceChangeStreamBuilder checkpointTable(String table) {
    return set(ChangeStreamConfig.CHECKPOINT_TABLE, table);
  }

  @Override
  public SalesforceChangeStreamBuilder requestTimeout(Duration timeout) {
    return set(ChangeStreamConfig.REQUEST_TIMEOUT, timeout);
  }

  @Override
  public SalesforceChangeStreamBuilder retryPolicy(RetryPolicy policy) {
    return set(ChangeStreamConfig.RETRY_POLICY, policy);
  }

  @Override
  public SalesforceChangeStreamBuilder clock(Clock clock) {
    return set(ChangeStreamConfig.CLOCK, clock);
  }

  @Override
  public SalesforceChangeStreamBuilder metrics(Metrics metrics) {
    return set(ChangeStreamConfig.METRICS, metrics);
  }

  @Override
  public SalesforceChangeStreamBuilder responseLimits(ResponseLimits limits) {
    return set(ChangeStreamConfig.RESPONSE_LIMITS, limits);
  }

  /**
   * Reads the topic through a managed subscription ({@code ManagedSubscribe}, beta in the Pub/Sub API): the server keeps
   * the replay id the stream commits after the writes of each answer are acknowledged, and a subscription made again
   * resumes after it. The checkpoint is kept as well (status, a later start without this setting). The
   * ManagedEventSubscription record (Tooling or Metadata API) must name the same topic; its {@code defaultReplay}, not
   * {@link #replayPreset}, says where a subscription with nothing committed starts.
   *
   * @param developerNameOrId the subscription's developer name, or the 15 or 18 character id of its record ({@code
   *     18x...}); {@code null} (the default) for {@code Subscribe}
   * @return this builder
   */
  public SalesforceChangeStreamBuilder managedSubscription(@Nullable String developerNameOrId) {
    draft.setOrClear(ChangeStreamConfig.MANAGED_SUBSCRIPTION, developerNameOrId);
    return this;
  }

  /**
   * @param records how many records an object may have and still be re-read whole over REST after a {@code
   *     GAP_OVERFLOW} or an expired replay id; an object of more is re-read with a Bulk API 2.0 query job (default
   *     2,000; {@link Long#MAX_VALUE} for REST always, without counting; 0 or more)
   * @return this builder
   */
  public SalesforceChangeStreamBuilder bulkRereadAbove(long records) {
    return set(ChangeStreamConfig.BULK_REREAD_ABOVE, records);
  }

  /**
   * @param cql the executor changes and checkpoints are written through (the host's to close); required
   * @return this builder
   */
  public SalesforceChangeStreamBuilder cql(CqlExecutor cql) {
    this.cql = Objects.requireNonNull(cql, "cql");
    return this;
  }

  /**
   * @param salesforce the client records are re-read with, for gap events, diff fields, overflows and re-syncs (the
   *     host's to close); required
   * @return this builder
   */
  public SalesforceChangeStreamBuilder salesforce(SalesforceClient salesforce) {
    this.salesforce = Objects.requireNonNull(salesforce, "salesforce");
    this.managerLogin = null;
    return this;
  }

  /**
   * The manager records are re-read with, whose login the stream shares: unless {@link #login} is given, the Pub/Sub
   * API is called with the manager's {@link SalesforceManager#session() session} (its access token, instance URL and
   * the org id of its identity URL), renewed by the manager when the API refuses it as expired.
   *
   * @param salesforce the host's manager (the host's to close); this or {@link #salesforce(SalesforceClient)} is
   *     required
   * @return this builder
   */
  public SalesforceChangeStreamBuilder salesforce(SalesforceManager salesforce) {
    salesforce((SalesforceClient) salesforce);
    this.managerLogin = new ManagerLogin(salesforce);
    return this;
  }

  /**
   * @param login the Pub/Sub login, called before each subscription; required unless the Salesforce client is a
   *     {@link SalesforceManager} (given to {@link #salesforce(SalesforceManager)}), whose session it then replaces
   * @return this builder
   */
  public SalesforceChangeStreamBuilder login(PubSubLogin login) {
    this.login = Objects.requireNonNull(login, "login");
    return this;
  }

  /** Test seam: the gRPC channel (an {@code io.grpc.ManagedChannel}) each subscription uses, instead of the endpoint. */
  SalesforceChangeStreamBuilder channels(Supplier<?> channels) {
    this.channels = Objects.requireNonNull(channels, "channels");
    return this;
  }

  /** Copies the collaborators of a stream into this builder: {@link SalesforceChangeStream#toBuilder()}. */
  SalesforceChangeStreamBuilder collaborators(@Nullable CqlExecutor cql, @Nullable SalesforceClient salesforce,
      @Nullable PubSubLogin login, @Nullable Supplier<?> channels) {
    this.cql = cql;
    this.salesforce = salesforce;
    this.login = login;
    this.managerLogin = null;
    this.channels = channels;
    return this;
  }

  ChangeStreamConfig settings() {
    String topic = draft.find(ChangeStreamConfig.TOPIC);
    if (topic == null || !TOPIC.matcher(topic).matches()) {
      throw new InvalidInputException("a change stream needs a change event topic such as /data/AccountChangeEvent or "
          + "/data/ChangeEvents" + (topic == null ? "" : ", not '" + topic + "'"));
    }
    identifier(draft.find(ChangeStreamConfig.KEYSPACE), "keyspace");
    String table = draft.find(ChangeStreamConfig.TABLE);
    if (table != null) {
      identifier(table, "table");
    }
    identifier(draft.find(ChangeStreamConfig.CHECKPOINT_TABLE), "checkpointTable");
    int batch = Objects.requireNonNull(draft.find(ChangeStreamConfig.BATCH_SIZE));
    if (batch < 1 || batch > 100) {
      throw new InvalidInputException("batchSize must be 1 to 100 (the Pub/Sub API's largest request), not " + batch);
    }
    if (Objects.requireNonNull(draft.find(ChangeStreamConfig.MAX_SCHEMA_DEPTH)) < 2) {
      throw new InvalidInputException("maxSchemaDepth must be at least 2 (a change event nests its header)");
    }
    positive(draft.find(ChangeStreamConfig.KEEP_ALIVE_TIMEOUT), "keepAliveTimeout");
    positive(draft.find(ChangeStreamConfig.REQUEST_TIMEOUT), "requestTimeout");
    String replayId = draft.find(ChangeStreamConfig.REPLAY_ID);
    if (replayId != null) {
      try {
        HexFormat.of().parseHex(replayId);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("replayId must be the replay id in hex, as status() shows it");
      }
    }
    if (draft.find(ChangeStreamConfig.REPLAY_PRESET) == ReplayPreset.CUSTOM && replayId == null) {
      throw new InvalidInputException("replayPreset CUSTOM needs a replayId");
    }
    String managed = draft.find(ChangeStreamConfig.MANAGED_SUBSCRIPTION);
    if (managed != null && !ManagedSubscriptionName.isValid(managed)) {
      throw new InvalidInputException("managedSubscription must be the developer name of a ManagedEventSubscription (a "
          + "letter, then letters, digits and single underscores) or the 15 or 18 character id of its record (18x...)");
    }
    if (Objects.requireNonNull(draft.find(ChangeStreamConfig.BULK_REREAD_ABOVE)) < 0) {
      throw new InvalidInputException("bulkRereadAbove must be 0 or more records");
    }
    String endpoint = Objects.requireNonNull(draft.find(ChangeStreamConfig.ENDPOINT));
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0 || !endpoint.substring(colon + 1).matches("[0-9]{1,5}")) {
      throw new InvalidInputException("endpoint must be host:port, not '" + endpoint + "'");
    }
    return new ChangeStreamConfig(draft.freeze());
  }

  private static void identifier(@Nullable String name, String setting) {
    if (name == null) {
      throw new InvalidInputException("a change stream needs a " + setting);
    }
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new InvalidInputException(setting + " must be a plain CQL identifier (a letter, then letters, digits or "
          + "_; 48 at most), not '" + name + "'");
    }
  }

  private static void positive(@Nullable Duration d, String setting) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new InvalidInputException(setting + " must be positive");
    }
  }

  /**
   * @return the stream (nothing subscribed yet)
   * @throws InvalidInputException if a setting or a collaborator is missing or wrong
   * @throws io.delpha.sdk.core.MissingDependencyException if the salesforce-changes stack is not on the class path
   */
  @Override
  public SalesforceChangeStream build() {
    Capability.require("SalesforceChangeStream", "salesforce-changes");
    ChangeStreamConfig config = settings();
    if (cql == null) {
      throw new InvalidInputException("a change stream needs cql(..), the executor its changes are written through");
    }
    if (salesforce == null) {
      throw new InvalidInputException("a change stream needs salesforce(..), the client records are re-read with");
    }
    PubSubLogin pubSub = login != null ? login : managerLogin;
    if (pubSub == null) {
      throw new InvalidInputException("a change stream needs login(..), the Pub/Sub API's session, or a "
          + "SalesforceManager given to salesforce(..), whose session it shares");
    }
    return new SalesforceChangeStream(config, cql, salesforce, pubSub, channels);
  }
}
