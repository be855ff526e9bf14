package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnVector;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.internal.DeletionVector.DeletedRows;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.PrimitiveIterator;
import org.jspecify.annotations.Nullable;

/**
 * One data file of a Delta table as the table's readers expect it: the rows a deletion vector deletes left out,
 * and, under column mapping, the file's physical column and field names turned into the table's logical ones
 * (a column the file does not hold is left for {@link TableBatches} to fill with null; a column the table
 * dropped is not shown). A file with neither is not wrapped at all.
 *
 * <p>Rows are kept by their position in the file (0 is its first row), so the wrapped reader must hand out every
 * row of the file in order, which the Parquet reader does.
 */
final class DeltaFileReader implements ColumnBatchReader {


  private final ColumnBatchReader file;
  private final RowSchema schema;
  /** Per shown column: the file's column index. */
  private final int[] fileIndex;
  /** Per shown column: the table's logical and physical column, {@code null} when shown as the file has it. */
  private final @Nullable Column[] logical;
  private final @Nullable Column[] physical;
  private final @Nullable RowSelection keep;
  private final boolean mapped;
  private final String name;
  private ColumnBatch.@Nullable Appender out;
  /** The current batch's rows to keep, in order (see {@link #keptRows(long, int)}). */
  private int[] keptRows = new int[0];
  private long position;

  /**
   * @param file the file's batches
   * @param table the table's logical schema
   * @param physicalTable the same schema in the file's names
   * @param keep which positions to keep, {@code null} for all (a deletion vector's complement, or the rows a
   *     change feed reads)
   * @param name the file, for messages
   * @return the file as the table's readers expect it ({@code file} itself when nothing is to change)
   */
  static ColumnBatchReader wrap(ColumnBatchReader file, RowSchema table, RowSchema physicalTable,
      @Nullable RowSelection keep, String name) {
    if (keep == null && table.equals(physicalTable)) {
      return file;
    }
    return new DeltaFileReader(file, table, physicalTable, keep, name);
  }

  /**
   * @param deleted a file's deleted rows
   * @return the positions to keep
   */
  static RowSelection notDeleted(DeletedRows deleted) {
    return RowSelection.dropping(deleted.ascending());
  }

  private DeltaFileReader(ColumnBatchReader file, RowSchema table, RowSchema physicalTable,
      @Nullable RowSelection keep, String name) {
    this.file = file;
    this.keep = keep;
    this.name = name;
    this.mapped = !table.equals(physicalTable);
    RowSchema fileSchema = file.schema();
    List<Column> shown = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    List<@Nullable Column> logicals = new ArrayList<>();
    List<@Nullable Column> physicals = new ArrayList<>();
    if (mapped) {
      for (int i = 0; i < table.size(); i++) {
        OptionalInt at = fileSchema.indexOf(physicalTable.column(i).name());
        if (at.isPresent()) {
          shown.add(table.column(i));
          indexes.add(at.getAsInt());
          logicals.add(table.column(i));
          physicals.add(physicalTable.column(i));
        }
      }
    } else {
      for (int i = 0; i < fileSchema.size(); i++) {
        shown.add(fileSchema.column(i));
        indexes.add(i);
        logicals.add(null);
        physicals.add(null);
      }
    }
    this.schema = new RowSchema(shown);
    this.fileIndex = indexes.stream().mapToInt(Integer::intValue).toArray();
    this.logical = logicals.toArray(new Column[0]);
    this.physical = physicals.toArray(new Column[0]);
  }

  @Override
  public RowSchema schema() {
    return schema;
  }

