package io.delpha.sdk.sharing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A row filter: sent to the sharing server as a {@code jsonPredicateHints} hint (which servers apply
 * best effort, on partition columns, to skip files) and always applied again by the client on every
 * row, so the rows read are exactly those that match.
 *
 * <pre>{@code
 * Filter f = Filter.and(Filter.eq("org_id", "acme"), Filter.ge("usage_date", LocalDate.of(2024, 1, 1)));
 * }</pre>
 *
 * <p>Comparisons follow SQL: a comparison with a {@code null} value is unknown, and only rows for
 * which the whole filter is true are kept. Literals are {@code String}, {@code Integer}, {@code Long},
 * {@code Double}, {@code Float}, {@code BigDecimal}, {@code Boolean}, {@code LocalDate} or {@code
 * Instant}; numbers compare by value whatever their Java type. Immutable and thread-safe.
 */
public abstract sealed class Filter {

  private Filter() {}

  /**
   * @param column a column
   * @param value a non-null literal
   * @return {@code column = value}
   */
  public static Filter eq(String column, Object value) {
    return new Comparison("equal", column, value);
  }

  /**
   * @param column a column
   * @param value a non-null literal
   * @return {@code column < value}
   */
  public static Filter lt(String column, Object value) {
    return new Comparison("lessThan", column, value);
  }

  /**
   * @param column a column
   * @param value a non-null literal
   * @return {@code column <= value}
   */
  public static Filter le(String column, Object value) {
    return new Comparison("lessThanOrEqual", column, value);
  }

  /**
   * @param column a column
   * @param value a non-null literal
   * @return {@code column > value}
   */
  public static Filter gt(String column, Object value) {
    return new Comparison("greaterThan", column, value);
  }

  /**
   * @param column a column
   * @param value a non-null literal
   * @return {@code column >= value}
   */
  public static Filter ge(String column, Object value) {
    return new Comparison("greaterThanOrEqual", column, value);
  }

  /**
   * @param column a column
   * @return {@code column IS NULL}
   */
  public static Filter isNull(String column) {
    return new IsNull(column);
  }

  /**
   * @param filters at least one filter
   * @return true when every filter is true
   */
  public static Filter and(Filter... filters) {
    return new Junction("and", List.of(filters));
  }

  /**
   * @param filters at least one filter
   * @return true when any filter is true
   */
  public static Filter or(Filter... filters) {
    return new Junction("or", List.of(filters));
  }

  /**
   * @param filter a filter
   * @return its negation
   */
  public static Filter not(Filter filter) {
    return new Not(filter);
  }

  /**
   * @param row a row
   * @return whether the filter is true for it (false or unknown rows are dropped)
   * @throws InvalidInputException if a column is missing or a literal cannot be compared with its values
   */
  public boolean test(Row row) {
    return Boolean.TRUE.equals(evaluate(row));
  }

  /**
   * Checks every column the filter names exists in {@code schema}.
   *
   * @param schema a table's schema
   * @throws InvalidInputException naming the first unknown column
   */
  public abstract void checkColumns(RowSchema schema);

  /**
   * The protocol's JSON predicate for this filter, when one can express it. Parts that cannot be
   * expressed are left out of an {@code and} (the server then returns more files, never fewer).
   *
   * @param schema the table's schema, for the value types
   * @return the predicate tree, or empty if no hint can be sent
   */
  public abstract Optional<ObjectNode> toJsonPredicate(RowSchema schema);

  abstract @Nullable Boolean evaluate(Row row);

  private static final class Comparison extends Filter {
    private final String op;
    private final String column;
    private final Object value;

    Comparison(String op, String column, Object value) {
      this.op = op;
      this.column = requireColumn(column);
      this.value = requireLiteral(value, column);
    }

    @Override
    @Nullable Boolean evaluate(Row row) {
      Object actual = row.get(column);
      if (actual == null) {
        return null;
      }
      int c = compare(actual, value, column);
      return switch (op) {
        case "equal" -> c == 0;
        case "lessThan" -> c < 0;
        case "lessThanOrEqual" -> c <= 0;
        case "greaterThan" -> c > 0;
        default -> c >= 0;
      };
    }

    @Override
    public void checkColumns(RowSchema schema) {
      schema.requireIndex(column);
    }

    @Override
    public Optional<ObjectNode> toJsonPredicate(RowSchema schema) {
      String valueType = valueType(value.getClass());
      if (valueType == null) {
        return Optional.empty();
      }
      ObjectNode node = JsonNodeFactory.instance.objectNode().put("op", op);
      ArrayNode children = node.putArray("children");
      children.addObject().put("op", "column").put("name", column).put("valueType", valueType);
      children.addObject().put("op", "literal").put("value", literalText(value)).put("valueType", valueType);
      return Optional.of(node);
    }

    @Override
    public String toString() {
      return column + " " + op + " " + value;
    }
  }

  private static final class IsNull extends Filter {
    private final String column;

    IsNull(String column) {
      this.column = requireColumn(column);
    }

    @Override
    @Nullable Boolean evaluate(Row row) {
      return row.get(column) == null;
    }

    @Override
    public void checkColumns(RowSchema schema) {
      schema.requireIndex(column);
    }

