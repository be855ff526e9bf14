package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The expected variants of Apache parquet-testing's {@code shredded_variant/} cases (Iceberg's shredded-variant
 * reader tests; integration-tests/src/test/resources/parquet-testing, see PROVENANCE.md). Each {@code case-NNN_row-N.variant.bin} is,
 * by that folder's README.md, one variant's metadata bytes followed by its value bytes; {@code cases.json} gives the
 * variant as Iceberg's {@code toString} ({@code Variant(metadata=VariantMetadata(dict={0 => a, ...}),
 * value=VariantObject(fields={a: Variant(type=INT32, value=34), ...}))}), the oracle each decoded value is compared
 * with here. Reading the shredded Parquet files themselves is a later step.
 */
@DisplayName("Variant: every shredded_variant/ expected value decodes as cases.json says, and re-encodes")
class VariantShreddedCasesTest {

  static final Path DIR = Path.of("integration-tests/src/test/resources/parquet-testing/shredded_variant");

  /**
   * Splits a {@code .variant.bin} by the metadata's own layout (VariantEncoding.md): a header byte whose top two
   * bits give the offset size, the dictionary size, {@code size + 1} offsets, the last the length of the strings.
   */
  static Variant read(String file) throws IOException {
    byte[] b = Files.readAllBytes(DIR.resolve(file));
    int offsetSize = ((b[0] & 0xFF) >>> 6) + 1;
    long size = le(b, 1, offsetSize);
    int stringsStart = (int) (1 + offsetSize * (size + 2));
    int metadataLength = stringsStart + (int) le(b, 1 + offsetSize * (int) (size + 1), offsetSize);
    return Variant.from(Arrays.copyOfRange(b, 0, metadataLength), Arrays.copyOfRange(b, metadataLength, b.length));
  }

  private static long le(byte[] b, int pos, int size) {
    long v = 0;
    for (int i = 0; i < size; i++) {
      v |= (long) (b[pos + i] & 0xFF) << (8 * i);
    }
    return v;
  }

  /** Each {@code .variant.bin} named by cases.json, with the {@code toString} Iceberg gives for it. */
  static Map<String, String> expected() throws IOException {
    JsonNode cases = new ObjectMapper().readTree(DIR.resolve("cases.json").toFile());
    Map<String, String> expected = new TreeMap<>();
    for (JsonNode c : cases) {
      if (c.hasNonNull("variant_file")) {
        expected.put(c.get("variant_file").textValue(), c.get("variant").textValue());
      }
      if (c.hasNonNull("variant_files")) {
        List<String> texts = splitTopLevel(c.get("variants").textValue());
        for (int i = 0; i < c.get("variant_files").size(); i++) {
          JsonNode f = c.get("variant_files").get(i);
          if (!f.isNull()) {
            expected.put(f.textValue(), texts.get(i));
          }
        }
      }
    }
    return expected;
  }

