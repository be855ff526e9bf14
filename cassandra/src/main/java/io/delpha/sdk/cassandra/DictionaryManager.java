package io.delpha.sdk.cassandra;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import com.datastax.oss.driver.api.core.metadata.schema.ClusteringOrder;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.IndexMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.RelationMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.ViewMetadata;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import io.delpha.sdk.cassandra.internal.NearestNames;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.internal.Settings;
import io.delpha.sdk.core.internal.metrics.Recorder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The data dictionary of a Cassandra cluster: its keyspaces, tables, columns, indexes, materialized
 * views and user types (user types are named with their keyspace, {@code frozen<ks.address>}), as values, as CQL DDL, as JSON and Markdown exports, and as a diff between two
 * snapshots.
 *
 * <pre>{@code
 * DictionaryManager dict = new DictionaryManager(cass);
 * List<String> keyspaces = dict.listKeyspaces();                 // user keyspaces
 * List<String> tables = dict.listTables("delpha_actions");
 * TableDescription t = dict.describeTable("delpha_actions", "actions_conv_by_user");
 * String ddl = dict.ddl("delpha_actions");                   // what cqlsh DESCRIBE prints
 * DictionaryDiff d = DataDictionary.fromJson(saved).diff(dict.exportCluster());
 * }</pre>
 *
 * <p>Every call reads the schema afresh from the cluster, so it reflects DDL run a moment before.
 * Unknown names are {@link NotFoundException}s that list the nearest existing names. Thread-safe.
 */
public final class DictionaryManager implements SchemaCatalog, DictionaryExporter {

  private final CqlExecutor cassandra;
  private final Recorder metrics;
  private final DictionaryConfig config;

  /**
   * @param cassandra the cluster to describe: a {@link CassandraManager}, or any {@link CqlExecutor} that
   *     exposes {@link CqlExecutor#schema()} (a scoped session describes its organisation's keyspaces
   *     only); not closed by this class
   */
  public DictionaryManager(CqlExecutor cassandra) {
    this(builder().cassandra(cassandra).settings());
  }

  private DictionaryManager(DictionaryConfig config) {
    this.config = config;
    this.cassandra = config.cassandra();
    this.metrics = Recorder.of(config.metrics());
  }

  /**
   * The builder grammar of the other managers; {@code new DictionaryManager(cass)} is its shortcut.
   *
   * <pre>{@code
   * DictionaryManager dict = DictionaryManager.builder().cassandra(cass).build();
   * }</pre>
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return the settings this manager was built with: the cluster it describes and its metrics
   */
  public DictionaryConfig config() {
    return config;
  }

  /**
   * A builder for another manager with this one's settings ({@code config().toBuilder()}), so {@code
   * toBuilder().build().config()} equals {@link #config()}.
   *
   * @return a new builder holding {@link #config()}
   */
  public Builder toBuilder() {
    return config.toBuilder();
  }

  /** Builds a {@link DictionaryManager}: one collaborator, the cluster to describe. Not thread-safe. */
  public static final class Builder implements ClientBuilder<Builder, DictionaryManager> {

    private final Settings.Draft draft;

    private Builder() {
      this(DictionaryConfig.SETTINGS.draft());
    }

    Builder(Settings.Draft draft) {
      this.draft = draft;
    }

    /**
     * @param metrics where the schema reads every description starts with are timed (docs/metrics.md); the CQL
     *     itself is in the driver's metrics of the {@link CassandraManager}. Default {@link Metrics#none()}
     * @return this builder
     */
    @Override
    public Builder metrics(Metrics metrics) {
      draft.set(DictionaryConfig.METRICS, metrics);
      return this;
    }

    /**
     * @param cassandra the cluster to describe (not closed by the manager)
     * @return this builder
     */
    public Builder cassandra(CqlExecutor cassandra) {
      draft.set(DictionaryConfig.CASSANDRA, cassandra);
      return this;
    }

    /**
     * @return the manager
     * @throws InvalidInputException if no cluster was given
     */
    @Override
    public DictionaryManager build() {
      return new DictionaryManager(settings());
    }

    /** The settings {@link #build()} builds with, checked ({@link DictionaryConfig#from}). */
    DictionaryConfig settings() {
      if (draft.find(DictionaryConfig.CASSANDRA) == null) {
        throw new InvalidInputException("a DictionaryManager needs cassandra(..)");
      }
      return new DictionaryConfig(draft.freeze());
    }
  }

  /**
   * @return the user keyspaces, sorted
   */
  @Override
  public List<String> listKeyspaces() {
    return listKeyspaces(false);
  }

