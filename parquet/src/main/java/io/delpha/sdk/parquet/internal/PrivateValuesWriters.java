package io.delpha.sdk.parquet.internal;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.factory.DefaultV1ValuesWriterFactory;
import org.apache.parquet.column.values.factory.DefaultV2ValuesWriterFactory;
import org.apache.parquet.column.values.factory.ValuesWriterFactory;

/**
 * A values-writer factory of one writer's own, for {@link ParquetProperties.Builder#withValuesWriterFactory}.
 *
 * <p>parquet-mr's default ({@code ParquetProperties.DEFAULT_VALUES_WRITER_FACTORY}) is one static instance whose
 * {@code initialize(properties)} stores the last properties built in this JVM (their writer version, dictionary
 * settings and page sizes) in static delegates: two writers built at the same time in one JVM take each other's
 * encodings. This factory makes fresh delegates for the one {@code ParquetProperties} it is initialised with, so a
 * writer's encodings are its own whatever else the host writes at the same time. Use a new instance per
 * {@code ParquetProperties}.
 */
public final class PrivateValuesWriters implements ValuesWriterFactory {

  private ValuesWriterFactory delegate = new DefaultV1ValuesWriterFactory();

  @Override
  public void initialize(ParquetProperties properties) {
    ValuesWriterFactory own = properties.getWriterVersion() == ParquetProperties.WriterVersion.PARQUET_1_0
        ? new DefaultV1ValuesWriterFactory() : new DefaultV2ValuesWriterFactory();
    own.initialize(properties);
    this.delegate = own;
  }

  @Override
  public ValuesWriter newValuesWriter(ColumnDescriptor descriptor) {
    return delegate.newValuesWriter(descriptor);
  }
}
