package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import com.datastax.oss.driver.internal.core.metadata.schema.parsing.DataTypeCqlNameParser;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.aws.internal.CassandraLoader;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.KindSamples.Sample;
import io.delpha.sdk.parquet.internal.SchemaMapping;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.parquet.internal.engines.DuckDbSql;
import io.delpha.sdk.parquet.internal.engines.Spark;
import io.delpha.sdk.sharing.internal.SparkSchema;
import io.delpha.sdk.sharing.internal.Values;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every {@link ColumnType.Kind} in every system the row model meets: each system's mapping answers for each kind (a
 * name and a conversion, or a refusal it means), and agrees with the system itself where the system can tell: DuckDB
 * gives our Parquet column of the kind the DuckDB type we name, the Cassandra driver parses our CQL type and its codec
 * takes the value the loader binds. The warehouse's PostgreSQL types are held to a real server by
 * {@code BinaryCopyWriterTest}.
 */
@DisplayName("Every column kind is mapped by every system the row model meets, as that system reads it")
class ColumnKindsTest {

  /** The value types of Delta Sharing's JSON predicates (the protocol's "JSON predicates for filtering"). */
  private static final Set<String> PREDICATE_TYPES = Set.of("bool", "int", "long", "string", "date", "timestamp",
      "float", "double");

  private static Column column(Sample s) {
    return new Column("c", s.type(), true);
  }

  @ParameterizedTest
  @EnumSource(ColumnType.Kind.class)
  @DisplayName("the row model: a row and a vector hold the kind's Java value, in the form the writer writes")
  void rowModel(ColumnType.Kind kind) {
    Sample s = KindSamples.of(kind);
    assertThat(s.type().kind()).isEqualTo(kind);
    assertThat(s.value()).isInstanceOf(Row.javaType(s.type()));
    RowSchema schema = new RowSchema(List.of(column(s)));
    assertThat(Row.of(schema, s.value()).get(0)).isEqualTo(s.value());
    ColumnAppender appender = ColumnAppender.allocate(column(s));
    appender.append(s.value());
    ColumnVector vector = appender.vector();
    assertThat(vector.get(0)).isEqualTo(s.value());
    assertThat(vector.physical()).isEqualTo(SchemaMapping.writtenPhysical(s.type()));
    assertThat(vector.unit()).isEqualTo(SchemaMapping.writtenUnit(s.type()));
    assertThat(SchemaMapping.toParquet(schema).getFields()).hasSize(1);
    assertThat(kind.isNested()).isEqualTo(!s.type().children().isEmpty());
  }

  @Test
  @DisplayName("DuckDB: our DuckDB type of each kind is the type DuckDB reads our Parquet column of it as; exact reads "
      + "and literals give the value back")
  void duckDb(@TempDir Path dir) throws Exception {
    List<Column> columns = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (ColumnType.Kind kind : ColumnType.Kind.values()) {
      Sample s = KindSamples.of(kind);
      columns.add(new Column("c_" + kind.name().toLowerCase(), s.type(), true));
      values.add(s.value());
    }
    RowSchema schema = new RowSchema(columns);
    Path file = dir.resolve("kinds.parquet");
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      w.write(Row.of(schema, values));
    }
    String from = " FROM read_parquet('" + file + "')";
    try (Connection duck = ParquetFidelityTest.duckdb(); Statement st = duck.createStatement()) {
      for (int i = 0; i < columns.size(); i++) {
        Column c = columns.get(i);
        Object value = values.get(i);
        String column = DuckDbSql.identifier(c.name());
        String ours = DuckDbSql.type(c.type(), c.name(), "kinds");
        assertThat(one(st, "SELECT typeof(CAST(NULL AS " + ours + "))")).as(c.name())
            .isEqualTo(one(st, "SELECT typeof(" + column + ")" + from));
        String selected = DuckDbSql.exactSelect(c.type(), column);
        if (selected != null) {
          try (ResultSet rs = st.executeQuery("SELECT " + selected + from)) {
            assertThat(rs.next()).isTrue();
            assertThat(DuckDbSql.value(rs, 1, c.type())).as(c.name()).isEqualTo(value);
          }
        }
        if (c.type().kind().isNested() || c.type().kind() == ColumnType.Kind.VARIANT) { // never a partition value
          assertThatThrownBy(() -> DuckDbSql.literal(value, c.type())).isInstanceOf(DataFormatException.class);
        } else {
          assertThat(one(st, "SELECT (" + DuckDbSql.literal(value, c.type()) + " IS NOT DISTINCT FROM " + column
              + ")::VARCHAR" + from)).as(c.name()).isEqualTo("true");
        }
      }
    }
    assertThat(ParquetCorpusTest.readAll(file)).containsExactly(Row.of(schema, values));
  }

  private static String one(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
  }

  @ParameterizedTest
  @EnumSource(ColumnType.Kind.class)
  @DisplayName("Cassandra: the loader's CQL type of each kind is one the driver parses, whose codec takes the value the "
      + "loader binds; a struct, and a collection of collections, is refused")
  void cassandra(ColumnType.Kind kind) {
    Sample s = KindSamples.of(kind);
    if (kind == ColumnType.Kind.STRUCT) {
      assertThatThrownBy(() -> CassandraLoader.cqlType(s.type())).isInstanceOf(InvalidInputException.class);
      return;
    }
    String cql = CassandraLoader.cqlType(s.type());
    DataType type = new DataTypeCqlNameParser().parse(CqlIdentifier.fromInternal("ks"), cql, Map.of(), null);
    assertThat(type.asCql(false, true).replace(" ", "")).isEqualTo(cql.replace(" ", ""));
    Object bound = CassandraLoader.driverValue(s.value(), s.type(), "c");
    assertThat(CodecRegistry.DEFAULT.codecFor(type).accepts(bound)).as(cql + " takes " + bound.getClass()).isTrue();
    if (kind.isNested()) {
      assertThatThrownBy(() -> CassandraLoader.cqlType(ColumnType.list(s.type(), false)))
          .isInstanceOf(InvalidInputException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(ColumnType.Kind.class)
  @DisplayName("Delta Sharing: each kind's Spark name reads back as the kind, its partition values parse, and a null "
      + "test's predicate names a type of the protocol or none")
  void deltaSharing(ColumnType.Kind kind) {
    Sample s = KindSamples.of(kind);
    String spark = Spark.name(s.type());
    if (spark == null) {
      assertThat(kind).isIn(ColumnType.Kind.TIME, ColumnType.Kind.LIST, ColumnType.Kind.MAP, ColumnType.Kind.STRUCT);
    } else {
      assertThat(SparkSchema.columnType(spark, "c", "t").kind()).isEqualTo(kind);
    }
    String text = s.partitionText();
    if (text == null) {
      assertThatThrownBy(() -> Values.parsePartition(column(s), "x", "f")).isInstanceOf(DataFormatException.class);
    } else {
      assertThat(Values.parsePartition(column(s), text, "f")).isEqualTo(s.value());
    }
    assertThat(Values.coerce(column(s), s.value(), "f")).isEqualTo(s.value());
    assertThat(Values.toLogical(s.type(), s.type(), s.value())).isEqualTo(s.value());
    Optional<ObjectNode> predicate = Filter.isNull("c").toJsonPredicate(new RowSchema(List.of(column(s))));
    predicate.ifPresent(p -> assertThat(p.at("/children/0/valueType").asText()).isIn(PREDICATE_TYPES));
  }
}
