package io.delpha.sdk.core.parquet.internal;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.parquet.Column;
import io.delpha.sdk.core.parquet.ColumnType;
import io.delpha.sdk.core.parquet.Row;
import io.delpha.sdk.core.parquet.RowSchema;
import io.delpha.sdk.core.parquet.RowWriter;
import io.delpha.sdk.core.parquet.WriteOptions;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Map;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows to a Parquet {@link OutputFile} with parquet-hadoop's column and file writers (no Hadoop):
 * rows are shredded into column buffers, and a row group is flushed whenever the buffers reach the
 * configured size, so memory stays bounded whatever the row count. What happens to the output on
 * {@link #close()} and {@link #abort()} is the {@link Publisher}'s business.
 */
public final class ParquetRowWriter implements RowWriter {

  /** Publishes or discards the written file. */
  public interface Publisher {
    /** The file is complete: make it visible at its destination. */
    void publish();

    /** Writing failed or was aborted: remove every trace. */
    void discard();
  }

  private static final int SIZE_CHECK_INTERVAL = 128;
  private static final int PAGE_SIZE = 1024 * 1024;

  private final String destination;
  private final RowSchema schema;
  private final MessageType parquetSchema;
  private final MessageColumnIO columnIO;
  private final ParquetProperties properties;
  private final BytesInputCompressor compressor;
  private final long rowGroupBytes;
  private final ParquetFileWriter fileWriter;
  private final Publisher publisher;

  private ColumnChunkPageWriteStore pageStore;
  private ColumnWriteStore columnStore;
  private RecordConsumer consumer;
  private long rowsInGroup;
  private long rowCount;
  private boolean finished;

  /**
   * @param destination the file or object being written, for messages
   * @param out the Parquet output
   * @param schema the rows' schema
   * @param options codec and row-group size
   * @param publisher what to do with the output once complete or failed
   */
  public ParquetRowWriter(String destination, OutputFile out, RowSchema schema, WriteOptions options, Publisher publisher) {
    this.destination = destination;
    this.schema = schema;
    this.publisher = publisher;
    this.parquetSchema = SchemaMapping.toParquet(schema);
    this.columnIO = new ColumnIOFactory(false).getColumnIO(parquetSchema);
    this.rowGroupBytes = options.rowGroupBytes();
    this.properties = ParquetProperties.builder()
        .withPageSize(PAGE_SIZE)
        .withDictionaryPageSize(PAGE_SIZE)
        .withAllocator(new HeapByteBufferAllocator())
        .build();
    this.compressor = Codecs.INSTANCE.getCompressor(Codecs.codecName(options.compression()));
    try {
      this.fileWriter = new ParquetFileWriter(out, parquetSchema, ParquetFileWriter.Mode.CREATE,
          rowGroupBytes, 0, properties.getColumnIndexTruncateLength(), properties.getStatisticsTruncateLength(),
          properties.getPageWriteChecksumEnabled());
      fileWriter.start();
    } catch (IOException | RuntimeException e) {
      publisher.discard();
      throw new DelphaException("cannot start Parquet file " + destination + ": " + e.getMessage(), e);
    }
    newRowGroup();
  }

  private void newRowGroup() {
    pageStore = new ColumnChunkPageWriteStore(compressor, parquetSchema, properties.getAllocator(),
        properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled());
    columnStore = properties.newColumnWriteStore(parquetSchema, pageStore, pageStore);
    consumer = columnIO.getRecordWriter(columnStore);
    rowsInGroup = 0;
  }

  @Override
  public void write(Row row) {
    if (finished) {
      throw new IllegalStateException("writer for " + destination + " is closed");
    }
    if (!schema.equals(row.schema())) {
      throw new InvalidInputException("row of schema " + row.schema() + " cannot be written to " + destination
          + ", whose schema is " + schema);
    }
    Object[] values = new Object[schema.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = encode(schema.column(i), row.get(i));
    }
    try {
      consumer.startMessage();
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          Column c = schema.column(i);
          consumer.startField(c.name(), i);
          add(values[i]);
          consumer.endField(c.name(), i);
        }
      }
      consumer.endMessage();
      rowsInGroup++;
      rowCount++;
      if (rowsInGroup % SIZE_CHECK_INTERVAL == 0 && columnStore.getBufferedSize() >= rowGroupBytes) {
        flushRowGroup();
      }
    } catch (IOException | RuntimeException e) {
      abort();
      throw new DelphaException("writing Parquet " + destination + " failed; nothing was published: " + e.getMessage(), e);
    }
  }

  /** Converts a value to its Parquet physical representation, checking it fits without loss. */
  private static Object encode(Column c, Object v) {
    if (v == null) {
      return null;
    }
    ColumnType t = c.type();
    return switch (t.kind()) {
      case BOOLEAN, INT, LONG, DOUBLE -> v;
      case STRING -> Binary.fromConstantByteArray(((String) v).getBytes(StandardCharsets.UTF_8));
      case BYTES -> Binary.fromConstantByteArray((byte[]) v);
      case DATE -> Math.toIntExact(((LocalDate) v).toEpochDay());
      case TIME -> {
        long nanos = ((LocalTime) v).toNanoOfDay();
        if (nanos % 1000 != 0) {
          throw new InvalidInputException("column " + c.name() + ": " + v
              + " has sub-microsecond digits, which Parquet TIME(MICROS) would lose; truncate it to microseconds");
        }
        yield nanos / 1000;
      }
      case TIMESTAMP -> {
        Instant i = (Instant) v;
        if (i.getNano() % 1000 != 0) {
          throw new InvalidInputException("column " + c.name() + ": " + v
              + " has sub-microsecond digits, which TIMESTAMP(MICROS) would lose; truncate it to microseconds");
        }
        try {
          yield Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
        } catch (ArithmeticException e) {
          throw new InvalidInputException("column " + c.name() + ": " + v + " is outside the TIMESTAMP range");
        }
      }
      case DECIMAL -> {
        BigDecimal d = (BigDecimal) v;
        if (d.precision() - d.scale() > t.precision() - t.scale()) {
          throw new InvalidInputException("column " + c.name() + ": " + d.toPlainString()
              + " has more integer digits than " + t + " allows");
        }
        if (t.precision() <= 18) {
          yield d.unscaledValue().longValueExact();
        }
        yield Binary.fromConstantByteArray(fixedBytes(d, SchemaMapping.decimalBytes(t.precision())));
      }
    };
  }

  private static byte[] fixedBytes(BigDecimal d, int length) {
    byte[] minimal = d.unscaledValue().toByteArray();
    byte[] out = new byte[length];
    byte pad = (byte) (minimal[0] < 0 ? 0xff : 0);
    int offset = length - minimal.length;
    for (int i = 0; i < offset; i++) {
      out[i] = pad;
    }
    System.arraycopy(minimal, 0, out, offset, minimal.length);
    return out;
  }

  private void add(Object v) {
    if (v instanceof Long l) {
      consumer.addLong(l);
    } else if (v instanceof Integer i) {
      consumer.addInteger(i);
    } else if (v instanceof Binary b) {
      consumer.addBinary(b);
    } else if (v instanceof Double d) {
      consumer.addDouble(d);
    } else if (v instanceof Boolean b) {
      consumer.addBoolean(b);
    } else {
      throw new IllegalStateException("unexpected encoded value " + v.getClass());
    }
  }

  private void flushRowGroup() throws IOException {
    if (rowsInGroup > 0) {
      fileWriter.startBlock(rowsInGroup);
      columnStore.flush();
      pageStore.flushToFileWriter(fileWriter);
      fileWriter.endBlock();
    }
    columnStore.close();
    pageStore.close();
    newRowGroup();
  }

  @Override
  public long rowCount() {
    return rowCount;
  }

  @Override
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    try {
      columnStore.close();
      pageStore.close();
    } catch (RuntimeException ignored) {
      // the output is discarded anyway
    }
    try {
      fileWriter.close();
    } catch (IOException | RuntimeException ignored) {
      // the output is discarded anyway
    }
    publisher.discard();
  }

  @Override
  public void close() {
    if (finished) {
      return;
    }
    try {
      flushRowGroup();
      columnStore.close();
      pageStore.close();
      fileWriter.end(Map.of("delpha.rows", Long.toString(rowCount)));
    } catch (IOException | RuntimeException e) {
      abort();
      throw new DelphaException("finishing Parquet " + destination + " failed; nothing was published: " + e.getMessage(), e);
    }
    finished = true;
    try {
      publisher.publish();
    } catch (RuntimeException e) {
      publisher.discard();
      throw e;
    }
  }

  @Override
  public String toString() {
    return "RowWriter[" + destination + ", " + rowCount + " rows]";
  }
}
