package io.delpha.sdk.parquet;

import io.delpha.sdk.parquet.internal.Codecs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.variant.Variant;
import org.apache.parquet.variant.VariantValueWriter;

/**
 * parquet-java's writer for rows a test lays out itself, field by field, through a {@link RecordConsumer}: the
 * oracle's own writer (its VARIANT shredder included), without Hadoop's file system. One place for the builder and
 * write-support plumbing the VARIANT tests share.
 *
 * @param <T> a test's row
 */
final class LaidOutWriter<T> {

  /** Lays one row out: between {@code startMessage} and {@code endMessage}, which the writer calls. */
  @FunctionalInterface
  interface Layout<T> {
    void write(RecordConsumer rc, T row);
  }

  private LaidOutWriter() {}

  /**
   * Writes {@code rows} to {@code file} with parquet-java, pages of at most {@code pageRows} rows.
   *
   * @param <T> a test's row
   */
  static <T> void write(Path file, MessageType schema, int pageRows, List<T> rows, Layout<T> layout)
      throws IOException {
    try (ParquetWriter<T> w = new Builder<>(new LocalOutputFile(file), schema, layout)
        .withConf(new PlainParquetConfiguration()).withCodecFactory(Codecs.INSTANCE).withPageRowCountLimit(pageRows)
        .build()) {
      for (T row : rows) {
        w.write(row);
      }
    }
  }

  /** Writes {@code v} as the VARIANT field {@code name} of {@code parent}, shredded as its group says; nothing if null. */
  static void variant(RecordConsumer rc, GroupType parent, String name, Variant v) {
    if (v != null) {
      int index = parent.getFieldIndex(name);
      rc.startField(name, index);
      VariantValueWriter.write(rc, parent.getType(index).asGroupType(), v);
      rc.endField(name, index);
    }
  }

  private static final class Builder<T> extends ParquetWriter.Builder<T, Builder<T>> {
    private final MessageType schema;
    private final Layout<T> layout;

    Builder(OutputFile file, MessageType schema, Layout<T> layout) {
      super(file);
      this.schema = schema;
      this.layout = layout;
    }

    @Override
    protected Builder<T> self() {
      return this;
    }

    @Override
    protected WriteSupport<T> getWriteSupport(Configuration conf) {
      return new Support<>(schema, layout);
    }

    @Override
    protected WriteSupport<T> getWriteSupport(ParquetConfiguration conf) {
      return new Support<>(schema, layout);
    }
  }

  private static final class Support<T> extends WriteSupport<T> {
    private final MessageType schema;
    private final Layout<T> layout;
    private RecordConsumer rc;

    Support(MessageType schema, Layout<T> layout) {
      this.schema = schema;
      this.layout = layout;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      rc = recordConsumer;
    }

    @Override
    public void write(T row) {
      rc.startMessage();
      layout.write(rc, row);
      rc.endMessage();
    }
  }
}
