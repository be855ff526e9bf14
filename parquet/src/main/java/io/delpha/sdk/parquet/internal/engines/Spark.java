package io.delpha.sdk.parquet.internal.engines;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Spark and Delta (Delta Sharing's schemas and files) and the row model: a kind's name among Spark SQL's primitive
 * types, a partition value from the protocol's string, a file's value widened to the table's type. Each is the kind's
 * declaration's ({@code ScalarKind#sparkName}, {@code parsePartition}, {@code widen}); LIST, MAP and STRUCT are Spark's
 * {@code array}, {@code map} and {@code struct}, which the schema's JSON spells as objects.
 */
public final class Spark {

  private Spark() {}

  /**
   * The name of a type's kind among Spark SQL's primitive types, which {@link #primitive} reads back as that kind.
   *
   * @param type a row-model type
   * @return its Spark name (a DECIMAL's without its precision and scale), or {@code null} for a kind Spark has no
   *     primitive type for (TIME) and for LIST, MAP and STRUCT
   */
  public static @Nullable String name(ColumnType type) {
    return type.kind().isNested() ? null : ScalarKind.of(type).sparkName();
  }

  /**
   * @param sparkName a Spark SQL primitive type's name
   * @return the row-model type of that name, or {@code null} if no kind is named so, or for {@code decimal}, whose
   *     precision and scale are the name's to give
   */
  public static @Nullable ColumnType primitive(String sparkName) {
    String name = sparkName.trim().toLowerCase(Locale.ROOT);
    for (ColumnType.Kind kind : ColumnType.Kind.values()) {
      if (!kind.isNested() && kind != ColumnType.Kind.DECIMAL && name.equals(ScalarKind.of(kind).sparkName())) {
        return new ColumnType(kind, 0, 0);
      }
    }
    return null;
  }

  /**
   * @param type a row-model type
   * @return whether a partition value (a string in the protocol) can be of the type: a scalar kind's that says so
   *     (not VARIANT's)
   */
  public static boolean partitionable(ColumnType type) {
    return !type.kind().isNested() && ScalarKind.of(type).partitionable();
  }

  /**
   * Parses a partition value, which the Delta Sharing protocol sends as a string.
   *
   * @param text the value, not empty
   * @param type the column's type, one {@link #partitionable} takes
   * @return the value
   * @throws RuntimeException a {@code NumberFormatException}, {@code DateTimeParseException} or
   *     {@code ArithmeticException} if the text is not a value of the type (the caller types it), an
   *     {@code IllegalArgumentException} for a type that is not {@link #partitionable}
   */
  public static Object parsePartition(String text, ColumnType type) {
    if (!partitionable(type)) {
      throw new IllegalArgumentException("partition values cannot hold a " + type);
    }
    return ScalarKind.of(type).parsePartition(text, type);
  }

  /**
   * Widens a value a data file holds in another type (a {@code short} as INT32, a {@code float} as FLOAT, a decimal
   * of another physical type, a narrower type under Delta's type widening) to the Java type of a scalar kind.
   *
   * @param value the file's value, not of the type's Java type
   * @param type the table's column type
   * @return the value, or {@code null} if it does not widen to the type (and for LIST, MAP and STRUCT, whose parts
   *     the caller widens)
   * @throws ArithmeticException if it would not be exact
   */
  public static @Nullable Object widen(Object value, ColumnType type) {
    return type.kind().isNested() ? null : ScalarKind.of(type).widen(value, type);
  }
}
