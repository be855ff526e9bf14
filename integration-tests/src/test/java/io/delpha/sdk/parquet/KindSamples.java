package io.delpha.sdk.parquet;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One column type and value of each {@link ColumnType.Kind}, for the tests that hold every system the row model meets
 * to every kind ({@code ColumnKindsTest}, {@code BinaryCopyWriterTest}). A new kind fails to compile here until it has
 * its sample.
 */
public final class KindSamples {

  /**
   * @param type a type of the kind
   * @param value a value of the type, exact in every system that has the kind (a TIME of whole milliseconds, as the
   *     warehouse's {@code TIME(3)} holds it)
   * @param partitionText the value as Delta Sharing's partition values serialise it, {@code null} for nested kinds
   */
  public record Sample(ColumnType type, Object value, @Nullable String partitionText) {}

  private KindSamples() {}

  /**
   * @param kind a kind
   * @return its sample
   */
  public static Sample of(ColumnType.Kind kind) {
    return switch (kind) {
      case BOOLEAN -> new Sample(ColumnType.BOOLEAN, true, "true");
      case INT -> new Sample(ColumnType.INT, -42, "-42");
      case LONG -> new Sample(ColumnType.LONG, 9_000_000_000L, "9000000000");
      case DOUBLE -> new Sample(ColumnType.DOUBLE, 1.5, "1.5");
      case DECIMAL -> new Sample(ColumnType.decimal(10, 2), new BigDecimal("-12345.67"), "-12345.67");
      case STRING -> new Sample(ColumnType.STRING, "kind é ' \"", "kind é ' \"");
      case DATE -> new Sample(ColumnType.DATE, LocalDate.of(2024, 2, 29), "2024-02-29");
      case TIME -> new Sample(ColumnType.TIME, LocalTime.of(12, 34, 56, 789_000_000), "12:34:56.789");
      case TIMESTAMP -> new Sample(ColumnType.TIMESTAMP, Instant.parse("2024-02-29T12:34:56.789012Z"),
          "2024-02-29 12:34:56.789012");
      case LOCAL_TIMESTAMP -> new Sample(ColumnType.LOCAL_TIMESTAMP, LocalDateTime.of(2024, 2, 29, 12, 34, 56, 789_012_000),
          "2024-02-29 12:34:56.789012");
      case BYTES -> new Sample(ColumnType.BYTES, "bytes".getBytes(StandardCharsets.UTF_8), "bytes");
      case VARIANT -> new Sample(ColumnType.VARIANT, Variant.fromJson("{\"a\":1,\"b\":[\"x\",null,2.5]}"), null);
      case LIST -> new Sample(ColumnType.list(ColumnType.INT, true), List.of(1, 2), null);
      case MAP -> {
        Map<String, Integer> map = new LinkedHashMap<>();
        map.put("a", 1);
        map.put("b", 2);
        yield new Sample(ColumnType.map(ColumnType.STRING, ColumnType.INT, true), map, null);
      }
      case STRUCT -> {
        RowSchema fields = RowSchema.builder().nullable("a", ColumnType.INT).nullable("b", ColumnType.STRING).build();
        yield new Sample(ColumnType.struct(fields), Row.of(fields, 1, "b"), null);
      }
    };
  }
}
