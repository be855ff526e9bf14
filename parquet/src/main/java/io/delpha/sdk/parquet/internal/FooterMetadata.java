package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.parquet.Physical;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.FileDecryption;
import io.delpha.sdk.parquet.internal.crypto.DecryptionFailure;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InsufficientMemoryException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ParquetMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.ColumnOrder;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Statistics;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.jspecify.annotations.Nullable;

/**
 * A file's footer as {@link ParquetMetadata}: read by {@link ParquetFooter} (so every footer the readers refuse is
 * refused here, with the same messages), statistics made into row-model values by a one-value {@link Vector} of
 * the leaf's type, so a bound prints as the reader would print the value.
 */
public final class FooterMetadata {


  private FooterMetadata() {}

  /**
   * @param source the file or object, for messages
   * @param file the Parquet input
   * @return what its footer says
   * @throws DataFormatException if it has no readable Parquet footer
   */
  public static ParquetMetadata read(String source, InputFile file) {
    return read(source, file, null);
  }

  /**
   * @param source the file or object, for messages
   * @param file the Parquet input
   * @param decryption the keys of an encrypted file, or {@code null}
   * @return what its footer says (of an encrypted file, the decrypted footer and column metadata)
   * @throws DataFormatException if it has no readable Parquet footer, or it is encrypted and the keys do not decrypt
   *     it (or the metadata of a column with a key of its own)
   */
  public static ParquetMetadata read(String source, InputFile file, @Nullable FileDecryption decryption) {
    FileMetaData footer;
    MessageType schema;
    long length;
    try (SeekableInputStream in = file.newStream()) {
      length = file.getLength();
      footer = ParquetFooter.read(file, in, decryption).metadata();
      schema = ParquetFooter.schema(footer);
    } catch (StackOverflowError e) {
      throw new DataFormatException(source + " cannot be read on this thread: its footer or schema nests too deep "
          + "for the thread's stack", e);
    } catch (InsufficientMemoryException e) {
      throw new InsufficientMemoryException(source + ": " + e.getMessage(), e.neededBytes(), e.availableBytes(), e);
    } catch (ParquetFooter.EncryptedFileException | ParquetFooter.SchemaLimitException e) {
      throw new DataFormatException(source + " cannot be read: " + ParquetBatchReader.describe(e), e);
    } catch (DecryptionFailure e) {
      throw new DataFormatException(source + " cannot be read: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      throw e instanceof DelphaException d ? d : new DataFormatException(source + " is not a readable Parquet file "
          + "(corrupt or truncated footer): " + ParquetBatchReader.describe(e), e);
    }
    List<ColumnDescriptor> leaves;
    try {
      leaves = schema.getColumns();
    } catch (RuntimeException e) {
      // a group of two fields of one name: parquet-column finds no column of such a path
      throw new DataFormatException(source + " is not a readable Parquet file: the columns of its schema cannot be "
          + "listed: " + ParquetBatchReader.describe(e), e);
    }
    List<ParquetMetadata.LeafColumn> described = new ArrayList<>();
    for (ColumnDescriptor leaf : leaves) {
      described.add(describe(leaf));
    }
    List<ColumnOrder> orders = footer.getColumn_orders();
    List<ParquetMetadata.RowGroup> groups = new ArrayList<>();
    long rows = 0;
    for (RowGroup group : Objects.requireNonNull(footer.getRow_groups(), "ParquetFooter.read() checked the row groups")) {
      List<ColumnChunk> chunks = Objects.requireNonNull(group.getColumns(), "a row group lists its column chunks");
      if (chunks.size() != leaves.size()) {
        throw new DataFormatException(source + " is not a readable Parquet file: a row group has " + chunks.size()
            + " column chunks for " + leaves.size() + " leaf columns");
      }
      List<ParquetMetadata.ColumnChunk> columns = new ArrayList<>();
      long compressed = 0;
      long uncompressed = 0;
      for (int i = 0; i < chunks.size(); i++) {
        ColumnMetaData meta = chunks.get(i).getMeta_data();
        if (meta == null) {
          String path = String.join(".", leaves.get(i).getPath());
          throw new DataFormatException(chunks.get(i).isSetCrypto_metadata()
              ? source + "'s column " + path + " is encrypted with a key of its own, which was not given: its "
                  + "metadata cannot be read"
              : source + " is not a readable Parquet file: a column chunk of " + path + " has no metadata");
        }
        boolean typeOrder = orders == null || i >= orders.size() || orders.get(i).isSetTYPE_ORDER();
        columns.add(chunk(leaves.get(i).getPrimitiveType(), described.get(i), meta, typeOrder));
        compressed += meta.getTotal_compressed_size();
        uncompressed += meta.getTotal_uncompressed_size();
      }
      groups.add(new ParquetMetadata.RowGroup(group.getNum_rows(), compressed, uncompressed, columns));
      rows += group.getNum_rows();
    }
    return new ParquetMetadata(length, rows, footer.getCreated_by(), described, groups);
  }

