package io.delpha.sdk.core.internal.cql;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.testing.CassandraServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("MappedResultSet prints what it holds without consuming it")
class MappedResultSetTest {

  static CassandraManager cass;

  @BeforeAll
  static void table() {
    CassandraServer s = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(s.host(), s.port()).localDatacenter(s.localDatacenter()).build();
    cass.execute("CREATE KEYSPACE IF NOT EXISTS mrs_test WITH replication = "
        + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    cass.execute("CREATE TABLE IF NOT EXISTS mrs_test.items (p int, c int, name text, tags list<text>, data blob, "
        + "PRIMARY KEY (p, c))");
    for (int c = 0; c < 25; c++) {
      cass.execute("INSERT INTO mrs_test.items (p, c, name, tags, data) VALUES (1, ?, ?, ?, ?)", c,
          c == 3 ? null : "item " + c + (c == 4 ? "\n" + "x".repeat(500) : ""), List.of("a", "b"),
          java.nio.ByteBuffer.wrap(new byte[c]));
    }
  }

  @AfterAll
  static void close() {
    cass.close();
  }

  private static ResultSet paged(Runnable beforeFetch) {
    return new MappedResultSet(cass.session().execute(
        SimpleStatement.newInstance("SELECT c, name, tags, data FROM mrs_test.items WHERE p = 1").setPageSize(10)),
        beforeFetch);
  }

  private static List<Integer> cs(Iterable<Row> rows) {
    List<Integer> cs = new ArrayList<>();
    rows.forEach(r -> cs.add(r.getInt("c")));
    return cs;
  }

  @Test
  @DisplayName("shows the current page's first rows; iterating afterwards still yields every row, in order")
  void printingConsumesNothing() {
    AtomicInteger fetches = new AtomicInteger();
    ResultSet rs = paged(fetches::incrementAndGet);
    String shown = rs.toString();
    assertThat(shown).startsWith("""
        ResultSet (10 rows in this page, more pages to fetch)
        c | name                                     | tags      | data
        --+------------------------------------------+-----------+----------
        0 | item 0                                   | ['a','b'] | <0 bytes>
        """);
    assertThat(shown.lines()).hasSize(13).noneMatch(l -> l.length() > 80);
    assertThat(shown).contains("\n3 | null ").contains("\n4 | item 4\\nxxxxxxxxx").doesNotContain("... more");
    assertThat(rs.toString()).as("printing twice").isEqualTo(shown);
    assertThat(rs.getAvailableWithoutFetching()).isEqualTo(10);
    assertThat(fetches).hasValue(0);

    assertThat(rs.one().getInt("c")).isZero();
    assertThat(rs.toString()).startsWith("ResultSet (9 rows in this page, more pages to fetch)\n")
        .contains("\n1 | item 1 ").doesNotContain("\n0 | ");
    assertThat(cs(rs)).as("the rest, printed or not").containsExactlyElementsOf(
        java.util.stream.IntStream.range(1, 25).boxed().toList());
    assertThat(fetches).as("the guard ran before each further page, as without printing").hasValue(2);
    assertThat(rs.toString()).isEqualTo("ResultSet (no rows)\nc | name | tags | data");
  }

  @Test
  @DisplayName("says how many rows of the page it does not show")
  void countsTheRest() {
    ResultSet rs = new MappedResultSet(cass.session().execute(
        SimpleStatement.newInstance("SELECT c FROM mrs_test.items WHERE p = 1").setPageSize(100)));
    assertThat(rs.toString()).startsWith("ResultSet (25 rows)\nc\n-\n0\n").endsWith("\n9\n... 15 more rows");
    assertThat(rs.all()).hasSize(25);
  }

  @Test
  @DisplayName("rows print their columns, and serialize as the driver's rows")
  void rowsPrintTheirColumns() throws Exception {
    List<Row> rows = cass.execute("SELECT c, name, tags FROM mrs_test.items WHERE p = 1 AND c IN (2, 3)").all();
    assertThat(rows).hasToString("[{c=2, name=item 2, tags=['a','b']}, {c=3, name=null, tags=['a','b']}]");
    assertThat(rows.get(0).getFormattedContents()).isEqualTo("[c:2, name:'item 2', tags:['a','b']]");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(rows.get(0));
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      Row back = (Row) in.readObject();
      assertThat(back.getClass().getName()).startsWith("com.datastax.oss.driver.");
      assertThat(back.getString("name")).isEqualTo("item 2");
    }
  }

  @Test
  @DisplayName("a statement without rows prints that it has none")
  void noRows() {
    assertThat(cass.execute("INSERT INTO mrs_test.items (p, c, name) VALUES (2, 0, 'x')")).hasToString(
        "ResultSet (no rows)");
  }
}
