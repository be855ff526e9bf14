package io.delpha.sdk.core.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.parquet.Column;
import io.delpha.sdk.core.parquet.ColumnType;
import io.delpha.sdk.core.parquet.RowSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/** Maps a {@link RowSchema} to a Parquet {@link MessageType} and back. */
public final class SchemaMapping {

  private SchemaMapping() {}

  /**
   * @param schema our schema
   * @return the Parquet schema we write for it
   */
  public static MessageType toParquet(RowSchema schema) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (Column c : schema.columns()) {
      Type.Repetition rep = c.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
      ColumnType t = c.type();
      Type field = switch (t.kind()) {
        case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(c.name());
        case INT -> Types.primitive(PrimitiveTypeName.INT32, rep).named(c.name());
        case LONG -> Types.primitive(PrimitiveTypeName.INT64, rep).named(c.name());
        case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(c.name());
        case DECIMAL -> t.precision() <= 18
            ? Types.primitive(PrimitiveTypeName.INT64, rep)
                .as(LogicalTypeAnnotation.decimalType(t.scale(), t.precision())).named(c.name())
            : Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep).length(decimalBytes(t.precision()))
                .as(LogicalTypeAnnotation.decimalType(t.scale(), t.precision())).named(c.name());
        case STRING -> Types.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(c.name());
        case DATE -> Types.primitive(PrimitiveTypeName.INT32, rep).as(LogicalTypeAnnotation.dateType()).named(c.name());
        case TIME -> Types.primitive(PrimitiveTypeName.INT64, rep)
            .as(LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS)).named(c.name());
        case TIMESTAMP -> Types.primitive(PrimitiveTypeName.INT64, rep)
            .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named(c.name());
        case BYTES -> Types.primitive(PrimitiveTypeName.BINARY, rep).named(c.name());
      };
      message.addField(field);
    }
    return message.named("row");
  }

  /**
   * @param precision decimal digits
   * @return the fewest bytes whose two's complement holds every value of that precision
   */
  public static int decimalBytes(int precision) {
    java.math.BigInteger max = java.math.BigInteger.TEN.pow(precision);
    int bytes = 1;
    while (java.math.BigInteger.ONE.shiftLeft(8 * bytes - 1).compareTo(max) < 0) {
      bytes++;
    }
    return bytes;
  }

  /**
   * @param parquet a file's schema
   * @param source the file or object, for messages
   * @return our schema for it
   * @throws DataFormatException if a column is nested, repeated or of a type we do not model
   */
  public static RowSchema fromParquet(MessageType parquet, String source) {
    List<Column> columns = new ArrayList<>();
    for (Type field : parquet.getFields()) {
      if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
        throw new DataFormatException(source + ": column " + field.getName()
            + " is nested or repeated; only flat tables of primitive columns are supported");
      }
      columns.add(new Column(field.getName(), columnType(field.asPrimitiveType(), source),
          field.isRepetition(Type.Repetition.OPTIONAL)));
    }
    return new RowSchema(columns);
  }

  private static ColumnType columnType(PrimitiveType p, String source) {
    LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
    if (logical instanceof DecimalLogicalTypeAnnotation d) {
      return ColumnType.decimal(d.getPrecision(), d.getScale());
    }
    switch (p.getPrimitiveTypeName()) {
      case BOOLEAN:
        return ColumnType.BOOLEAN;
      case INT32:
        if (logical == null || logical instanceof IntLogicalTypeAnnotation i && (i.isSigned() || i.getBitWidth() < 32)) {
          return ColumnType.INT;
        }
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          return ColumnType.DATE;
        }
        if (logical instanceof TimeLogicalTypeAnnotation) {
          return ColumnType.TIME;
        }
        break;
      case INT64:
        if (logical == null || logical instanceof IntLogicalTypeAnnotation i && i.isSigned()) {
          return ColumnType.LONG;
        }
        if (logical instanceof TimestampLogicalTypeAnnotation) {
          return ColumnType.TIMESTAMP;
        }
        if (logical instanceof TimeLogicalTypeAnnotation) {
          return ColumnType.TIME;
        }
        break;
      case FLOAT:
      case DOUBLE:
        return ColumnType.DOUBLE;
      case BINARY:
        if (logical == null) {
          return ColumnType.BYTES;
        }
        if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          return ColumnType.STRING;
        }
        break;
      case FIXED_LEN_BYTE_ARRAY:
        if (logical == null) {
          return ColumnType.BYTES;
        }
        break;
      default:
        break;
    }
    throw new DataFormatException(source + ": column " + p.getName() + " has Parquet type " + p
        + ", which has no row-model type");
  }
}
