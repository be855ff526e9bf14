package io.delpha.sdk.cassandra.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which statements wait for every node to apply them (the ring tests hold the waiting itself). */
@DisplayName("schema settling: which statements change the schema")
class SchemaSettlingTest {

  @ParameterizedTest
  @ValueSource(strings = {"CREATE KEYSPACE ks WITH replication = {}", "  create table IF NOT EXISTS ks.t (p int primary key)",
      "ALTER TABLE ks.t ADD v text", "DROP KEYSPACE IF EXISTS ks", "drop\ttable ks.t", "CREATE TYPE ks.u (a int)",
      "CREATE INDEX ON ks.t (v)", "CREATE CUSTOM INDEX i ON ks.t (v) USING 'x'", "CREATE MATERIALIZED VIEW ks.v AS x",
      "CREATE OR REPLACE FUNCTION ks.f() x", "DROP AGGREGATE ks.a", "CREATE TRIGGER t ON ks.t USING 'x'",
      "ALTER KEYSPACE ks WITH durable_writes = true", "CREATE COLUMNFAMILY ks.t (p int primary key)"})
  void schemaChanges(String cql) {
    assertThat(SchemaSettling.changesSchema(SimpleStatement.newInstance(cql))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELECT * FROM ks.t", "INSERT INTO ks.t (p) VALUES (1)", "CREATE ROLE r WITH LOGIN = true",
      "ALTER ROLE r WITH PASSWORD = 'x'", "DROP ROLE r", "CREATE USER u", "GRANT SELECT ON KEYSPACE ks TO r",
      "TRUNCATE ks.t", "DELETE FROM ks.t WHERE p = 1", "", "   ", "CREATED", "UPDATE ks.t SET v = 'CREATE TABLE' WHERE p = 1"})
  void otherStatements(String cql) {
    assertThat(SchemaSettling.changesSchema(SimpleStatement.newInstance(cql))).isFalse();
  }

  @Test
  @DisplayName("a long statement is judged by its first words: a 4 MB insert of DDL-looking text waits for nothing")
  void longStatements() {
    String text = "CREATE TABLE x ".repeat(280_000);
    assertThat(SchemaSettling.changesSchema(SimpleStatement.newInstance("INSERT INTO ks.t (p, v) VALUES (1, '" + text
        + "')"))).isFalse();
    assertThat(SchemaSettling.changesSchema(SimpleStatement.newInstance("CREATE TABLE ks.big (p int PRIMARY KEY) "
        + "WITH comment = '" + text + "'"))).isTrue();
  }

  @Test
  @DisplayName("a batch never changes the schema")
  void batches() {
    assertThat(SchemaSettling.changesSchema(BatchStatement.newInstance(DefaultBatchType.LOGGED,
        SimpleStatement.newInstance("INSERT INTO ks.t (p) VALUES (1)")))).isFalse();
  }
}