  @Test
  @DisplayName("cases.json names every .variant.bin of the folder, and each decodes to the variant it describes")
  void everyExpectedVariantDecodesAsDescribed() throws IOException {
    Map<String, String> expected = expected();
    List<String> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".variant.bin")).sorted().toList();
    }
    assertThat(files).hasSize(137);
    assertThat(expected.keySet()).containsExactlyElementsOf(files);
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Variant v = read(e.getKey());
      new Described(e.getValue()).assertVariant(v, e.getKey());
    }
  }

  @Test
  @DisplayName("each re-encoded is equal to it; with an empty dictionary (no choice of order) byte for byte the file")
  void reEncodedEqualAndCanonicalWhereNoChoice() throws IOException {
    int identical = 0;
    for (String file : expected().keySet()) {
      Variant v = read(file);
      Variant rebuilt = VariantSpecCasesTest.rebuild(v);
      assertThat(rebuilt).as(file).isEqualTo(v);
      assertThat(Variant.from(v.metadata(), v.value())).as(file).isEqualTo(v);
      assertThat(rebuilt.toJson()).as(file).isEqualTo(v.toJson());
      VariantSpecCasesTest.assertNestedPairsAreVariants(v, file);
      byte[] bin = Files.readAllBytes(DIR.resolve(file));
      byte[] ours = concat(rebuilt.metadata(), rebuilt.value());
      // Iceberg writes the five names a..e into every dictionary of an object case, used or not; ours holds only
      // the names used, so only the cases without names can be the same bytes, and all of those must be
      if (v.metadata().length == 3) {
        assertThat(ours).as(file).isEqualTo(bin);
        identical++;
      } else {
        assertThat(v.metadata()[0] & 0x10).as(file + ": Iceberg's dictionaries are sorted").isEqualTo(0x10);
      }
    }
    assertThat(identical).isGreaterThan(90);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** Top-level items of Iceberg's list form {@code [null, Variant(...), ...]}. */
  static List<String> splitTopLevel(String list) {
    String inner = list.substring(1, list.length() - 1);
    List<String> items = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (c == ',' && depth == 0) {
        items.add(inner.substring(start, i).trim());
        start = i + 1;
      }
    }
    items.add(inner.substring(start).trim());
    return items;
  }

  /**
   * Iceberg's {@code toString} of a variant, read by recursive descent. Its grammar, as cases.json shows it:
   * {@code Variant(metadata=VariantMetadata(dict={...}), value=V)}, where V is {@code Variant(type=T, value=text)},
   * {@code VariantObject(fields={name: V, ...})} or {@code VariantArray([V, ...])}.
   */
  static final class Described {
    private final String s;
    private int p;

    Described(String s) {
      this.s = s;
    }

    void assertVariant(Variant v, String where) {
      expect("Variant(metadata=VariantMetadata(dict={");
      p = s.indexOf("}), value=", p) + "}), value=".length();
      assertValue(v, where);
      expect(")");
      assertThat(p).as(where + ": the whole description read").isEqualTo(s.length());
    }

    private void expect(String token) {
      assertThat(s.startsWith(token, p)).as("expected " + token + " at " + p + " of " + s).isTrue();
      p += token.length();
    }

    private void assertValue(Variant v, String where) {
      if (s.startsWith("VariantObject(fields={", p)) {
        expect("VariantObject(fields={");
        assertThat(v.type()).as(where).isEqualTo(Variant.Type.OBJECT);
        List<String> names = new ArrayList<>();
        while (!s.startsWith("}", p)) {
          int colon = s.indexOf(": ", p);
          String name = s.substring(p, colon);
          p = colon + 2;
          names.add(name);
          Variant field = v.get(name);
          assertThat(field).as(where + "." + name).isNotNull();
          assertValue(field, where + "." + name);
          if (s.startsWith(", ", p)) {
            p += 2;
          }
        }
        expect("})");
        assertThat(v.fieldNames()).as(where).containsExactlyElementsOf(names);
      } else if (s.startsWith("VariantArray([", p)) {
        expect("VariantArray([");
        assertThat(v.type()).as(where).isEqualTo(Variant.Type.ARRAY);
        int i = 0;
        while (!s.startsWith("]", p)) {
          assertValue(v.get(i), where + "[" + i + "]");
          i++;
          if (s.startsWith(", ", p)) {
            p += 2;
          }
        }
        expect("])");
        assertThat(v.size()).as(where).isEqualTo(i);
      } else {
        expect("Variant(type=");
        int comma = s.indexOf(", value=", p);
        String type = s.substring(p, comma);
        p = comma + ", value=".length();
        int close = s.indexOf(')', p); // no value of these cases holds a parenthesis
        String text = s.substring(p, close);
        p = close + 1;
        assertPrimitive(v, type, text, where + " (" + type + " " + text + ")");
      }
    }

    private static void assertPrimitive(Variant v, String type, String text, String where) {
      switch (type) {
        case "NULL" -> assertThat(v.type()).as(where).isEqualTo(Variant.Type.NULL);
        case "BOOLEAN_TRUE", "BOOLEAN_FALSE" -> assertThat(v.getBoolean()).as(where)
            .isEqualTo(Boolean.parseBoolean(text)).isEqualTo(type.equals("BOOLEAN_TRUE"));
        case "INT8", "INT16", "INT32", "INT64" -> {
          assertThat(v.type()).as(where).isEqualTo(Variant.Type.valueOf(type));
          assertThat(v.getLong()).as(where).isEqualTo(Long.parseLong(text));
        }
        case "FLOAT" -> assertThat(v.getFloat()).as(where).isEqualTo(Float.parseFloat(text));
        case "DOUBLE" -> {
          assertThat(v.type()).as(where).isEqualTo(Variant.Type.DOUBLE);
          assertThat(Double.doubleToRawLongBits(v.getDouble())).as(where) // -0.0 is not 0.0
              .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
        }
        case "DECIMAL4", "DECIMAL8", "DECIMAL16" ->
            assertThat(v.getDecimal()).as(where).isEqualTo(new BigDecimal(text));
        case "DATE" -> assertThat(v.getDate()).as(where).isEqualTo(LocalDate.parse(text));
        case "TIMESTAMPTZ" -> {
          assertThat(v.type()).as(where).isEqualTo(Variant.Type.TIMESTAMP_TZ);
          assertThat(v.getTimestamp()).as(where).isEqualTo(OffsetDateTime.parse(text).toInstant());
        }
        case "TIMESTAMPTZ_NANOS" -> {
          assertThat(v.type()).as(where).isEqualTo(Variant.Type.TIMESTAMP_NANOS_TZ);
          assertThat(v.getTimestamp()).as(where).isEqualTo(OffsetDateTime.parse(text).toInstant());
        }
        case "TIMESTAMPNTZ" -> {
          assertThat(v.type()).as(where).isEqualTo(Variant.Type.TIMESTAMP_NTZ);
          assertThat(v.getLocalTimestamp()).as(where).isEqualTo(LocalDateTime.parse(text));
        }
        case "TIMESTAMPNTZ_NANOS" -> {
          assertThat(v.type()).as(where).isEqualTo(Variant.Type.TIMESTAMP_NANOS_NTZ);
          assertThat(v.getLocalTimestamp()).as(where).isEqualTo(LocalDateTime.parse(text));
        }
        case "TIME" -> assertThat(v.getTime()).as(where).isEqualTo(LocalTime.parse(text));
        case "BINARY" -> assertThat(v.getBinary()).as(where).isEqualTo(HexFormat.of().parseHex(text));
        case "STRING" -> assertThat(v.getString()).as(where).isEqualTo(text);
        case "UUID" -> assertThat(v.getUuid()).as(where).isEqualTo(UUID.fromString(text));
        default -> throw new AssertionError(where + ": a type this test does not know: " + type);
      }
    }
  }
}
