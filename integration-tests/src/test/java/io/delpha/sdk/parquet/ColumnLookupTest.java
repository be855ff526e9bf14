package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Lookups by name answer the same whatever {@code String} object asks: a literal (interned, found by reference), an
 * equal string built at run time (found by hash), a name no column has, {@code null}; for schemas under and over
 * the reference-scan limit. The oracle is a plain scan of the names.
 */
class ColumnLookupTest {

  private static RowSchema schema(int columns, Random random) {
    List<Column> list = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      // names built at run time, never interned by the caller: the schema must intern its own
      String name = new StringBuilder("c").append(random.nextInt(1000)).append('_').append(i).toString();
      list.add(Column.nullable(name, ColumnType.LONG));
    }
    return RowSchema.of(list.toArray(new Column[0]));
  }

  private static int scan(RowSchema schema, String name) {
    for (int i = 0; i < schema.size(); i++) {
      if (schema.columns().get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  @DisplayName("by literal, by an equal new String, unknown and null names: the same answers as a scan of the names")
  void lookupsAgreeWithAScan() {
    Random random = new Random(34);
    for (int columns : new int[] {1, 2, 6, 16, 17, 40}) {
      RowSchema schema = schema(columns, random);
      for (int i = 0; i < columns; i++) {
        String name = schema.columns().get(i).name();
        assertThat(schema.requireIndex(name.intern())).isEqualTo(i).isEqualTo(scan(schema, name));
        assertThat(schema.requireIndex(new String(name))).isEqualTo(i);
        assertThat(schema.indexOf(new String(name.toCharArray())).getAsInt()).isEqualTo(i);
      }
      // judged by the data: a row whose every column holds its own value answers each name with that column's value
      Object[] values = new Object[columns];
      for (int i = 0; i < columns; i++) {
        values[i] = 1_000L * columns + i;
      }
      Row row = Row.of(schema, values);
      for (int i = 0; i < columns; i++) {
        String name = schema.columns().get(i).name();
        assertThat(row.getLong(new String(name))).isEqualTo(values[scan(schema, name)]);
        assertThat(row.getLong(name.intern())).isEqualTo(values[i]);
      }
      assertThat(schema.indexOf("no_such_column")).isEmpty();
      assertThatThrownBy(() -> schema.requireIndex("no_such_column")).isInstanceOf(InvalidInputException.class);
    }
    RowSchema literal = RowSchema.of(Column.nullable("id", ColumnType.LONG), Column.nullable("name", ColumnType.STRING));
    assertThat(literal.requireIndex("name")).isEqualTo(1);
    Row row = Row.of(literal, 7L, "x");
    assertThat(row.getLong("id")).isEqualTo(7L);
    assertThat(row.getString(new String("name"))).isEqualTo("x");
  }
}
