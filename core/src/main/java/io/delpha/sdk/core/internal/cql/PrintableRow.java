package io.delpha.sdk.core.internal.cql;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.ListType;
import com.datastax.oss.driver.api.core.type.MapType;
import com.datastax.oss.driver.api.core.type.SetType;
import com.datastax.oss.driver.api.core.type.TupleType;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import io.delpha.sdk.core.internal.TextTable;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A driver {@link Row} that prints its columns: {@code {release_version=5.0.6}} ({@link TextTable#record}, so at
 * most a dozen columns and 40 characters a value), where the driver's own row prints {@code DefaultRow@75d0911a}.
 * Every other method is the driver row's. Serialized, it is the driver's row (a reader needs no class of ours).
 */
final class PrintableRow implements Row, Serializable {

  private static final long serialVersionUID = 1L;

  private final Row row;

  PrintableRow(Row row) {
    this.row = row;
  }

  /**
   * @param row a row
   * @return its column names, in order
   */
  static List<String> names(Row row) {
    ColumnDefinitions definitions = row.getColumnDefinitions();
    List<String> names = new ArrayList<>(definitions.size());
    for (int i = 0; i < definitions.size(); i++) {
      names.add(definitions.get(i).getName().asInternal());
    }
    return names;
  }

  /**
   * What a table shows of a row: each value as the driver decodes it (text unquoted, as {@code cqlsh} shows it),
   * collections, tuples and user types as CQL literals, a value the driver cannot decode as {@code ?}.
   *
   * @param row a row
   * @param columns how many of its first columns
   * @return their values
   */
  static List<@Nullable Object> values(Row row, int columns) {
    List<@Nullable Object> values = new ArrayList<>(columns);
    for (int i = 0; i < columns; i++) {
      try {
        DataType type = row.getType(i);
        Object value = row.getObject(i);
        boolean literal = type instanceof ListType || type instanceof SetType || type instanceof MapType
            || type instanceof TupleType || type instanceof UserDefinedType;
        values.add(value != null && literal ? row.codecRegistry().codecFor(type).format(value) : value);
      } catch (RuntimeException e) {
        values.add("?");
      }
    }
    return values;
  }

  @Override
  public String toString() {
    return TextTable.record(names(row), values(row, Math.min(row.size(), TextTable.MAX_COLUMNS)));
  }

  private Object writeReplace() {
    return row;
  }

  @Override
  public ColumnDefinitions getColumnDefinitions() {
    return row.getColumnDefinitions();
  }

  @Override
  public @Nullable ByteBuffer getBytesUnsafe(int i) {
    return row.getBytesUnsafe(i);
  }

  @Override
  public int size() {
    return row.size();
  }

  @Override
  public DataType getType(int i) {
    return row.getType(i);
  }

  @Override
  public List<Integer> allIndicesOf(String name) {
    return row.allIndicesOf(name);
  }

  @Override
  public int firstIndexOf(String name) {
    return row.firstIndexOf(name);
  }

  @Override
  public DataType getType(String name) {
    return row.getType(name);
  }

  @Override
  public List<Integer> allIndicesOf(CqlIdentifier id) {
    return row.allIndicesOf(id);
  }

  @Override
  public int firstIndexOf(CqlIdentifier id) {
    return row.firstIndexOf(id);
  }

  @Override
  public DataType getType(CqlIdentifier id) {
    return row.getType(id);
  }

  @Override
  public CodecRegistry codecRegistry() {
    return row.codecRegistry();
  }

  @Override
  public ProtocolVersion protocolVersion() {
    return row.protocolVersion();
  }

  @Override
  public boolean isDetached() {
    return row.isDetached();
  }

  @Override
  public void attach(AttachmentPoint attachmentPoint) {
    row.attach(attachmentPoint);
  }
}
