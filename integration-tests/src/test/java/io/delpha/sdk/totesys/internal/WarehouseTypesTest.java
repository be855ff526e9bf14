package io.delpha.sdk.totesys.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.KindSamples;
import io.delpha.sdk.parquet.KindSamples.Sample;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.testing.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.PGConnection;

/**
 * The warehouse's PostgreSQL type of each {@link ColumnType.Kind} and its binary COPY form, held to a real server:
 * PostgreSQL takes the value as the type we declare and gives it back equal.
 */
@DisplayName("Every column kind has a warehouse type whose binary COPY form PostgreSQL reads back exactly, or none")
class WarehouseTypesTest {

  /** The kinds of the warehouse's columns; the others have no warehouse type. */
  private static final Set<ColumnType.Kind> WAREHOUSE = EnumSet.of(ColumnType.Kind.INT, ColumnType.Kind.LONG,
      ColumnType.Kind.BOOLEAN, ColumnType.Kind.DECIMAL, ColumnType.Kind.DATE, ColumnType.Kind.TIME,
      ColumnType.Kind.STRING, ColumnType.Kind.VARIANT);

  static DataSource db;

  @BeforeAll
  static void database() {
    db = PostgresServer.shared().createDatabase("kinds");
  }

  @ParameterizedTest
  @EnumSource(ColumnType.Kind.class)
  @DisplayName("a value of each warehouse kind goes through a binary COPY into a column of its type and reads back equal")
  void copiedExactly(ColumnType.Kind kind) throws Exception {
    Sample s = KindSamples.of(kind);
    if (!WAREHOUSE.contains(kind)) {
      assertThatThrownBy(() -> BinaryCopyWriter.sqlType(s.type())).isInstanceOf(IllegalStateException.class);
      return;
    }
    String table = "k_" + kind.name().toLowerCase();
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + table + " (v " + BinaryCopyWriter.sqlType(s.type()) + ", n "
          + BinaryCopyWriter.sqlType(s.type()) + ")");
      BinaryCopyWriter writer = new BinaryCopyWriter(c.unwrap(PGConnection.class).getCopyAPI()
          .copyIn("COPY " + table + " (v, n) FROM STDIN (FORMAT binary)"));
      writer.startRow(2);
      assertThat(writer.write(s.value(), s.type())).isPositive();
      assertThat(writer.write(null, s.type())).isEqualTo(-1);
      assertThat(writer.finish()).isEqualTo(1);
      try (ResultSet rs = st.executeQuery("SELECT v, n FROM " + table)) {
        assertThat(rs.next()).isTrue();
        if (kind == ColumnType.Kind.VARIANT) { // jsonb of its JSON: the same value back, by Variant's equality
          assertThat(io.delpha.sdk.parquet.Variant.fromJson(rs.getString(1))).isEqualTo(s.value());
        } else {
          assertThat(rs.getObject(1, Row.javaType(s.type()))).isEqualTo(s.value());
        }
        assertThat(rs.getObject(2)).isNull();
      }
    }
  }
}
