package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.aws.internal.CassandraLoader;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import org.postgresql.copy.CopyIn;

/**
 * The per-value paths that ask a column's kind, timed in one JVM: {@code Row.of}'s check, the warehouse's binary COPY
 * write (into a {@code CopyIn} that drops the bytes) and the Cassandra loader's driver value, over rows of 8 columns
 * of 8 kinds. Its anchor is another build of the library: {@code bench/kinds-ab.sh} runs this class against the
 * current classes and an earlier commit's, alternately, and prints the ratios. Before any figure it checks the work:
 * every row made, and the COPY lengths summing to what PostgreSQL's binary forms of the values take; the {@code CHECK}
 * line must be the same for both builds. Prints figures; asserts nothing.
 *
 * <pre>{@code
 * java -cp <classes>:<this class>:<test class path> io.delpha.sdk.totesys.internal.KindPathsBenchmark [rows] [rounds]
 * }</pre>
 */
public final class KindPathsBenchmark {

  /** The binary COPY lengths of one row's values: 4 + 8 + 1 + NUMERIC 12.34 (8 + 2 x 2) + 4 + 8 + 5 + 5. */
  private static final long COPY_BYTES_PER_ROW = 4 + 8 + 1 + 12 + 4 + 8 + 5 + 5;

  private KindPathsBenchmark() {}

  /**
   * @param args rows per round (default 1,000,000), rounds (default 8; the median of the second half is printed)
   * @throws Exception if the COPY writer fails
   */
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    RowSchema schema = new RowSchema(List.of(
        new Column("i", ColumnType.INT, true), new Column("l", ColumnType.LONG, true),
        new Column("b", ColumnType.BOOLEAN, true), new Column("d", ColumnType.decimal(10, 2), true),
        new Column("dt", ColumnType.DATE, true), new Column("t", ColumnType.TIME, true),
        new Column("s", ColumnType.STRING, true), new Column("s2", ColumnType.STRING, true)));
    Object[] values = {42, 7L, true, new BigDecimal("12.34"), LocalDate.of(2024, 1, 2), LocalTime.of(1, 2, 3),
        "hello", "world"};
    int columns = values.length;
    CopyIn copy = (CopyIn) Proxy.newProxyInstance(KindPathsBenchmark.class.getClassLoader(),
        new Class<?>[] {CopyIn.class},
        (p, m, a) -> m.getReturnType() == boolean.class ? Boolean.TRUE : m.getReturnType() == long.class ? 0L : null);
    double[][] nsPerValue = new double[3][rounds];
    for (int round = 0; round < rounds; round++) {
      long t0 = System.nanoTime();
      Row[] made = new Row[rows];
      for (int r = 0; r < rows; r++) {
        made[r] = Row.of(schema, values);
      }
      long t1 = System.nanoTime();
      BinaryCopyWriter writer = new BinaryCopyWriter(copy);
      long copied = 0;
      for (Row row : made) {
        writer.startRow(columns);
        for (int c = 0; c < columns; c++) {
          copied += writer.write(row.get(c), schema.column(c).type());
        }
      }
      long t2 = System.nanoTime();
      long bound = 0;
      for (Row row : made) {
        for (int c = 0; c < columns; c++) {
          bound += CassandraLoader.driverValue(row.get(c), schema.column(c).type(), "c") != null ? 1 : 0;
        }
      }
      long t3 = System.nanoTime();
      long madeRows = Arrays.stream(made).filter(r -> r != null && r.schema().size() == columns).count();
      if (madeRows != rows || copied != COPY_BYTES_PER_ROW * rows || bound != (long) rows * columns) {
        throw new IllegalStateException("incomplete round: " + madeRows + " rows, " + copied + " COPY bytes, "
            + bound + " bound values");
      }
      double perValue = (double) rows * columns;
      nsPerValue[0][round] = (t1 - t0) / perValue;
      nsPerValue[1][round] = (t2 - t1) / perValue;
      nsPerValue[2][round] = (t3 - t2) / perValue;
    }
    System.out.println("CHECK|" + rows + " rows|" + COPY_BYTES_PER_ROW * rows + " COPY bytes|"
        + (long) rows * columns + " bound values");
    String[] names = {"Row.of", "COPY write", "CQL driver value"};
    for (int p = 0; p < names.length; p++) {
      double[] warm = Arrays.copyOfRange(nsPerValue[p], rounds / 2, rounds);
      Arrays.sort(warm);
      System.out.printf("NS|%s|%.1f%n", names[p], warm[warm.length / 2]);
    }
  }
}
