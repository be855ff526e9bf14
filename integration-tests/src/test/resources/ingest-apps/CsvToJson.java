import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An ingest app in one Java source file (run as {@code java CsvToJson.java}), speaking the protocol of
 * docs/ingest-apps.md: a CSV file with a header on standard input (RFC 4180: quoted fields keep commas, line
 * breaks and doubled quotes), one JSON line per record on standard output, {"table": $DELPHA_TABLE, "row": {...}};
 * an empty unquoted field is left out (the column stays unset); a record with the wrong number of fields or an
 * unclosed quote is reported as {"bad": reason, "line": n, "original": text}.
 */
public class CsvToJson {

  public static void main(String[] args) throws IOException {
    String table = System.getenv().getOrDefault("DELPHA_TABLE", "data");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
    Reader r = new Reader(in);
    List<String> header = r.next();
    if (header == null) {
      System.err.println("empty file: no header");
      return;
    }
    String prefix = "{\"table\":" + quote(table) + ",\"line\":";
    String[] names = new String[header.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = quote(header.get(i).strip()) + ":";
    }
    StringBuilder sb = new StringBuilder(256);
    List<String> f;
    while ((f = r.next()) != null) {
      if (f.size() == 1 && f.get(0).isEmpty() && !r.quoted[0]) {
        continue;
      }
      sb.setLength(0);
      if (r.error != null || f.size() != names.length) {
        String why = r.error != null ? r.error : "expected " + names.length + " fields, found " + f.size();
        sb.append("{\"bad\":").append(quote(why)).append(",\"line\":").append(r.start).append(",\"original\":")
            .append(quote(r.raw.toString())).append('}');
      } else {
        sb.append(prefix).append(r.start).append(",\"row\":{");
        boolean first = true;
        for (int i = 0; i < names.length; i++) {
          String v = f.get(i);
          if (v.isEmpty() && !r.quoted[i]) {
            continue;
          }
          if (!first) {
            sb.append(',');
          }
          first = false;
          sb.append(names[i]).append(quote(v));
        }
        sb.append("}}");
      }
      out.append(sb).append('\n');
    }
    out.flush();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** An RFC 4180 record reader: fields, whether each was quoted, the record's first line and its text. */
  static final class Reader {
    final BufferedReader in;
    long line = 1;
    long start;
    String error;
    boolean[] quoted = new boolean[16];
    final StringBuilder raw = new StringBuilder();
    int pushback = -2;

    Reader(BufferedReader in) {
      this.in = in;
    }

    int read() throws IOException {
      if (pushback != -2) {
        int c = pushback;
        pushback = -2;
        return c;
      }
      return in.read();
    }

    List<String> next() throws IOException {
      int c = read();
      if (c < 0) {
        return null;
      }
      pushback = c;
      start = line;
      error = null;
      raw.setLength(0);
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean inQuotes = false;
      boolean wasQuoted = false;
      while (true) {
        c = read();
        if (c < 0) {
          if (inQuotes) {
            error = "unclosed quote";
          }
          break;
        }
        if (inQuotes) {
          if (c == '"') {
            int d = read();
            if (d == '"') {
              field.append('"');
              raw.append("\"\"");
              continue;
            }
            pushback = d;
            inQuotes = false;
            raw.append('"');
            continue;
          }
          if (c == '\n') {
            line++;
          }
          field.append((char) c);
          raw.append((char) c);
          continue;
        }
        if (c == '"' && field.length() == 0 && !wasQuoted) {
          inQuotes = true;
          wasQuoted = true;
          raw.append('"');
          continue;
        }
        if (c == ',') {
          mark(fields.size(), wasQuoted);
          fields.add(field.toString());
          field.setLength(0);
          wasQuoted = false;
          raw.append(',');
          continue;
        }
        if (c == '\r') {
          int d = read();
          if (d != '\n') {
            pushback = d;
          }
          line++;
          break;
        }
        if (c == '\n') {
          line++;
          break;
        }
        if (wasQuoted && error == null) {
          error = "text after a closing quote";
        }
        field.append((char) c);
        raw.append((char) c);
      }
      mark(fields.size(), wasQuoted);
      fields.add(field.toString());
      return fields;
    }

    void mark(int i, boolean q) {
      if (i >= quoted.length) {
        quoted = java.util.Arrays.copyOf(quoted, i * 2);
      }
      quoted[i] = q;
    }
  }
}
