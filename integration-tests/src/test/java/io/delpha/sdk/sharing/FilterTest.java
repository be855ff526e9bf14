package io.delpha.sdk.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FilterTest {

  static final RowSchema SCHEMA = RowSchema.builder().nullable("org", ColumnType.STRING)
      .nullable("n", ColumnType.LONG).nullable("cost", ColumnType.decimal(5, 2)).nullable("day", ColumnType.DATE).build();

  static Row row(String org, Long n, String cost, LocalDate day) {
    return Row.of(SCHEMA, org, n, cost == null ? null : new BigDecimal(cost), day);
  }

  @Test
  @DisplayName("comparisons with null are unknown: neither the filter nor its negation keeps the row")
  void threeValuedLogic() {
    Row nullOrg = row(null, 1L, "1.00", LocalDate.of(2024, 1, 1));
    assertThat(Filter.eq("org", "acme").test(nullOrg)).isFalse();
    assertThat(Filter.not(Filter.eq("org", "acme")).test(nullOrg)).isFalse();
    assertThat(Filter.or(Filter.eq("org", "acme"), Filter.eq("n", 1)).test(nullOrg)).isTrue();
    assertThat(Filter.and(Filter.eq("org", "acme"), Filter.eq("n", 2)).test(nullOrg)).isFalse();
    assertThat(Filter.isNull("org").test(nullOrg)).isTrue();
  }

  @Test
  @DisplayName("numbers compare by value across Integer, Long, Double and BigDecimal; dates compare as dates")
  void numericAndDateComparison() {
    Row r = row("acme", 5L, "2.50", LocalDate.of(2024, 5, 2));
    assertThat(Filter.eq("n", 5).test(r)).isTrue();
    assertThat(Filter.lt("n", 5.5).test(r)).isTrue();
    assertThat(Filter.eq("cost", new BigDecimal("2.5")).test(r)).isTrue();
    assertThat(Filter.gt("cost", 2).test(r)).isTrue();
    assertThat(Filter.le("day", LocalDate.of(2024, 5, 2)).test(r)).isTrue();
    assertThat(Filter.gt("day", LocalDate.of(2024, 5, 2)).test(r)).isFalse();
    assertThatThrownBy(() -> Filter.eq("day", "2024-05-02").test(r)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("day");
    assertThatThrownBy(() -> Filter.eq("org", null)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("the JSON hint drops inexpressible parts of an and, and gives no hint for a partial or")
  void hints() {
    Filter partialAnd = Filter.and(Filter.eq("org", "acme"), Filter.eq("cost", new BigDecimal("1.00")));
    assertThat(partialAnd.toJsonPredicate(SCHEMA)).hasValueSatisfying(h -> assertThat(h.toString())
        .isEqualTo("{\"op\":\"equal\",\"children\":[{\"op\":\"column\",\"name\":\"org\",\"valueType\":\"string\"},"
            + "{\"op\":\"literal\",\"value\":\"acme\",\"valueType\":\"string\"}]}"));
    assertThat(Filter.or(Filter.eq("org", "acme"), Filter.eq("cost", new BigDecimal("1.00"))).toJsonPredicate(SCHEMA))
        .isEmpty();
    assertThat(Filter.not(partialAnd).toJsonPredicate(SCHEMA)).isEmpty();
    assertThat(Filter.isNull("day").toJsonPredicate(SCHEMA)).hasValueSatisfying(h ->
        assertThat(h.toString()).contains("\"op\":\"isNull\"").contains("\"valueType\":\"date\""));
  }
}
