package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ColumnVector#repeat}, which copies its first value in bulk, against the same value appended one at a time
 * ({@link ColumnBatch#appender}): every kind, null or not, counts either side of each doubling.
 */
@DisplayName("A vector of one value repeated holds what appending it each time holds")
class ColumnVectorRepeatTest {

  @Test
  @DisplayName("every kind, a value and a null, 0 to 1,025 times: the same values as appended one by one")
  void sameAsAppended() {
    for (ColumnType.Kind kind : ColumnType.Kind.values()) {
      KindSamples.Sample sample = KindSamples.of(kind);
      Column column = Column.nullable("c", sample.type());
      for (Object value : new Object[] {sample.value(), null}) {
        for (int count : List.of(0, 1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 1_025)) {
          ColumnVector repeated = ColumnVector.repeat(column, value, count);
          ColumnBatch.Appender appended = ColumnBatch.appender(RowSchema.of(column));
          for (int i = 0; i < count; i++) {
            appended.appendRow(Row.of(RowSchema.of(column), value));
          }
          ColumnVector expected = appended.batch().column(0);
          assertThat(repeated.size()).as(kind + " x" + count).isEqualTo(count);
          for (int i = 0; i < count; i++) {
            assertThat(repeated.get(i)).as(kind + " x" + count + " [" + i + "]").isEqualTo(expected.get(i));
          }
        }
      }
    }
  }

  @Test
  @DisplayName("a null in a required column is refused at once, nothing repeated")
  void requiredNullRefused() {
    assertThatThrownBy(() -> ColumnVector.repeat(Column.required("c", ColumnType.STRING), null, 1_000))
        .isInstanceOf(InvalidInputException.class);
  }
}