  private static ParquetMetadata.LeafColumn describe(ColumnDescriptor leaf) {
    PrimitiveType type = leaf.getPrimitiveType();
    // the format's names (BYTE_ARRAY), as DuckDB and pyarrow print them, not parquet-column's (BINARY)
    String physical = switch (type.getPrimitiveTypeName()) {
      case FIXED_LEN_BYTE_ARRAY -> "FIXED_LEN_BYTE_ARRAY(" + type.getTypeLength() + ")";
      case BINARY -> "BYTE_ARRAY";
      default -> type.getPrimitiveTypeName().name();
    };
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    return new ParquetMetadata.LeafColumn(List.of(leaf.getPath()), physical, logical == null ? null : logical.toString());
  }

  private static ParquetMetadata.ColumnChunk chunk(PrimitiveType type, ParquetMetadata.LeafColumn column,
      ColumnMetaData meta, boolean typeOrder) {
    Statistics stats = meta.getStatistics();
    Long nulls = stats != null && stats.isSetNull_count() ? stats.getNull_count() : null;
    Long distinct = stats != null && stats.isSetDistinct_count() ? stats.getDistinct_count() : null;
    Object min = null;
    Object max = null;
    if (stats != null && typeOrder && type.getPrimitiveTypeName() != PrimitiveTypeName.INT96) {
      if (stats.isSetMin_value() && stats.isSetMax_value()) {
        min = value(type, stats.getMin_value());
        max = value(type, stats.getMax_value());
      } else if (stats.isSetMin() && stats.isSetMax() && legacyOrderIsTypeOrder(type)) {
        min = value(type, stats.getMin());
        max = value(type, stats.getMax());
      }
    }
    List<String> encodings = new ArrayList<>();
    for (Encoding e : Objects.requireNonNullElse(meta.getEncodings(), List.<Encoding>of())) {
      encodings.add(e.name());
    }
    String codec = meta.getCodec() == null ? "UNKNOWN" : meta.getCodec().name();
    return new ParquetMetadata.ColumnChunk(column, codec, encodings, meta.getNum_values(), meta.getTotal_compressed_size(),
        meta.getTotal_uncompressed_size(), nulls, distinct, min, max);
  }

  /**
   * Whether the deprecated {@code min}/{@code max} fields, written in signed order by parquet-mr before 1.10, order
   * values as the type does: for numbers and booleans that are not unsigned, as parquet-mr and parquet-cpp decide;
   * never for strings and bytes (PARQUET-251) or unsigned integers.
   */
  private static boolean legacyOrderIsTypeOrder(PrimitiveType type) {
    if (type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && !i.isSigned()) {
      return false;
    }
    return switch (type.getPrimitiveTypeName()) {
      case BOOLEAN, INT32, INT64, FLOAT, DOUBLE -> true;
      default -> false;
    };
  }

  /**
   * One value in PLAIN encoding (a BYTE_ARRAY without its length) as its row-model value: a one-value vector of the
   * leaf's type does the conversion the reader does. {@code null} for a leaf with no row-model type, or bytes that
   * are not a value of the type.
   */
  static @Nullable Object value(PrimitiveType type, byte[] plain) {
    SchemaMapping.LeafType leaf = SchemaMapping.leafType(type);
    if (leaf == null) {
      return null;
    }
    try {
      Vector v = Vector.leaf(Column.nullable("value", leaf.type()), leaf.physical(), leaf.unit());
      v.ensureCapacity(1);
      switch (type.getPrimitiveTypeName()) {
        case BOOLEAN -> {
          if (plain.length != 1) {
            return null;
          }
          v.booleans()[0] = plain[0] != 0;
        }
        case INT32 -> {
          if (plain.length != 4) {
            return null;
          }
          v.ints()[0] = (int) littleEndian(plain, 4);
        }
        case INT64 -> {
          if (plain.length != 8) {
            return null;
          }
          v.longs()[0] = littleEndian(plain, 8);
        }
        case FLOAT -> {
          if (plain.length != 4) {
            return null;
          }
          v.doubles()[0] = Float.intBitsToFloat((int) littleEndian(plain, 4));
        }
        case DOUBLE -> {
          if (plain.length != 8) {
            return null;
          }
          v.doubles()[0] = Double.longBitsToDouble(littleEndian(plain, 8));
        }
        case BINARY, FIXED_LEN_BYTE_ARRAY -> {
          if (leaf.physical() == Physical.DOUBLE) {
            if (plain.length != 2) {
              return null;
            }
            v.doubles()[0] = ValueDecoder.halfToDouble(plain[0] & 0xff | (plain[1] & 0xff) << 8);
          } else {
            v.ensureDataCapacity(plain.length);
            System.arraycopy(plain, 0, v.data(), 0, plain.length);
            v.offsets()[1] = plain.length;
          }
        }
        default -> {
          return null;
        }
      }
      v.setSize(1);
      return new LeafValues(v).get(0);
    } catch (DelphaException | ArithmeticException e) {
      return null;
    }
  }

  private static long littleEndian(byte[] b, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = v << 8 | (b[i] & 0xffL);
    }
    return v;
  }
}
