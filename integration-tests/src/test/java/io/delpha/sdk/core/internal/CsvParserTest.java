package io.delpha.sdk.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CSV parser reads the same records whatever pieces its input arrives in. */
class CsvParserTest {

  private record Parsed(List<String> fields, String raw, long line, String error) {}

  @Test
  @DisplayName("2,000 generated CSV texts (quotes, doubled quotes, CR/LF/CRLF, broken quoting) parse the same from one read as from reads of 1 to 7 characters")
  void samePiecesWholeOrSplit() throws IOException {
    Random random = new Random(20261122);
    for (int t = 0; t < 2_000; t++) {
      String csv = generated(random);
      List<Parsed> whole = parse(new StringReader(csv));
      List<Parsed> split = parse(new ChoppyReader(csv, random.nextLong()));
      assertThat(split).as("csv %s", csv.replace("\r", "\\r").replace("\n", "\\n")).isEqualTo(whole);
    }
  }

  @Test
  @DisplayName("2,000 generated CSV texts read in pieces of 1 to 7 characters: each record's raw text is the input "
      + "between its line breaks, and the raw texts with the breaks between them are the whole input")
  void rawTextIsTheInput() throws IOException {
    Random random = new Random(20261128);
    for (int t = 0; t < 2_000; t++) {
      String csv = generated(random);
      int at = 0;
      for (Parsed record : parse(new ChoppyReader(csv, random.nextLong()))) {
        String shown = csv.replace("\r", "\\r").replace("\n", "\\n");
        assertThat(csv.startsWith(record.raw(), at)).as("csv %s, record at %d: %s", shown, at, record.raw()).isTrue();
        at += record.raw().length();
        if (at < csv.length()) { // the line break that ended it: CRLF, LF or CR
          assertThat(csv.charAt(at)).as("csv %s, after the record at %d", shown, at).isIn('\r', '\n');
          at += csv.startsWith("\r\n", at) ? 2 : 1;
        }
      }
      assertThat(at).as("the records cover the input").isEqualTo(csv.length());
    }
  }

  @Test
  @DisplayName("maxRecordChars: a quote never closed over many refills of the buffer stops the parser once the record "
      + "passes the bound; a record of exactly the bound reads whole, its raw text the input")
  void recordLongerThanTheBound() throws IOException {
    String open = "1,\"" + "x".repeat(300_000);
    CsvParser p = new CsvParser(new ChoppyReader(open, 7), ',', 100_000);
    assertThatThrownBy(p::next).isInstanceOf(CsvParser.RecordTooLongException.class)
        .hasMessageContaining("line 1").hasMessageContaining("longer than 100000 characters");
    String exact = "a," + "y".repeat(199_998);
    CsvParser q = new CsvParser(new StringReader(exact + "\r\n" + exact + "\n"), ',', 200_000);
    for (int i = 0; i < 2; i++) {
      assertThat(q.next()).containsExactly("a", "y".repeat(199_998));
      assertThat(q.raw()).isEqualTo(exact);
    }
    assertThat(q.next()).isNull();
  }

  @Test
  @DisplayName("plain, quoted and broken records: fields, raw text, line numbers and errors")
  void records() throws IOException {
    List<Parsed> got = parse(new StringReader("id,name\r\n1,\"a, \"\"b\"\"\"\n2,plain text\r3,x\"y\n4,\"z\"w\n5,\"open"));
    assertThat(got).extracting(Parsed::fields).containsExactly(List.of("id", "name"), List.of("1", "a, \"b\""),
        List.of("2", "plain text"), List.of("3", "x\"y"), List.of("4", "zw"), List.of("5", "open"));
    assertThat(got).extracting(Parsed::line).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(got.get(1).raw()).isEqualTo("1,\"a, \"\"b\"\"\"");
    assertThat(got.get(2).error()).isNull();
    assertThat(got.get(3).error()).isEqualTo("quote inside unquoted field 2");
    assertThat(got.get(4).error()).isEqualTo("text after the closing quote of field 2");
    assertThat(got.get(5).error()).isEqualTo("quoted field never closed before the end of the file");
  }

  @Test
  @DisplayName("maxFields: a record of exactly the bound reads whole, one more field stops the parser at that "
      + "delimiter; delimiters inside quotes are not fields")
  void maxFieldsStopsAtTheDelimiterOfOneFieldTooMany() throws IOException {
    CsvParser p = new CsvParser(new StringReader("a,b,c\n\"x,y,z,w\",2,3\n1,2,3,4\n"), ',', 1 << 20, 3);
    assertThat(p.next()).containsExactly("a", "b", "c");
    assertThat(p.next()).containsExactly("x,y,z,w", "2", "3");
    assertThatThrownBy(p::next).isInstanceOf(CsvParser.TooManyFieldsException.class)
        .hasMessageContaining("line 3").hasMessageContaining("more than 3 fields");
    // a header of a million names stops after maxFields, its fields never all built
    String header = "c,".repeat(1_000_000) + "c\n";
    CsvParser wide = new CsvParser(new StringReader(header), ',', 16 << 20, 100_000);
    assertThatThrownBy(wide::next).isInstanceOf(CsvParser.TooManyFieldsException.class);
    assertThatThrownBy(() -> new CsvParser(new StringReader(""), ',', 10, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A text of up to 200 characters, a third of them quotes, delimiters, line breaks and others. */
  private static String generated(Random random) {
    String alphabet = "ab,\"\r\n x1";
    StringBuilder text = new StringBuilder();
    int n = random.nextInt(200);
    for (int i = 0; i < n; i++) {
      text.append(random.nextInt(3) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : 'q');
    }
    return text.toString();
  }

  private static List<Parsed> parse(Reader in) throws IOException {
    CsvParser p = new CsvParser(in, ',');
    List<Parsed> out = new ArrayList<>();
    List<String> fields;
    while ((fields = p.next()) != null) {
      out.add(new Parsed(List.copyOf(fields), p.raw(), p.line(), p.error()));
    }
    return out;
  }

  /** Hands out its text 1 to 7 characters per read, as a slow network stream might. */
  private static final class ChoppyReader extends Reader {
    private final String text;
    private final Random random;
    private int at;

    ChoppyReader(String text, long seed) {
      this.text = text;
      this.random = new Random(seed);
    }

    @Override
    public int read(char[] cbuf, int off, int len) {
      if (at >= text.length()) {
        return -1;
      }
      int n = Math.min(Math.min(len, 1 + random.nextInt(7)), text.length() - at);
      text.getChars(at, at + n, cbuf, off);
      at += n;
      return n;
    }

    @Override
    public void close() {}
  }
}
