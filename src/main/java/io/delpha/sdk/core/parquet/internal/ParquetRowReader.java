package io.delpha.sdk.core.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.parquet.Column;
import io.delpha.sdk.core.parquet.Row;
import io.delpha.sdk.core.parquet.RowReader;
import io.delpha.sdk.core.parquet.RowSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.NoSuchElementException;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Reads rows from a Parquet {@link InputFile} row group by row group, with parquet-hadoop's file reader
 * and parquet-column's record assembly (no Hadoop). Any decoding failure becomes a {@link
 * DataFormatException} naming the source.
 */
public final class ParquetRowReader implements RowReader {

  private final String source;
  private final ParquetFileReader reader;
  private final RowSchema schema;
  private final MessageType parquetSchema;
  private final MessageColumnIO columnIO;
  private final Runnable onClose;
  private final Materializer materializer;
  private RecordReader<Row> records;
  private long rowsLeftInGroup;
  private Row next;
  private boolean closed;

  /**
   * @param source the file or object, for messages
   * @param file the Parquet input
   * @param onClose run once when the reader closes (e.g. deleting a spooled copy)
   * @throws DataFormatException if the input is not a readable Parquet file
   */
  public ParquetRowReader(String source, InputFile file, Runnable onClose) {
    this.source = source;
    this.onClose = onClose;
    try {
      ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
          .withCodecFactory(Codecs.INSTANCE)
          .build();
      this.reader = new ParquetFileReader(file, options);
    } catch (IOException | RuntimeException e) {
      onClose.run();
      throw new DataFormatException(source + " is not a readable Parquet file (corrupt or truncated footer): "
          + e.getMessage(), e);
    }
    try {
      this.parquetSchema = reader.getFooter().getFileMetaData().getSchema();
      this.schema = SchemaMapping.fromParquet(parquetSchema, source);
      this.columnIO = new ColumnIOFactory(false).getColumnIO(parquetSchema);
      this.materializer = new Materializer(schema, parquetSchema);
    } catch (RuntimeException e) {
      closeQuietly();
      throw e instanceof DelphaException d ? d
          : new DataFormatException(source + ": unreadable Parquet schema: " + e.getMessage(), e);
    }
  }

  @Override
  public RowSchema schema() {
    return schema;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (closed) {
      return false;
    }
    try {
      while (rowsLeftInGroup == 0) {
        PageReadStore pages = reader.readNextRowGroup();
        if (pages == null) {
          return false;
        }
        rowsLeftInGroup = pages.getRowCount();
        records = columnIO.getRecordReader(pages, materializer);
      }
      next = records.read();
      rowsLeftInGroup--;
      return true;
    } catch (IOException | RuntimeException e) {
      if (e instanceof DelphaException d) {
        throw d;
      }
      throw new DataFormatException(source + ": corrupt or truncated Parquet data: " + e.getMessage(), e);
    }
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows in " + source);
    }
    Row row = next;
    next = null;
    return row;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      closeQuietly();
    }
  }

  private void closeQuietly() {
    try {
      reader.close();
    } catch (IOException ignored) {
      // nothing was written; a failed close of a read-only file loses nothing
    } finally {
      onClose.run();
    }
  }

  @Override
  public String toString() {
    return "RowReader[" + source + "]";
  }

  /** Assembles one {@link Row} per record from column values. */
  private static final class Materializer extends RecordMaterializer<Row> {
    private final RowSchema schema;
    private final Object[] values;
    private final GroupConverter root;

    Materializer(RowSchema schema, MessageType parquet) {
      this.schema = schema;
      this.values = new Object[schema.size()];
      Converter[] converters = new Converter[schema.size()];
      for (int i = 0; i < converters.length; i++) {
        converters[i] = converter(schema.column(i), parquet.getType(i).asPrimitiveType(), values, i);
      }
      this.root = new GroupConverter() {
        @Override
        public Converter getConverter(int fieldIndex) {
          return converters[fieldIndex];
        }

        @Override
        public void start() {
          java.util.Arrays.fill(values, null);
        }

        @Override
        public void end() {}
      };
    }

    @Override
    public Row getCurrentRecord() {
      return Row.of(schema, values);
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  private static PrimitiveConverter converter(Column column, PrimitiveType p, Object[] values, int i) {
    LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
    return switch (column.type().kind()) {
      case BOOLEAN -> new PrimitiveConverter() {
        @Override
        public void addBoolean(boolean v) {
          values[i] = v;
        }
      };
      case INT -> new PrimitiveConverter() {
        @Override
        public void addInt(int v) {
          values[i] = v;
        }
      };
      case LONG -> new PrimitiveConverter() {
        @Override
        public void addLong(long v) {
          values[i] = v;
        }
      };
      case DOUBLE -> new PrimitiveConverter() {
        @Override
        public void addDouble(double v) {
          values[i] = v;
        }

        @Override
        public void addFloat(float v) {
          values[i] = (double) v;
        }
      };
      case STRING -> new PrimitiveConverter() {
        @Override
        public void addBinary(Binary v) {
          values[i] = v.toStringUsingUTF8();
        }
      };
      case BYTES -> new PrimitiveConverter() {
        @Override
        public void addBinary(Binary v) {
          values[i] = v.getBytes();
        }
      };
      case DATE -> new PrimitiveConverter() {
        @Override
        public void addInt(int v) {
          values[i] = LocalDate.ofEpochDay(v);
        }
      };
      case TIME -> {
        TimeUnit unit = ((TimeLogicalTypeAnnotation) logical).getUnit();
        yield new PrimitiveConverter() {
          @Override
          public void addInt(int millis) {
            values[i] = LocalTime.ofNanoOfDay(millis * 1_000_000L);
          }

          @Override
          public void addLong(long v) {
            values[i] = LocalTime.ofNanoOfDay(unit == TimeUnit.MICROS ? v * 1000 : v);
          }
        };
      }
      case TIMESTAMP -> {
        TimeUnit unit = ((TimestampLogicalTypeAnnotation) logical).getUnit();
        long perSecond = switch (unit) {
          case MILLIS -> 1_000L;
          case MICROS -> 1_000_000L;
          case NANOS -> 1_000_000_000L;
        };
        long nanosPerUnit = 1_000_000_000L / perSecond;
        yield new PrimitiveConverter() {
          @Override
          public void addLong(long v) {
            values[i] = Instant.ofEpochSecond(Math.floorDiv(v, perSecond), Math.floorMod(v, perSecond) * nanosPerUnit);
          }
        };
      }
      case DECIMAL -> {
        int scale = column.type().scale();
        yield new PrimitiveConverter() {
          @Override
          public void addInt(int v) {
            values[i] = BigDecimal.valueOf(v, scale);
          }

          @Override
          public void addLong(long v) {
            values[i] = BigDecimal.valueOf(v, scale);
          }

          @Override
          public void addBinary(Binary v) {
            values[i] = new BigDecimal(new BigInteger(v.getBytes()), scale);
          }
        };
      }
    };
  }
}
