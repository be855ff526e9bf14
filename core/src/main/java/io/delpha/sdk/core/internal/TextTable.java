package io.delpha.sdk.core.internal;

import io.delpha.sdk.core.Secret;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one plain-text rendering of data in a {@code toString}: a small table of a value's first rows (a query's
 * result, a Parquet batch, Salesforce records), and a single row as {@code {name=value, ...}}. What JShell shows
 * when it prints such a value, and what a log line holds: bounded whatever the data, so printing a million-row
 * batch or a megabyte string costs a few lines.
 *
 * <pre>{@code
 * user_id | at                   | action
 * --------+----------------------+-------
 * u1      | 2026-11-23T10:00:00Z | login
 * }</pre>
 *
 * <p>A cell is its value's {@code toString}, one line (line breaks and tabs escaped), at most {@link #MAX_WIDTH}
 * characters (longer ones end in {@code ...}); {@code null} prints {@code null}, bytes print their count ({@code <16
 * bytes>}), a {@link Secret} {@code ****}. A table shows at most {@link #MAX_COLUMNS} columns, the rest counted in a
 * last column; the caller passes at most {@link #MAX_ROWS} rows and says how many more there are, since only it
 * knows (a result set knows the rows of its current page, a batch all of its rows).
 */
public final class TextTable {

  /** The most rows a value's {@code toString} shows. */
  public static final int MAX_ROWS = 10;
  /** The most columns a table or a row shows. */
  public static final int MAX_COLUMNS = 12;
  /** The most characters of one value. */
  public static final int MAX_WIDTH = 40;

  private TextTable() {}

  /**
   * @param columns the column names
   * @param rows the rows to show, each with one value per column (at most {@link #MAX_ROWS} are shown)
   * @return the table: a header line, a rule, a line per row, no trailing spaces, no final line break
   */
  public static String render(List<String> columns, List<? extends List<?>> rows) {
    int shownColumns = Math.min(columns.size(), columns.size() > MAX_COLUMNS ? MAX_COLUMNS - 1 : MAX_COLUMNS);
    int hidden = columns.size() - shownColumns;
    List<List<String>> lines = new ArrayList<>();
    List<String> header = new ArrayList<>();
    for (int c = 0; c < shownColumns; c++) {
      header.add(cell(columns.get(c)));
    }
    if (hidden > 0) {
      header.add("... " + hidden + " more columns");
    }
    lines.add(header);
    for (List<?> row : rows.subList(0, Math.min(rows.size(), MAX_ROWS))) {
      List<String> cells = new ArrayList<>();
      for (int c = 0; c < shownColumns; c++) {
        cells.add(c < row.size() ? cell(row.get(c)) : "");
      }
      if (hidden > 0) {
        cells.add("...");
      }
      lines.add(cells);
    }
    int[] width = new int[header.size()];
    for (List<String> line : lines) {
      for (int c = 0; c < width.length; c++) {
        width[c] = Math.max(width[c], line.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int l = 0; l < lines.size(); l++) {
      if (l == 1) {
        for (int c = 0; c < width.length; c++) {
          out.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
        }
        out.append('\n');
      }
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < width.length; c++) {
        String cell = lines.get(l).get(c);
        line.append(c == 0 ? "" : " | ").append(cell).append(" ".repeat(width[c] - cell.length()));
      }
      out.append(line.toString().stripTrailing()).append(l == lines.size() - 1 ? "" : "\n");
    }
    return out.toString();
  }

  /**
   * @param names the column names
   * @param values one value per column
   * @return {@code {name=value, ...}}: at most {@link #MAX_COLUMNS} columns, each value a {@link #cell}
   */
  public static String record(List<String> names, List<?> values) {
    StringBuilder out = new StringBuilder("{");
    int shown = Math.min(names.size(), MAX_COLUMNS);
    for (int c = 0; c < shown; c++) {
      out.append(c == 0 ? "" : ", ").append(names.get(c)).append('=').append(cell(values.get(c)));
    }
    if (names.size() > shown) {
      out.append(", ... ").append(names.size() - shown).append(" more columns");
    }
    return out.append('}').toString();
  }

  /**
   * @param value a value
   * @return how a table shows it: one line of at most {@link #MAX_WIDTH} characters
   */
  public static String cell(@Nullable Object value) {
    String text;
    if (value instanceof byte[] bytes) {
      text = "<" + bytes.length + " bytes>";
    } else if (value instanceof ByteBuffer buffer) {
      text = "<" + buffer.remaining() + " bytes>";
    } else if (value instanceof Secret) {
      text = "****";
    } else {
      text = String.valueOf(value);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() <= MAX_WIDTH; i++) {
      char ch = text.charAt(i);
      switch (ch) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(Character.isISOControl(ch) ? '?' : ch);
      }
    }
    if (out.length() <= MAX_WIDTH) {
      return out.toString();
    }
    int end = MAX_WIDTH - 3;
    return out.substring(0, Character.isHighSurrogate(out.charAt(end - 1)) ? end - 1 : end) + "...";
  }

  /**
   * @param count a number of things
   * @param thing what they are, singular ({@code row})
   * @return {@code 1 row}, {@code 2 rows}, {@code no rows}
   */
  public static String count(long count, String thing) {
    return count(count, thing, thing + "s");
  }

  /**
   * @param count a number of things
   * @param thing what one is ({@code index})
   * @param things what several are ({@code indexes})
   * @return {@code 1 index}, {@code 2 indexes}, {@code no indexes}
   */
  public static String count(long count, String thing, String things) {
    return count == 0 ? "no " + things : count + " " + (count == 1 ? thing : things);
  }
}
