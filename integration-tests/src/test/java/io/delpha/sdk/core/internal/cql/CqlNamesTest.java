package io.delpha.sdk.core.internal.cql;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.testing.CassandraServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one CQL-identifier rendering, against a real Cassandra: hostile names stay one identifier each. */
class CqlNamesTest {

  static CassandraManager cass;

  @BeforeAll
  static void connect() {
    CassandraServer s = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(s.host(), s.port()).localDatacenter(s.localDatacenter()).build();
  }

  @AfterAll
  static void close() {
    cass.close();
  }

  @Test
  @DisplayName("plain lower-case names stay bare; upper case, reserved words and quotes are double-quoted")
  void rendering() {
    assertThat(CqlNames.quote("orders")).isEqualTo("orders");
    assertThat(CqlNames.quote("Orders")).isEqualTo("\"Orders\"");
    assertThat(CqlNames.quote("select")).isEqualTo("\"select\"");
    assertThat(CqlNames.quote("a\"b")).isEqualTo("\"a\"\"b\"");
    assertThat(CqlNames.quote("x\"; DROP KEYSPACE delpha_security; --")).isEqualTo("\"x\"\"; DROP KEYSPACE delpha_security; --\"");
    assertThat(CqlNames.qualified("Sales", "order lines")).isEqualTo("\"Sales\".\"order lines\"");
  }

  @Test
  @DisplayName("a mixed-case keyspace, a table named by a keyword and a column holding quotes are created, written and read as named")
  void hostileNamesOnARealServer() {
    String keyspace = "CqlNames_Ks"; // keyspace and table names are alphanumeric in Cassandra: case and keywords
    String table = "select";
    List<String> columns = List.of("Id", "value\"; DROP TABLE x; --");
    cass.execute("CREATE KEYSPACE IF NOT EXISTS " + CqlNames.quote(keyspace)
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    cass.execute("CREATE TABLE IF NOT EXISTS " + CqlNames.qualified(keyspace, table) + " (" + CqlNames.quote(columns.get(0))
        + " int PRIMARY KEY, " + CqlNames.quote(columns.get(1)) + " text)");
    cass.execute("INSERT INTO " + CqlNames.qualified(keyspace, table) + " (" + CqlNames.quote(columns.get(0)) + ", "
        + CqlNames.quote(columns.get(1)) + ") VALUES (?, ?)", 7, "seven");

    Row row = cass.execute("SELECT " + CqlNames.quote(columns.get(1)) + " FROM " + CqlNames.qualified(keyspace, table)
        + " WHERE " + CqlNames.quote(columns.get(0)) + " = ?", 7).one();

    assertThat(row).isNotNull();
    assertThat(row.getString(0)).isEqualTo("seven");
    assertThat(row.getColumnDefinitions().get(0).getName().asInternal()).isEqualTo(columns.get(1));
    assertThat(cass.session().getMetadata().getKeyspace(com.datastax.oss.driver.api.core.CqlIdentifier.fromInternal(keyspace))
        .flatMap(k -> k.getTable(com.datastax.oss.driver.api.core.CqlIdentifier.fromInternal(table)))).isPresent();
    cass.execute("DROP KEYSPACE " + CqlNames.quote(keyspace));
  }
}