  /**
   * @param includeSystem whether Cassandra's own keyspaces are listed too
   * @return the keyspaces, sorted
   */
  @Override
  public List<String> listKeyspaces(boolean includeSystem) {
    if (includeSystem) {
      // the driver's metadata leaves Cassandra's own keyspaces out: ask the schema tables
      TreeSet<String> all = new TreeSet<>();
      cassandra.execute("SELECT keyspace_name FROM system_schema.keyspaces").forEach(r -> all.add(r.getString(0)));
      cassandra.execute("SELECT keyspace_name FROM system_virtual_schema.keyspaces").forEach(r -> all.add(r.getString(0)));
      return List.copyOf(all);
    }
    return metadata().getKeyspaces().keySet().stream()
        .map(CqlIdentifier::asInternal)
        .filter(k -> !CassandraKeyspaces.isSystem(k))
        .sorted()
        .toList();
  }

  /**
   * @param keyspace a keyspace
   * @return its tables (not views), sorted
   * @throws NotFoundException if the keyspace does not exist
   */
  @Override
  public List<String> listTables(String keyspace) {
    return keyspace(metadata(), keyspace).getTables().keySet().stream().map(CqlIdentifier::asInternal).sorted().toList();
  }

  /**
   * @param keyspace a keyspace
   * @param table one of its tables
   * @return the table's description
   * @throws NotFoundException if the keyspace or table does not exist
   */
  @Override
  public TableDescription describeTable(String keyspace, String table) {
    return table(table(keyspace(metadata(), keyspace), table));
  }

  /**
   * @param keyspace a keyspace
   * @return its materialized views
   */
  @Override
  public List<ViewDescription> listViews(String keyspace) {
    return views(keyspace(metadata(), keyspace));
  }

  /**
   * @param keyspace a keyspace
   * @return its user-defined types
   */
  @Override
  public List<UserTypeDescription> listUserTypes(String keyspace) {
    return userTypes(keyspace(metadata(), keyspace));
  }

  /**
   * @param keyspace a keyspace
   * @return the secondary indexes of all its tables
   */
  @Override
  public List<IndexDescription> listIndexes(String keyspace) {
    List<IndexDescription> all = new ArrayList<>();
    for (TableMetadata t : sorted(keyspace(metadata(), keyspace).getTables())) {
      all.addAll(indexes(t));
    }
    return all;
  }

  /**
   * @param keyspace a keyspace
   * @return the keyspace with everything in it
   */
  @Override
  public KeyspaceDescription describeKeyspace(String keyspace) {
    return keyspace(keyspace(metadata(), keyspace));
  }

  /**
   * @param keyspace a keyspace
   * @return its DDL and that of everything in it, as {@code cqlsh DESCRIBE KEYSPACE} prints it
   */
  @Override
  public String ddl(String keyspace) {
    return keyspace(metadata(), keyspace).describeWithChildren(true);
  }

  /**
   * @param keyspace a keyspace
   * @param table one of its tables
   * @return the table's DDL with its indexes, as {@code cqlsh DESCRIBE TABLE} prints it
   */
  @Override
  public String ddl(String keyspace, String table) {
    return table(keyspace(metadata(), keyspace), table).describeWithChildren(true);
  }

  /**
   * @param keyspaces the keyspaces to export
   * @return a snapshot of them
   */
  @Override
  public DataDictionary export(String... keyspaces) {
    Metadata m = metadata();
    List<KeyspaceDescription> list = new ArrayList<>();
    for (String k : keyspaces) {
      list.add(keyspace(keyspace(m, k)));
    }
    return new DataDictionary(Instant.now(), list);
  }

  /**
   * @return a snapshot of every user keyspace
   */
  @Override
  public DataDictionary exportCluster() {
    Metadata m = metadata();
    List<KeyspaceDescription> list = new ArrayList<>();
    for (KeyspaceMetadata k : sorted(m.getKeyspaces())) {
      if (!CassandraKeyspaces.isSystem(k.getName().asInternal())) {
        list.add(keyspace(k));
      }
    }
    return new DataDictionary(Instant.now(), list);
  }

  /**
   * The changes from a saved snapshot to the live cluster, over the keyspaces the snapshot holds.
   *
   * @param saved an earlier snapshot
   * @return the changes from {@code saved} to now
   */
  @Override
  public DictionaryDiff diffAgainst(DataDictionary saved) {
    Metadata m = metadata();
    List<KeyspaceDescription> live = new ArrayList<>();
    for (KeyspaceDescription k : saved.keyspaces()) {
      m.getKeyspace(CqlIdentifier.fromInternal(k.name())).ifPresent(ks -> live.add(keyspace(ks)));
    }
    return saved.diff(new DataDictionary(Instant.now(), live));
  }

