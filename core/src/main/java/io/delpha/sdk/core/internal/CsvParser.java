package io.delpha.sdk.core.internal;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A streaming RFC 4180 parser: a state machine over a character buffer. Quoted fields keep their
 * delimiters, doubled quotes become one quote, and line breaks inside quotes are kept exactly as written
 * (CRLF stays CRLF). Records end at LF, CRLF or a lone CR outside quotes.
 *
 * <p>A record that breaks the grammar (a quote inside an unquoted field, text after a closing quote,
 * a quote never closed before the end of input) is still returned, flagged with {@link #error()}, so the
 * caller can send it to its bad-records file and carry on with the next one. {@link #raw()} gives the
 * record's text as read, {@link #line()} the physical line it starts on. Not thread-safe.
 */
public final class CsvParser {

  private static final int BUFFER = 64 * 1024;

  private final Reader in;
  private final char delimiter;
  private final long maxRecordChars;
  private final int maxFields;
  private final char[] buf = new char[BUFFER];
  private int pos;
  private int len;
  private boolean eof;

  private final StringBuilder field = new StringBuilder(64);
  /**
   * Where the current field's characters start in {@code buf} while they all lie there (an unquoted field read in
   * one run, or a quoted one without a doubled quote: its text after the opening quote), -1 when they are in {@link
   * #field}: such a field's value is made from the buffer, its characters copied once.
   */
  private int fieldFrom = -1;
  /** Where a quoted field read from the buffer ended (its closing quote), -1 while it is open or unquoted. */
  private int fieldTo = -1;
  /**
   * The last record's text as read: what earlier buffers held of it ({@link #spilled}), then {@code buf} from {@link
   * #rawFrom} (-1: none there) to {@link #pos} while it is read ({@link #recording}), to {@link #rawTo} once it ended.
   * Kept as positions, copied only when the buffer is refilled under it.
   */
  private final StringBuilder spilled = new StringBuilder();
  private int rawFrom = -1;
  private int rawTo;
  private boolean recording;
  private final List<String> fields = new ArrayList<>();
  private long nextLine = 1;
  private long line;
  private @Nullable String error;

  /**
   * @param in the text; read to its end, not closed
   * @param delimiter the field delimiter, usually a comma
   */
  public CsvParser(Reader in, char delimiter) {
    this(in, delimiter, Long.MAX_VALUE);
  }

  /**
   * A parser that stops at a record longer than {@code maxRecordChars} (a quote never closed, a line that never
   * ends), for input from a remote peer: {@link #next()} then throws {@link RecordTooLongException} having held at
   * most {@code maxRecordChars} plus one buffer (64 Ki characters) of it.
   *
   * @param in the text; read to its end, not closed
   * @param delimiter the field delimiter, usually a comma
   * @param maxRecordChars the longest record, line breaks inside quotes included
   */
  public CsvParser(Reader in, char delimiter, long maxRecordChars) {
    this(in, delimiter, maxRecordChars, Integer.MAX_VALUE);
  }

  /**
   * A parser that also stops at a record of more than {@code maxFields} fields (a header of a million names), for
   * input from a remote peer: {@link #next()} then throws {@link TooManyFieldsException} as it meets the delimiter
   * that would start field {@code maxFields + 1}, having kept at most {@code maxFields} fields of the record.
   *
   * @param in the text; read to its end, not closed
   * @param delimiter the field delimiter, usually a comma
   * @param maxRecordChars the longest record, line breaks inside quotes included
   * @param maxFields the most fields of one record, at least 1
   * @throws IllegalArgumentException if {@code maxFields} is less than 1
   */
  public CsvParser(Reader in, char delimiter, long maxRecordChars, int maxFields) {
    if (maxFields < 1) {
      throw new IllegalArgumentException("maxFields must be at least 1, was " + maxFields);
    }
    this.in = in;
    this.delimiter = delimiter;
    this.maxRecordChars = maxRecordChars;
    this.maxFields = maxFields;
  }

  /** A record was longer than the parser's {@code maxRecordChars}. */
  public static final class RecordTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    RecordTooLongException(long line, long max) {
      super("the record starting on line " + line + " is longer than " + max + " characters");
    }
  }

  /** A record had more fields than the parser's {@code maxFields}. */
  public static final class TooManyFieldsException extends IOException {
    private static final long serialVersionUID = 1L;

    TooManyFieldsException(long line, int max) {
      super("the record starting on line " + line + " has more than " + max + " fields");
    }
  }

  /**
   * Reads the next record.
   *
   * @return its fields (a list reused by the next call), or {@code null} at the end of input
   * @throws RecordTooLongException if the record is longer than {@code maxRecordChars} (the parser is then spent)
   * @throws TooManyFieldsException if the record has more than {@code maxFields} fields (the parser is then spent)
   * @throws IOException if the reader fails
   */
  public @Nullable List<String> next() throws IOException {
    fields.clear();
    field.setLength(0);
    fieldFrom = -1;
    fieldTo = -1;
    spilled.setLength(0);
    rawFrom = -1;
    recording = false;
    error = null;
    line = nextLine;
    int c = read();
    if (c < 0) {
      return null;
    }
    rawFrom = pos - 1;
    recording = true;
    boolean quoted = false;      // the current field started with a quote
    boolean inQuotes = false;    // inside the quoted part
    boolean afterQuote = false;  // a quoted field's closing quote was seen
    while (true) {
      if (c < 0) {
        ended(pos);
        if (inQuotes && error == null) {
          error = "quoted field never closed before the end of the file";
        }
        fields.add(takeField(pos));
        return fields;
      }
      char ch = (char) c;
      if (inQuotes) {
        if (ch == '"') {
          if (fieldFrom >= 0 && (pos >= len || buf[pos] == '"')) {
            // a doubled quote, or a quote that ends the buffer (the peek refills it): the field so far goes to the
            // builder, this quote not included
            field.append(buf, fieldFrom, pos - 1 - fieldFrom);
            fieldFrom = -1;
          }
          int n = peek();
          if (n == '"') {
            pos++;
            field.append('"');
          } else {
            if (fieldFrom >= 0) {
              fieldTo = pos - 1;
            }
            inQuotes = false;
            afterQuote = true;
          }
        } else {
          boolean fromBuffer = fieldFrom >= 0; // then this character is in the buffer's run (or spilled by a refill)
          if (ch == '\n' || (ch == '\r' && peek() != '\n')) {
            nextLine++;
          }
          if (!fromBuffer) {
            field.append(ch);
          }
          if (ch != '\n' && ch != '\r') {
            if (fieldFrom >= 0) {
              skipRun(true);
            } else {
              appendRun(true);
            }
          }
        }
      } else if (ch == delimiter) {
        if (fields.size() + 1 >= maxFields) {
          throw new TooManyFieldsException(line, maxFields); // this delimiter starts one field too many
        }
        fields.add(takeField(pos - 1));
        quoted = false;
        afterQuote = false;
      } else if (ch == '\n' || ch == '\r') {
        ended(pos - 1); // before the peek, which may refill the buffer
        fields.add(takeField(pos - 1));
        if (ch == '\r' && peek() == '\n') {
          pos++;
        }
        nextLine++;
        return fields;
      } else {
        if (ch == '"' && field.length() == 0 && fieldFrom < 0 && !quoted) {
          quoted = true;
          inQuotes = true;
          fieldFrom = pos;
        } else {
          if (error == null) {
            if (afterQuote) {
              error = "text after the closing quote of field " + (fields.size() + 1);
            } else if (ch == '"') {
              error = "quote inside unquoted field " + (fields.size() + 1);
            }
          }
          if (fieldFrom >= 0) { // its run stopped here: what came before goes to the builder
            field.append(buf, fieldFrom, (fieldTo >= 0 ? fieldTo : pos - 1) - fieldFrom);
            fieldFrom = -1;
            fieldTo = -1;
            field.append(ch);
            if (!afterQuote) {
              appendRun(false);
            }
          } else if (!afterQuote && !quoted && field.length() == 0) {
            fieldFrom = pos - 1;
            skipRun(false);
          } else {
            field.append(ch);
            if (!afterQuote) {
              appendRun(false);
            }
          }
        }
      }
      if (spilled.length() + (pos - rawFrom) > maxRecordChars) {
        throw new RecordTooLongException(line, maxRecordChars);
      }
      c = read();
    }
  }

  /**
   * Copies the rest of a field's run that lies in the buffer in one step, not a character at a time: up to a quote or
   * a line break, and in an unquoted field a delimiter too.
   */
  private void appendRun(boolean quotedField) {
    int start = pos;
    while (pos < len) {
      char x = buf[pos];
      if (x == '"' || x == '\n' || x == '\r' || (!quotedField && x == delimiter)) {
        break;
      }
      pos++;
    }
    if (pos > start) {
      field.append(buf, start, pos - start);
    }
  }

  /** Passes over the rest of a field's run that lies in the buffer, as {@link #appendRun} would copy it. */
  private void skipRun(boolean quotedField) {
    while (pos < len) {
      char x = buf[pos];
      if (x == '"' || x == '\n' || x == '\r' || (!quotedField && x == delimiter)) {
        break;
      }
      pos++;
    }
  }

  /** @return the current field's value, which ended at {@code end} in the buffer; the field is cleared */
  private String takeField(int end) {
    if (fieldFrom >= 0) {
      String value = new String(buf, fieldFrom, (fieldTo >= 0 ? fieldTo : end) - fieldFrom);
      fieldFrom = -1;
      fieldTo = -1;
      return value;
    }
    String value = field.toString();
    field.setLength(0);
    return value;
  }

  /**
   * @return whether the last record's field {@code index} was empty and unquoted (a missing value)
   *     rather than a quoted empty string; computed from the raw text, for the rare empty field
   */
  public boolean wasQuotedEmpty(int index) {
    String raw = raw();
    int field = 0;
    int i = 0;
    int n = raw.length();
    while (field < index && i < n) {
      char ch = raw.charAt(i++);
      if (ch == '"') {
        while (i < n) {
          char q = raw.charAt(i++);
          if (q == '"') {
            if (i < n && raw.charAt(i) == '"') {
              i++;
            } else {
              break;
            }
          }
        }
      } else if (ch == delimiter) {
        field++;
      }
    }
    return i < n && raw.charAt(i) == '"';
  }

  /**
   * @return the physical line (1-based) the last record started on
   */
  public long line() {
    return line;
  }

  /**
   * @return the last record's text as read, without its line break
   */
  public String raw() {
    if (rawFrom < 0) {
      return spilled.toString();
    }
    int to = recording ? pos : rawTo;
    return spilled.length() == 0 ? new String(buf, rawFrom, to - rawFrom)
        : spilled.toString() + new String(buf, rawFrom, to - rawFrom);
  }

  /** The record ended at {@code end} in the buffer (its line break, or the end of input, not included). */
  private void ended(int end) {
    rawTo = end;
    recording = false;
  }

  /**
   * @return why the last record breaks the grammar, or {@code null} if it does not
   */
  public @Nullable String error() {
    return error;
  }

  private int read() throws IOException {
    if (pos >= len && !fill()) {
      return -1;
    }
    return buf[pos++];
  }

  private int peek() throws IOException {
    if (pos >= len && !fill()) {
      return -1;
    }
    return buf[pos];
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    if (fieldFrom >= 0) { // the field's characters in the buffer go to the builder, the rest follow them there
      field.append(buf, fieldFrom, (fieldTo >= 0 ? fieldTo : len) - fieldFrom);
      fieldFrom = -1;
      fieldTo = -1;
    }
    if (rawFrom >= 0) { // the record's text in the buffer, before the buffer is read into
      int to = recording ? len : rawTo;
      spilled.append(buf, rawFrom, to - rawFrom);
      rawFrom = recording ? 0 : -1;
    }
    int n = in.read(buf, 0, buf.length);
    while (n == 0) {
      n = in.read(buf, 0, buf.length);
    }
    if (n < 0) {
      eof = true;
      pos = 0; // what the buffer held is spilled: nothing of it is read again
      len = 0;
      return false;
    }
    pos = 0;
    len = n;
    return true;
  }
}
