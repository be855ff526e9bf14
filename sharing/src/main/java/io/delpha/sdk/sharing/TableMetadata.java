package io.delpha.sdk.sharing;

import io.delpha.sdk.parquet.RowSchema;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the sharing server says about a table: its schema as our row schema, its partition columns and
 * the version the answer describes.
 *
 * @param id the table's identifier on the server
 * @param name the user-provided name, may be {@code null}
 * @param description the user-provided description, may be {@code null}
 * @param schema the columns, converted from the Spark struct of {@code schemaString}
 * @param partitionColumns the partition columns, in order (empty when the table is not partitioned)
 * @param configuration the table's configuration (e.g. {@code enableChangeDataFeed})
 * @param version the table version of the answer ({@code Delta-Table-Version})
 */
public record TableMetadata(
    String id,
    @Nullable String name,
    @Nullable String description,
    RowSchema schema,
    List<String> partitionColumns,
    Map<String, String> configuration,
    long version) {

  /** Copies the collections. */
  public TableMetadata {
    partitionColumns = List.copyOf(partitionColumns);
    configuration = Map.copyOf(configuration);
  }
}
