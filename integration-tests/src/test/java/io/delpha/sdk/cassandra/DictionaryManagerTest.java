package io.delpha.sdk.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.testing.CassandraServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DictionaryManager")
class DictionaryManagerTest {

  static CassandraManager cass;
  static DictionaryManager dict;

  @BeforeAll
  static void schema() {
    CassandraServer s = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(s.host(), s.port()).localDatacenter(s.localDatacenter()).build();
    dict = new DictionaryManager(cass);
    cass.execute("CREATE KEYSPACE IF NOT EXISTS delpha_actions WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    cass.execute("CREATE TYPE IF NOT EXISTS delpha_actions.address (street text, zip int)");
    cass.execute("""
        CREATE TABLE IF NOT EXISTS delpha_actions.actions_conv_by_user (
          user_id uuid, conv_id timeuuid, action text, org text static,
          scores map<text, int>, home frozen<address>,
          PRIMARY KEY ((user_id), conv_id, action)
        ) WITH CLUSTERING ORDER BY (conv_id DESC, action ASC)""");
    cass.execute("CREATE INDEX IF NOT EXISTS actions_by_action ON delpha_actions.actions_conv_by_user (action)");
    cass.execute("""
        CREATE MATERIALIZED VIEW IF NOT EXISTS delpha_actions.actions_by_conv AS
          SELECT user_id, conv_id, action FROM delpha_actions.actions_conv_by_user
          WHERE user_id IS NOT NULL AND conv_id IS NOT NULL AND action IS NOT NULL
          PRIMARY KEY ((conv_id), user_id, action)""");
    cass.execute("CREATE TABLE IF NOT EXISTS delpha_actions.users (id uuid PRIMARY KEY, email text)");
    cass.execute("CREATE KEYSPACE IF NOT EXISTS dict_other WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    cass.execute("CREATE TABLE IF NOT EXISTS dict_other.t (id int PRIMARY KEY, v text)");
  }

  @AfterAll
  static void close() {
    cass.close();
  }

  @Test
  @DisplayName("lists user keyspaces, and system ones only on request")
  void listsKeyspaces() {
    assertThat(dict.listKeyspaces()).contains("delpha_actions", "dict_other").doesNotContain("system", "system_schema");
    assertThat(dict.listKeyspaces(true)).contains("system", "system_schema", "delpha_actions");
  }

  @Test
  @DisplayName("lists the tables of a keyspace, not its views")
  void listsTables() {
    assertThat(dict.listTables("delpha_actions")).containsExactly("actions_conv_by_user", "users");
  }

  @Test
  @DisplayName("descriptions print as small tables: a table its columns, a keyspace its tables, a snapshot its keyspaces")
  void descriptionsPrintAsTables() {
    assertThat(dict.describeTable("delpha_actions", "users")).hasToString("""
        TableDescription delpha_actions.users (2 columns, no indexes)
        column | type | kind          | order
        -------+------+---------------+------
        id     | uuid | PARTITION_KEY |
        email  | text | REGULAR       |""");
    assertThat(dict.describeKeyspace("delpha_actions")).hasToString("""
        KeyspaceDescription delpha_actions (replication {class=org.apache.cassandra.locator.SimpleStrategy, \
        replication_factor=1}; 2 tables, 1 view, 1 user type)
        table                | columns | indexes
        ---------------------+---------+--------
        actions_conv_by_user | 6       | 1
        users                | 2       | 0""");
    DataDictionary snapshot = dict.export("delpha_actions", "dict_other");
    assertThat(snapshot).hasToString("DataDictionary (exported " + snapshot.exportedAt() + ", 2 keyspaces)\n" + """
        keyspace       | tables | views | user types | replication
        ---------------+--------+-------+------------+-----------------------------------------
        delpha_actions | 2      | 1     | 1          | {class=org.apache.cassandra.locator.S...
        dict_other     | 1      | 0     | 0          | {class=org.apache.cassandra.locator.S...""");
    assertThat(dict).hasToString("DictionaryManager[" + dict.config() + "]");
  }

  @Test
  @DisplayName("metrics: each description's schema read is timed, a missing keyspace as not_found")
  void metrics() {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    DictionaryManager metered = DictionaryManager.builder().cassandra(cass)
        .metrics(io.delpha.sdk.core.Metrics.micrometer(registry)).build();
    assertThat(metered.listTables("delpha_actions")).isNotEmpty();
    assertThat(metered.ddl("delpha_actions")).contains("CREATE KEYSPACE");
    assertThat(io.delpha.sdk.metrics.MeterChecks.calls(registry, "cassandra", "read_schema", "success")).isEqualTo(2);
    io.delpha.sdk.metrics.MeterChecks.assertBoundedTags(registry, false, "delpha_actions");
  }

  @Test
  @DisplayName("describes columns with CQL types, key roles and clustering order")
  void describesTable() {
    TableDescription t = dict.describeTable("delpha_actions", "actions_conv_by_user");
    assertThat(t.columns()).extracting(ColumnDescription::name)
        .containsExactly("user_id", "conv_id", "action", "home", "org", "scores");
    assertThat(t.column("user_id")).isEqualTo(new ColumnDescription("user_id", "uuid", ColumnKind.PARTITION_KEY, null));
    assertThat(t.column("conv_id")).isEqualTo(new ColumnDescription("conv_id", "timeuuid", ColumnKind.CLUSTERING, "DESC"));
    assertThat(t.column("action").clusteringOrder()).isEqualTo("ASC");
    assertThat(t.column("org").kind()).isEqualTo(ColumnKind.STATIC);
    assertThat(t.column("scores").type()).isEqualTo("map<text, int>");
    assertThat(t.column("home").type()).isEqualTo("frozen<delpha_actions.address>");
    assertThat(t.partitionKey()).extracting(ColumnDescription::name).containsExactly("user_id");
    assertThat(t.clusteringColumns()).extracting(ColumnDescription::name).containsExactly("conv_id", "action");
    assertThat(t.indexes()).singleElement().satisfies(i -> {
      assertThat(i.name()).isEqualTo("actions_by_action");
      assertThat(i.target()).isEqualTo("action");
    });
  }

  @Test
  @DisplayName("describes views, user types and indexes")
  void describesViewsTypesIndexes() {
    List<ViewDescription> views = dict.listViews("delpha_actions");
    assertThat(views).singleElement().satisfies(v -> {
      assertThat(v.name()).isEqualTo("actions_by_conv");
      assertThat(v.baseTable()).isEqualTo("actions_conv_by_user");
      assertThat(v.columns().get(0)).isEqualTo(new ColumnDescription("conv_id", "timeuuid", ColumnKind.PARTITION_KEY, null));
    });
    assertThat(dict.listUserTypes("delpha_actions")).singleElement().satisfies(u -> assertThat(u.fields())
        .containsExactly(new UserTypeDescription.Field("street", "text"), new UserTypeDescription.Field("zip", "int")));
    assertThat(dict.listIndexes("delpha_actions")).extracting(IndexDescription::name).containsExactly("actions_by_action");
  }

  @Test
  @DisplayName("prints DDL as cqlsh DESCRIBE does")
  void describesAsCql() {
    String ks = dict.ddl("delpha_actions");
    assertThat(ks).contains("CREATE KEYSPACE delpha_actions", "CREATE TYPE delpha_actions.address",
        "CREATE TABLE delpha_actions.actions_conv_by_user", "CREATE INDEX actions_by_action",
        "CREATE MATERIALIZED VIEW delpha_actions.actions_by_conv");
    assertThat(dict.ddl("delpha_actions", "users")).contains("CREATE TABLE delpha_actions.users")
        .contains("email text");
  }

  @Test
  @DisplayName("exports to JSON that loads back equal, and to Markdown")
  void exportsJsonAndMarkdown() {
    DataDictionary d = dict.export("delpha_actions");
    DataDictionary back = DataDictionary.fromJson(d.toJson());
    assertThat(back).isEqualTo(d);
    assertThat(d.diff(back).isEmpty()).isTrue();
    assertThat(d.toMarkdown()).contains("## Keyspace `delpha_actions`", "| conv_id | `timeuuid` | CLUSTERING | DESC |");
    assertThat(dict.exportCluster().keyspaces()).extracting(KeyspaceDescription::name)
        .contains("delpha_actions", "dict_other").doesNotContain("system");
  }

  @Test
  @DisplayName("diffs a saved export against the live cluster: tables and columns added, removed, changed")
  void diffs() {
    cass.execute("CREATE KEYSPACE IF NOT EXISTS dict_diff WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    cass.execute("CREATE TABLE dict_diff.a (id int PRIMARY KEY, gone text, kept text)");
    cass.execute("CREATE TABLE dict_diff.old (id int PRIMARY KEY)");
    DataDictionary saved = DataDictionary.fromJson(dict.export("dict_diff").toJson());
    cass.execute("ALTER TABLE dict_diff.a DROP gone");
    cass.execute("ALTER TABLE dict_diff.a ADD added list<int>");
    cass.execute("DROP TABLE dict_diff.old");
    cass.execute("CREATE TABLE dict_diff.fresh (id text PRIMARY KEY)");
    cass.execute("DROP TABLE dict_diff.a");
    cass.execute("CREATE TABLE dict_diff.a (id bigint PRIMARY KEY, kept text, added list<int>)");

    DictionaryDiff diff = dict.diffAgainst(saved);
    assertThat(diff.tablesAdded()).containsExactly("dict_diff.fresh");
    assertThat(diff.tablesRemoved()).containsExactly("dict_diff.old");
    assertThat(diff.columnsAdded()).containsExactly(new DictionaryDiff.ColumnChange("dict_diff.a", "added", null, "list<int>"));
    assertThat(diff.columnsRemoved()).containsExactly(new DictionaryDiff.ColumnChange("dict_diff.a", "gone", "text", null));
    assertThat(diff.columnsChanged()).containsExactly(
        new DictionaryDiff.ColumnChange("dict_diff.a", "id", "int PARTITION_KEY", "bigint PARTITION_KEY"));
    assertThat(diff.toString()).contains("tables added: [dict_diff.fresh]");
  }

  @Test
  @DisplayName("names what exists nearby when a keyspace or table is unknown")
  void notFound() {
    assertThatThrownBy(() -> dict.listTables("delpha_action"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("delpha_action'")
        .hasMessageContaining("nearest are [delpha_actions");
    assertThatThrownBy(() -> dict.describeTable("delpha_actions", "user"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nearest are [users");
    assertThatThrownBy(() -> dict.describeTable("delpha_actions", "users").column("mail"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("email");
  }

  @Test
  @DisplayName("refuses a malformed JSON export")
  void malformedExport() {
    assertThatThrownBy(() -> DataDictionary.fromJson("{not json")).isInstanceOf(DataFormatException.class);
    assertThatThrownBy(() -> DataDictionary.fromJson("{}")).isInstanceOf(DataFormatException.class);
  }
}