    @Override
    public Optional<ObjectNode> toJsonPredicate(RowSchema schema) {
      String valueType = valueType(Row.javaType(schema.column(column).type()));
      if (valueType == null) {
        return Optional.empty();
      }
      ObjectNode node = JsonNodeFactory.instance.objectNode().put("op", "isNull");
      node.putArray("children").addObject().put("op", "column").put("name", column).put("valueType", valueType);
      return Optional.of(node);
    }

    @Override
    public String toString() {
      return column + " is null";
    }
  }

  private static final class Junction extends Filter {
    private final String op;
    private final List<Filter> children;

    Junction(String op, List<Filter> children) {
      if (children.isEmpty()) {
        throw new InvalidInputException(op + " needs at least one filter");
      }
      children.forEach(c -> Objects.requireNonNull(c, "filter"));
      this.op = op;
      this.children = children;
    }

    @Override
    @Nullable Boolean evaluate(Row row) {
      boolean and = op.equals("and");
      boolean unknown = false;
      for (Filter child : children) {
        Boolean r = child.evaluate(row);
        if (r == null) {
          unknown = true;
        } else if (r != and) {
          return r;
        }
      }
      return unknown ? null : and;
    }

    @Override
    public void checkColumns(RowSchema schema) {
      children.forEach(c -> c.checkColumns(schema));
    }

    @Override
    public Optional<ObjectNode> toJsonPredicate(RowSchema schema) {
      List<ObjectNode> hints = new ArrayList<>();
      for (Filter child : children) {
        Optional<ObjectNode> hint = child.toJsonPredicate(schema);
        if (hint.isEmpty() && op.equals("or")) {
          return Optional.empty(); // an or without one branch would drop that branch's files
        }
        hint.ifPresent(hints::add);
      }
      if (hints.isEmpty()) {
        return Optional.empty();
      }
      if (hints.size() == 1) {
        return Optional.of(hints.get(0));
      }
      ObjectNode node = JsonNodeFactory.instance.objectNode().put("op", op);
      ArrayNode array = node.putArray("children");
      hints.forEach(array::add);
      return Optional.of(node);
    }

    @Override
    public String toString() {
      return children.stream().map(Object::toString).collect(Collectors.joining(" " + op + " ", "(", ")"));
    }
  }

  private static final class Not extends Filter {
    private final Filter child;

    Not(Filter child) {
      this.child = Objects.requireNonNull(child, "filter");
    }

    @Override
    @Nullable Boolean evaluate(Row row) {
      Boolean r = child.evaluate(row);
      return r == null ? null : !r;
    }

    @Override
    public void checkColumns(RowSchema schema) {
      child.checkColumns(schema);
    }

    @Override
    public Optional<ObjectNode> toJsonPredicate(RowSchema schema) {
      // a partial hint negated would exclude files that match: send not() only for a complete child
      if (child instanceof Junction j && j.op.equals("and")
          && j.children.stream().anyMatch(c -> c.toJsonPredicate(schema).isEmpty())) {
        return Optional.empty();
      }
      return child.toJsonPredicate(schema).map(hint -> {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("op", "not");
        node.putArray("children").add(hint);
        return node;
      });
    }

    @Override
    public String toString() {
      return "not " + child;
    }
  }

  private static String requireColumn(String column) {
    if (column == null || column.isBlank()) {
      throw new InvalidInputException("a filter needs a column name");
    }
    return column;
  }

  private static Object requireLiteral(Object value, String column) {
    if (value == null) {
      throw new InvalidInputException("the filter on " + column + " compares with null: use Filter.isNull");
    }
    if (!(value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof LocalDate || value instanceof Instant)) {
      throw new InvalidInputException("the filter on " + column + " has an unsupported literal type "
          + value.getClass().getSimpleName());
    }
    return value;
  }

  /** The protocol's type of values of a Java class: a literal's, or a column's ({@link Row#javaType}). */
  private static @Nullable String valueType(Class<?> type) {
    if (type == String.class) {
      return "string";
    } else if (type == Integer.class || type == Short.class || type == Byte.class) {
      return "int";
    } else if (type == Long.class) {
      return "long";
    } else if (type == Double.class) {
      return "double";
    } else if (type == Float.class) {
      return "float";
    } else if (type == Boolean.class) {
      return "bool";
    } else if (type == LocalDate.class) {
      return "date";
    } else if (type == Instant.class) {
      return "timestamp";
    }
    return null; // BigDecimal: no exact protocol type, so no hint; nor for times, binary and nested values
  }

  private static String literalText(Object value) {
    return value.toString(); // Instant.toString is ISO 8601 in UTC, the protocol's timestamp format
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object actual, Object literal, String column) {
    if (actual instanceof Number a && literal instanceof Number b) {
      if (!Double.isFinite(a.doubleValue()) || !Double.isFinite(b.doubleValue())) {
        return Double.compare(a.doubleValue(), b.doubleValue()); // NaN and infinities have no BigDecimal
      }
      return toBigDecimal(a).compareTo(toBigDecimal(b));
    }
    if (actual.getClass() == literal.getClass() && actual instanceof Comparable c) {
      return c.compareTo(literal);
    }
    throw new InvalidInputException("the filter on " + column + " compares a " + actual.getClass().getSimpleName()
        + " value with a " + literal.getClass().getSimpleName() + " literal");
  }

  private static BigDecimal toBigDecimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof Double || n instanceof Float) {
      return new BigDecimal(n.toString());
    }
    return BigDecimal.valueOf(n.longValue());
  }
}
