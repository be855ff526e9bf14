package io.delpha.sdk.parquet.internal.engines;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.internal.kinds.ScalarKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cassandra and the row model: the CQL type a column of a row-model type is created as, the existing CQL types that
 * hold its values, and a value as the driver binds it. A scalar kind's part is its declaration's ({@code
 * ScalarKind#cqlType}, {@code cqlValue}); lists and maps of scalars are CQL collections, composed here. A struct, and a
 * collection of collections or structs, has no CQL type here.
 */
public final class Cql {

  private static final Set<String> TEXT = Set.of("text", "ascii");

  private Cql() {}

  /**
   * @param type a row-model type
   * @return the CQL type a column of it is created as: the kind's, {@code list<..>} or {@code map<.., ..>} of scalars
   * @throws InvalidInputException for a struct, or a list or map of lists, maps or structs
   */
  public static String type(ColumnType type) {
    return type(type, false);
  }

  private static String type(ColumnType type, boolean inCollection) {
    return switch (type.kind()) {
      case LIST -> inCollection ? none(type) : "list<" + type(type.element().type(), true) + ">";
      case MAP -> inCollection ? none(type)
          : "map<" + type(type.key().type(), true) + ", " + type(type.value().type(), true) + ">";
      case STRUCT -> none(type);
      default -> ScalarKind.of(type).cqlType(); // the scalar kinds
    };
  }

  private static <T> T none(ColumnType type) {
    throw new InvalidInputException("a " + type + " column has no Cassandra type (nested rows and nested collections "
        + "are not mapped)");
  }

  /**
   * Whether an existing column holds the values of a row-model type as a column of {@link #type} would: the same type,
   * spaces and {@code varchar} (an alias of {@code text}) aside; a STRING is also held by {@code ascii}.
   *
   * @param existing the existing column's CQL type, as the driver describes it
   * @param type the row-model type
   * @param created {@link #type} of {@code type} (the caller has it, with its own message if there is none)
   * @return whether the existing column takes the values
   */
  public static boolean accepts(String existing, ColumnType type, String created) {
    String have = existing.replace("varchar", "text").replace(" ", "");
    if (type.equals(ColumnType.STRING)) {
      return TEXT.contains(have);
    }
    return have.equals(created.replace(" ", ""));
  }

  /**
   * Whether writing a whole value of the type again leaves the column as one write does, so that the driver may send
   * an insert again to another coordinator: not for a list, to which each execution appends its elements under fresh
   * server-side keys.
   *
   * @param type a type {@link #type} names
   * @return whether an upsert of it is idempotent
   */
  public static boolean idempotentUpsert(ColumnType type) {
    return type.kind() != ColumnType.Kind.LIST;
  }

  /**
   * A row model value as the driver binds it to a column of {@link #type}: the kind's driver value (byte arrays as
   * buffers, wall-clock timestamps as UTC instants, a VARIANT as its JSON, the other values as they are), collections
   * element by element (Cassandra collections hold no nulls).
   *
   * @param value a value of {@code type}
   * @param type its type, one {@link #type} names
   * @param column the column, for messages
   * @return the value to bind
   * @throws DataFormatException if a list or map holds a null
   * @throws InvalidInputException for a type {@link #type} refuses
   */
  public static Object value(Object value, ColumnType type, String column) {
    return switch (type.kind()) {
      case LIST -> {
        List<?> list = (List<?>) value;
        List<Object> out = new ArrayList<>(list.size());
        for (Object e : list) {
          if (e == null) {
            throw new DataFormatException("list column " + column + " holds a null element, which a Cassandra list "
                + "cannot");
          }
          out.add(value(e, type.element().type(), column));
        }
        yield out;
      }
      case MAP -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          if (e.getValue() == null) {
            throw new DataFormatException("map column " + column + " holds a null value for key " + e.getKey()
                + ", which a Cassandra map cannot");
          }
          out.put(value(e.getKey(), type.key().type(), column), value(e.getValue(), type.value().type(), column));
        }
        yield out;
      }
      case STRUCT -> none(type);
      default -> ScalarKind.of(type).cqlValue(value); // the scalar kinds
    };
  }
}
