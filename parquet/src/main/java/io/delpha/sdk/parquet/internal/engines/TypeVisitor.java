package io.delpha.sdk.parquet.internal.engines;

import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.RowSchema;
import org.jspecify.annotations.Nullable;

/**
 * The shape of a row-model type, for code outside {@code parquet} that walks nested types and values: a scalar (whose
 * meaning in each engine its kind's declaration gives, through this package's classes), a list, a map or a struct.
 * {@link #visit} is the one switch over the kinds' shapes, so a new nested kind is a method here, which the compiler
 * then asks of every visitor; a new scalar kind changes no visitor.
 *
 * @param <R> what a visit answers
 */
public interface TypeVisitor<R extends @Nullable Object> {

  /**
   * @param type a row-model type
   * @param visitor what to do with each shape
   * @param <R> what the visit answers
   * @return the visitor's answer for the type's shape
   */
  static <R extends @Nullable Object> R visit(ColumnType type, TypeVisitor<R> visitor) {
    return switch (type.kind()) {
      case LIST -> visitor.list(type, type.element());
      case MAP -> visitor.map(type, type.key(), type.value());
      case STRUCT -> visitor.struct(type, type.fields());
      default -> visitor.scalar(type); // the scalar kinds
    };
  }

  /**
   * @param type a type of a scalar kind (every kind but LIST, MAP and STRUCT)
   * @return the answer
   */
  R scalar(ColumnType type);

  /**
   * @param type a LIST
   * @param element its element column
   * @return the answer
   */
  R list(ColumnType type, Column element);

  /**
   * @param type a MAP
   * @param key its key column
   * @param value its value column
   * @return the answer
   */
  R map(ColumnType type, Column key, Column value);

  /**
   * @param type a STRUCT
   * @param fields its fields
   * @return the answer
   */
  R struct(ColumnType type, RowSchema fields);
}
