package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.InvalidInputException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * Appends values of the row model to a vector, checked so that Parquet keeps each exactly: a leaf's through its {@link
 * LeafCodec}, with a fast path for the kinds the writer meets most; a LIST's, MAP's or STRUCT's parts to the children's
 * appenders ({@link #child}), the public package taking the value apart (it knows {@code Row}). One per vector, made
 * with its children's; not thread-safe.
 */
public final class VectorAppender {

  /**
   * Seconds whose microseconds, plus those of a second's fraction, stay inside a long: the fast path of {@link
   * #append} leaves the seconds beyond to {@link LeafCodec#append}'s exact arithmetic.
   */
  private static final long MAX_MICROS_SECOND = Long.MAX_VALUE / 1_000_000L - 1;

  private final Vector vector;
  /** A leaf's conversions, {@code null} for LIST, MAP and STRUCT. */
  private final @Nullable LeafCodec codec;
  /** How {@link #append} appends a value: a {@code LeafCodec.ROW_} path, or -1 for LIST, MAP and STRUCT. */
  private final int rowPath;
  private final VectorAppender[] children;

  /** @param vector the vector to append to (and its children) */
  public VectorAppender(Vector vector) {
    this.vector = vector;
    int parts = vector.column().type().children().size();
    this.children = new VectorAppender[parts];
    for (int i = 0; i < parts; i++) {
      children[i] = new VectorAppender(vector.child(i));
    }
    this.codec = vector.isLeaf() ? new LeafCodec(vector) : null;
    this.rowPath = codec == null ? -1 : codec.rowPath();
  }

  /** @return the vector appended to */
  public Vector vector() {
    return vector;
  }

  /**
   * @param index a part of a LIST (0: elements), MAP (0: keys, 1: values) or STRUCT (a field's position)
   * @return that part's appender
   */
  public VectorAppender child(int index) {
    return children[index];
  }

  /** @return whether this appends to a leaf vector (not LIST, MAP or STRUCT), whose values {@link #append} takes */
  public boolean isLeaf() {
    return codec != null;
  }

  /**
   * Appends a value of the row model to a leaf vector, checked and converted as {@link LeafCodec#append} (or, for
   * {@code null}, {@link Vector#appendNull}) does, with the same outcome and the same exceptions: the kinds the writer
   * meets most (BOOLEAN, INT, LONG, DOUBLE, STRING, DATE, TIMESTAMP in micros, DECIMAL in INT64) go straight into the
   * array, one switch on a path chosen when the appender was made; anything else, and any value that fails a check,
   * takes the general path, which throws. The row writer's path for every value of every row.
   *
   * @param value the value, possibly {@code null}
   * @throws InvalidInputException if the value does not fit the column (see {@link LeafCodec#append})
   * @throws IllegalStateException for a LIST, MAP or STRUCT vector (its parts go to the children's appenders)
   */
  public void append(@Nullable Object value) {
    Vector v = vector;
    int i = v.size();
    if (value == null || i >= v.capacity() || v.dictionaryIds() != null) {
      appendSlowly(value);
      return;
    }
    switch (rowPath) {
      case LeafCodec.ROW_BOOLEAN -> {
        if (!(value instanceof Boolean b)) {
          leafCodec().append(value);
          return;
        }
        v.booleans()[i] = b;
      }
      case LeafCodec.ROW_INT -> {
        if (!(value instanceof Integer x)) {
          leafCodec().append(value);
          return;
        }
        v.ints()[i] = x;
      }
      case LeafCodec.ROW_LONG -> {
        if (!(value instanceof Long x)) {
          leafCodec().append(value);
          return;
        }
        v.longs()[i] = x;
      }
      case LeafCodec.ROW_DOUBLE -> {
        if (!(value instanceof Double x)) {
          leafCodec().append(value);
          return;
        }
        v.doubles()[i] = x;
      }
      case LeafCodec.ROW_STRING -> {
        if (!(value instanceof String x)) {
          leafCodec().append(value);
          return;
        }
        v.appendString(x);
        return;
      }
      case LeafCodec.ROW_DATE -> {
        long day;
        if (!(value instanceof LocalDate d) || (int) (day = d.toEpochDay()) != day) {
          leafCodec().append(value); // the wrong type, or a day outside INT32: throws
          return;
        }
        v.ints()[i] = (int) day;
      }
      case LeafCodec.ROW_TIMESTAMP_MICROS -> {
        long second;
        int nano;
        if (!(value instanceof Instant t) || (nano = t.getNano()) % 1_000 != 0
            || (second = t.getEpochSecond()) > MAX_MICROS_SECOND || second < -MAX_MICROS_SECOND) {
          leafCodec().append(value); // the wrong type, digits below the microsecond, or near the range's ends: checked there
          return;
        }
        v.longs()[i] = second * 1_000_000L + nano / 1_000;
      }
      case LeafCodec.ROW_DECIMAL_LONG -> {
        if (!(value instanceof BigDecimal d)) {
          leafCodec().append(value);
          return;
        }
        v.longs()[i] = leafCodec().unscaledLong(d);
      }
      default -> {
        leafCodec().append(value);
        return;
      }
    }
    v.appended(i);
  }

  private void appendSlowly(@Nullable Object value) {
    if (value == null) {
      vector.appendNull();
    } else {
      leafCodec().append(value);
    }
  }

  /**
   * Appends an INT64 value checked against the kind (see {@link LeafCodec#appendLong}).
   *
   * @param value a LONG, an unscaled DECIMAL, or a TIME, TIMESTAMP or LOCAL_TIMESTAMP in the vector's unit
   * @throws InvalidInputException if the vector is not INT64, a decimal has more digits than its precision, or a time
   *     is outside a day
   */
  public void appendLong(long value) {
    LeafCodec c = codec;
    if (c == null) {
      vector.appendLong(value); // refuses: a LIST, MAP or STRUCT vector holds no INT64 values
    } else {
      c.appendLong(value);
    }
  }

  private LeafCodec leafCodec() {
    LeafCodec c = codec;
    if (c == null) {
      throw new IllegalStateException(vector.column() + " is nested: its appender takes its values apart");
    }
    return c;
  }
}
