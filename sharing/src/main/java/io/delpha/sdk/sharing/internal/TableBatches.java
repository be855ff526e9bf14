package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnAppender;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ColumnVector;
import io.delpha.sdk.parquet.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One data file's batches in the table's schema: a file column whose name and column definition equal the
 * table's passes through as the file reader's own vector (no copy); a column the file does not hold is filled
 * with the file's constant (partition value, change-feed column) or null; a column of another type or
 * nullability is converted value by value as the row path converts it ({@link Values#coerce}). Not
 * thread-safe; each batch is valid until the next call of {@link #next()}.
 */
final class TableBatches implements AutoCloseable {

  private enum Source { PASS, CONSTANT, CONVERT }

  private final RowSchema schema;
  private final ColumnBatchReader file;
  private final String name;
  private final Source[] sources;
  private final int[] fileIndex;
  private final @Nullable Object[] constants;
  /** Per table column: the vector this mapping fills (a conversion) or the constant's vector, null for pass-through. */
  private final @Nullable ColumnVector[] own;
  /** The appenders of the converted columns' vectors. */
  private final @Nullable ColumnAppender[] converted;

  /**
   * @param schema the table's schema
   * @param file the file's batches, closed with this mapping, or before this constructor throws
   * @param fileConstants values of the table's columns that the file does not hold
   * @param name the file, for messages
   * @throws DataFormatException if the file lacks a required column with no constant
   */
  TableBatches(RowSchema schema, ColumnBatchReader file, Map<String, Object> fileConstants, String name) {
    this.schema = schema;
    this.file = file;
    this.name = name;
    int n = schema.size();
    this.sources = new Source[n];
    this.fileIndex = new int[n];
    this.constants = new Object[n];
    this.own = new ColumnVector[n];
    this.converted = new ColumnAppender[n];
    try {
      RowSchema fileSchema = file.schema();
      for (int i = 0; i < n; i++) {
        Column c = schema.column(i);
        if (fileConstants.containsKey(c.name())) {
          sources[i] = Source.CONSTANT;
          fileIndex[i] = -1;
          constants[i] = Values.coerce(c, fileConstants.get(c.name()), name);
        } else {
          fileIndex[i] = fileSchema.indexOf(c.name()).orElse(-1);
          if (fileIndex[i] < 0) {
            if (!c.nullable()) {
              throw new DataFormatException(name + " has no column " + c.name() + ", which is not nullable");
            }
            sources[i] = Source.CONSTANT;
          } else {
            sources[i] = fileSchema.column(fileIndex[i]).equals(c) ? Source.PASS : Source.CONVERT;
          }
        }
        if (sources[i] == Source.CONVERT) {
          converted[i] = ColumnAppender.allocate(c);
        }
      }
    } catch (RuntimeException | Error e) {
      try {
        file.close(); // the file's array or spool file given back: no one else holds it
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * @return the next batch of the file in the table's schema (at least one row), or {@code null} at its end
   * @throws DataFormatException if the file is corrupt or a value does not fit the table's column
   */
  @Nullable ColumnBatch next() {
    ColumnBatch in = file.next();
    if (in == null) {
      return null;
    }
    int rows = in.rowCount();
    List<ColumnVector> vectors = new ArrayList<>(sources.length);
    try {
      for (int i = 0; i < sources.length; i++) {
        switch (sources[i]) {
          case PASS -> vectors.add(in.column(fileIndex[i]));
          case CONSTANT -> {
            // the same value in every row (the row view makes it once): made again only for a batch of
            // another size
            ColumnVector v = own[i];
            if (v == null || v.size() != rows) {
              v = ColumnVector.repeat(schema.column(i), constants[i], rows);
              own[i] = v;
            }
            vectors.add(v);
          }
          case CONVERT -> {
            ColumnAppender v = Objects.requireNonNull(converted[i], "a converted column has its own vector");
            v.clear();
            ColumnVector from = in.column(fileIndex[i]);
            Column c = schema.column(i);
            for (int r = 0; r < rows; r++) {
              v.append(Values.coerce(c, from.get(r), name));
            }
            vectors.add(v.vector());
          }
        }
      }
      return ColumnBatch.of(schema, vectors);
    } catch (InvalidInputException e) {
      throw new DataFormatException(name + " holds a row that does not fit the table's schema: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    file.close();
  }
}
