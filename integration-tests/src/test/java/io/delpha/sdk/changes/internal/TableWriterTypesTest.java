package io.delpha.sdk.changes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.testing.CassandraServer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A table that predates the stream, its columns of other types than the stream would create: an event's values (bound
 * by slot) and a re-read's (bound by name) are converted as the driver binds them, read back from a real node.
 */
@DisplayName("Change stream writes into a table that predates it: values converted to its column types, or refused")
class TableWriterTypesTest {

  private static CassandraManager cass;

  @BeforeAll
  static void connect() {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).build();
    cass.execute("CREATE KEYSPACE IF NOT EXISTS changes_types WITH replication = "
        + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  }

  @AfterAll
  static void close() {
    if (cass != null) {
      cass.execute("DROP KEYSPACE IF EXISTS changes_types");
      cass.close();
    }
  }

  private static EventSchema account() throws IOException {
    try (InputStream in = TableWriterTypesTest.class.getResourceAsStream("/changes/AccountChangeEvent.avsc")) {
      return EventSchema.parse("a", new String(in.readAllBytes(), StandardCharsets.UTF_8), 1 << 20, 16);
    }
  }

  @Test
  @DisplayName("text takes a number's or boolean's text, bigint an int, decimal and double a number; an event's values "
      + "and a re-read's alike")
  void converted() throws IOException {
    cass.execute("CREATE TABLE changes_types.account (id text PRIMARY KEY, name text, numberofemployees bigint, "
        + "annualrevenue decimal, active__c text, phone text)");
    EventSchema schema = account();
    TableWriter writer = new TableWriter(cass, "changes_types", Duration.ofSeconds(30));
    writer.ensure("account", schema);
    ChangeEvent created = EventDecoder.decode(schema, ChangeEventDecodingTest.created(schema.avro(),
        Map.of("Name", "Acme", "NumberOfEmployees", 12, "AnnualRevenue", 1250000.5, "Active__c", true)));
    writer.upsert("account", "001a", created.values(), 1_000L, true);
    // a re-read's record: values by name, as Rereads makes them
    writer.upsert("account", "001b", Map.of("name", "Globex", "numberofemployees", 7, "annualrevenue", 3.25,
        "active__c", false, "phone", 5551234L), 1_000L);
    writer.flush();
    Row a = cass.execute("SELECT * FROM changes_types.account WHERE id = '001a'").one();
    assertThat(a.getString("name")).isEqualTo("Acme");
    assertThat(a.getLong("numberofemployees")).isEqualTo(12L);
    assertThat(a.getBigDecimal("annualrevenue")).isEqualByComparingTo(new BigDecimal("1250000.5"));
    assertThat(a.getString("active__c")).isEqualTo("true");
    Row b = cass.execute("SELECT * FROM changes_types.account WHERE id = '001b'").one();
    assertThat(b.getString("name")).isEqualTo("Globex");
    assertThat(b.getLong("numberofemployees")).isEqualTo(7L);
    assertThat(b.getBigDecimal("annualrevenue")).isEqualByComparingTo(new BigDecimal("3.25"));
    assertThat(b.getString("active__c")).isEqualTo("false");
    assertThat(b.getString("phone")).isEqualTo("5551234");
  }

  @Test
  @DisplayName("a column whose type cannot hold the field's values is refused typed, naming the column and the type")
  void refused() throws IOException {
    cass.execute("CREATE TABLE changes_types.contact_like (id text PRIMARY KEY, name int, numberofemployees text)");
    EventSchema schema = account();
    TableWriter writer = new TableWriter(cass, "changes_types", Duration.ofSeconds(30));
    writer.ensure("contact_like", schema);
    ChangeEvent created = EventDecoder.decode(schema, ChangeEventDecodingTest.created(schema.avro(),
        Map.of("Name", "Acme")));
    assertThatThrownBy(() -> writer.upsert("contact_like", "001a", created.values(), 1_000L, true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("column name of changes_types.contact_like is int")
        .hasMessageContaining("cannot hold the field's String values");
    assertThatThrownBy(() -> writer.upsert("contact_like", "001b", Map.of("name", "Globex"), 1_000L))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("column name of changes_types.contact_like");
  }
}