  @Override
  public @Nullable ColumnBatch next() {
    while (true) {
      ColumnBatch in = file.next();
      if (in == null) {
        long beyond = keep == null ? -1 : keep.pending();
        if (beyond >= 0) { // a deletion vector's position past the file's last row: no valid writer makes one
          throw new DataFormatException("the deletion vector of " + name + " names the row at position " + beyond
              + ", and the file has " + position + " rows");
        }
        return null;
      }
      int rows = in.rowCount();
      long first = position;
      position += rows;
      if (!mapped) {
        // the file's own columns: the kept rows move down in the decoded vectors, nothing is decoded or boxed
        int kept = keptRows(first, rows);
        if (kept == rows) {
          return in; // no deleted row in this batch: handed out as decoded
        }
        if (kept == 0) {
          continue;
        }
        in.keep(keptRows, kept);
        return in;
      }
      ColumnBatch.Appender batch = out == null ? ColumnBatch.appender(schema) : out;
      out = batch;
      batch.clear();
      ColumnVector[] from = new ColumnVector[fileIndex.length];
      for (int j = 0; j < fileIndex.length; j++) {
        from[j] = in.column(fileIndex[j]);
      }
      int kept = keptRows(first, rows);
      try {
        for (int k = 0; k < kept; k++) {
          int r = keptRows[k];
          List<@Nullable Object> values = new ArrayList<>(fileIndex.length);
          for (int j = 0; j < fileIndex.length; j++) {
            Column l = logical[j];
            Column p = physical[j];
            Object v = from[j].get(r);
            values.add(l == null || p == null ? v : Values.coerce(l, Values.toLogical(l.type(), p.type(), v), name));
          }
          batch.appendRow(Row.of(schema, values));
        }
      } catch (InvalidInputException | ClassCastException e) {
        throw new DataFormatException(name + " holds a row that does not fit the table's schema: "
            + e.getMessage(), e);
      }
      if (batch.rowCount() > 0) {
        return batch.batch();
      }
    }
  }

  /** Fills {@link #keptRows} with the batch's rows to keep; returns how many. */
  private int keptRows(long first, int rows) {
    if (keptRows.length < rows) {
      keptRows = new int[rows];
    }
    if (keep == null) {
      for (int r = 0; r < rows; r++) {
        keptRows[r] = r;
      }
      return rows;
    }
    return keep.select(first, rows, keptRows);
  }

  @Override
  public void close() {
    file.close();
  }

  /**
   * Which rows of a file a reader keeps, asked batch by batch in file order: a cursor over ascending positions, so
   * a batch costs its rows plus the positions that fall in it, not a lookup per row. Stateful: one per opened file.
   */
  abstract static class RowSelection {

    /**
     * @param first the position of the batch's first row in the file (each call's above the last call's rows)
     * @param rows the batch's rows
     * @param out where the indexes in the batch of the rows to keep go, ascending; at least {@code rows} long
     * @return how many indexes were written
     */
    abstract int select(long first, int rows, int[] out);

    /**
     * @return the next position not yet reached by {@link #select}, {@code -1} if none: once the file's rows are all
     *     read, a position left names a row the file does not have
     */
    abstract long pending();

    /** @param dropped the positions to leave out, ascending (a deletion vector's) */
    static RowSelection dropping(PrimitiveIterator.OfLong dropped) {
      return new RowSelection() {
        private long next = advance();

        /** @return the next dropped position, or {@code Long.MAX_VALUE} past the last */
        private long advance() {
          return dropped.hasNext() ? dropped.nextLong() : Long.MAX_VALUE;
        }

        @Override
        int select(long first, int rows, int[] out) {
          while (next < first) {
            next = advance();
          }
          long end = first + rows;
          int n = 0;
          int r = 0;
          while (next < end) {
            int d = (int) (next - first);
            while (r < d) {
              out[n++] = r++;
            }
            r = d + 1;
            next = advance();
          }
          while (r < rows) {
            out[n++] = r++;
          }
          return n;
        }

        @Override
        long pending() {
          return next == Long.MAX_VALUE ? -1 : next;
        }
      };
    }

    /** @param kept the positions to keep, ascending (the rows a change feed reads) */
    static RowSelection keeping(long[] kept) {
      return keeping(java.util.Arrays.stream(kept).iterator());
    }

    /** @param kept the positions to keep, ascending, one at a time (a cursor over a deletion vector) */
    static RowSelection keeping(PrimitiveIterator.OfLong kept) {
      return new RowSelection() {
        private long next = advance();

        private long advance() {
          return kept.hasNext() ? kept.nextLong() : Long.MAX_VALUE;
        }

        @Override
        int select(long first, int rows, int[] out) {
          while (next < first) {
            next = advance();
          }
          long end = first + rows;
          int n = 0;
          while (next < end) {
            out[n++] = (int) (next - first);
            next = advance();
          }
          return n;
        }

        @Override
        long pending() {
          return next == Long.MAX_VALUE ? -1 : next;
        }
      };
    }
  }
}