  private Metadata metadata() {
    return metrics.call("cassandra", "read_schema", cassandra::schema);
  }

  private static KeyspaceMetadata keyspace(Metadata m, String name) {
    Objects.requireNonNull(name, "keyspace");
    return m.getKeyspace(CqlIdentifier.fromInternal(name)).orElseThrow(() -> new NotFoundException(
        "keyspace '" + name + "' does not exist; nearest are " + NearestNames.nearestFirst(name,
            m.getKeyspaces().keySet().stream().map(CqlIdentifier::asInternal)
                .filter(k -> !CassandraKeyspaces.isSystem(k)).toList())));
  }

  private static TableMetadata table(KeyspaceMetadata ks, String name) {
    Objects.requireNonNull(name, "table");
    return ks.getTable(CqlIdentifier.fromInternal(name)).orElseThrow(() -> new NotFoundException(
        "table '" + ks.getName().asInternal() + "." + name + "' does not exist; nearest are "
            + NearestNames.nearestFirst(name, ks.getTables().keySet().stream().map(CqlIdentifier::asInternal).toList())));
  }

  private static KeyspaceDescription keyspace(KeyspaceMetadata k) {
    List<TableDescription> tables = new ArrayList<>();
    for (TableMetadata t : sorted(k.getTables())) {
      tables.add(table(t));
    }
    return new KeyspaceDescription(k.getName().asInternal(), new TreeMap<>(k.getReplication()),
        k.isDurableWrites(), tables, views(k), userTypes(k));
  }

  private static TableDescription table(TableMetadata t) {
    return new TableDescription(t.getKeyspace().asInternal(), t.getName().asInternal(), columns(t), indexes(t));
  }

  private static List<ColumnDescription> columns(RelationMetadata r) {
    List<ColumnDescription> cols = new ArrayList<>();
    for (ColumnMetadata c : r.getPartitionKey()) {
      cols.add(column(c, ColumnKind.PARTITION_KEY, null));
    }
    for (Map.Entry<ColumnMetadata, ClusteringOrder> e : r.getClusteringColumns().entrySet()) {
      cols.add(column(e.getKey(), ColumnKind.CLUSTERING, e.getValue().name()));
    }
    r.getColumns().values().stream()
        .filter(c -> !r.getPrimaryKey().contains(c))
        .sorted(Comparator.comparing(c -> c.getName().asInternal()))
        .forEach(c -> cols.add(column(c, c.isStatic() ? ColumnKind.STATIC : ColumnKind.REGULAR, null)));
    return cols;
  }

  private static ColumnDescription column(ColumnMetadata c, ColumnKind kind, @Nullable String order) {
    return new ColumnDescription(c.getName().asInternal(), c.getType().asCql(true, true), kind, order);
  }

  private static List<IndexDescription> indexes(TableMetadata t) {
    return t.getIndexes().values().stream()
        .sorted(Comparator.comparing(i -> i.getName().asInternal()))
        .map((IndexMetadata i) -> new IndexDescription(i.getName().asInternal(), t.getName().asInternal(),
            i.getTarget(), i.getKind().name(), i.getClassName().orElse(null)))
        .toList();
  }

  private static List<ViewDescription> views(KeyspaceMetadata k) {
    List<ViewDescription> views = new ArrayList<>();
    for (ViewMetadata v : sorted(k.getViews())) {
      views.add(new ViewDescription(k.getName().asInternal(), v.getName().asInternal(),
          v.getBaseTable().asInternal(), v.getWhereClause().orElse(null), columns(v)));
    }
    return views;
  }

  private static List<UserTypeDescription> userTypes(KeyspaceMetadata k) {
    List<UserTypeDescription> types = new ArrayList<>();
    k.getUserDefinedTypes().values().stream()
        .sorted(Comparator.comparing(u -> u.getName().asInternal()))
        .forEach((UserDefinedType u) -> {
          List<UserTypeDescription.Field> fields = new ArrayList<>();
          for (int i = 0; i < u.getFieldNames().size(); i++) {
            fields.add(new UserTypeDescription.Field(u.getFieldNames().get(i).asInternal(),
                u.getFieldTypes().get(i).asCql(true, true)));
          }
          types.add(new UserTypeDescription(k.getName().asInternal(), u.getName().asInternal(), fields));
        });
    return types;
  }

  private static <T> List<T> sorted(Map<CqlIdentifier, T> byName) {
    return new TreeMap<>(byName.entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().asInternal(), Map.Entry::getValue)))
        .values().stream().toList();
  }

  @Override
  public String toString() {
    return "DictionaryManager[" + config + "]";
  }
}
