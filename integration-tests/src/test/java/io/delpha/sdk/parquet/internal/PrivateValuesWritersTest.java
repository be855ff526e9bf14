package io.delpha.sdk.parquet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PrivateValuesWriters: a writer's encodings are its own, whatever other writers the JVM builds")
class PrivateValuesWritersTest {

  @Test
  @DisplayName("a v2 writer keeps DELTA_BINARY_PACKED after v1 writers were built with parquet-mr's static factory")
  void encodingsSurviveOtherWriters() {
    ColumnDescriptor id = new ColumnDescriptor(new String[] {"id"},
        Types.required(PrimitiveTypeName.INT64).named("id"), 0, 0);
    ParquetProperties v2 = ParquetProperties.builder().withWriterVersion(WriterVersion.PARQUET_2_0)
        .withDictionaryEncoding(false).withValuesWriterFactory(new PrivateValuesWriters()).build();
    ParquetProperties v1 = ParquetProperties.builder().withWriterVersion(WriterVersion.PARQUET_1_0)
        .withDictionaryEncoding(false).withValuesWriterFactory(new PrivateValuesWriters()).build();
    for (int i = 0; i < 3; i++) {
      // each of these reconfigures parquet-mr's one static default factory
      ParquetProperties.builder().withWriterVersion(WriterVersion.PARQUET_1_0).build();
    }
    assertThat(v2.getValuesWriterFactory().newValuesWriter(id).getEncoding()).isEqualTo(Encoding.DELTA_BINARY_PACKED);
    assertThat(v1.getValuesWriterFactory().newValuesWriter(id).getEncoding()).isEqualTo(Encoding.PLAIN);
  }
}
