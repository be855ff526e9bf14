package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contracts of {@link Variant}'s Javadoc on hand-made bytes, each laid out from VariantEncoding.md's diagrams:
 * what is refused and how, equality, the JSON forms, the getters' types, the depth limit.
 */
@DisplayName("Variant: malformed bytes named, equality by value, JSON forms, typed getters, bounded nesting")
class VariantTest {

  static final byte[] EMPTY_METADATA = {0x01, 0x00, 0x00};

  static byte[] hex(String h) {
    return HexFormat.of().parseHex(h.replace(" ", ""));
  }

  static String refusal(String metadataHex, String valueHex) {
    try {
      Variant.from(hex(metadataHex), hex(valueHex));
    } catch (DataFormatException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + metadataHex + " / " + valueHex);
  }

  @Test
  @DisplayName("a malformed metadata is a DataFormatException saying what is wrong")
  void malformedMetadata() {
    assertThat(refusal("", "00")).contains("metadata").contains("empty");
    assertThat(refusal("02 00 00", "00")).contains("version is 2");
    assertThat(refusal("01", "00")).contains("dictionary size");
    // 0xFFFFFFFF strings with 4-byte offsets: refused before 16 GiB of offsets are looked for
    assertThat(refusal("c1 ff ff ff ff 00 00 00 00", "00")).contains("4294967295 strings");
    assertThat(refusal("01 01 00 05 61", "00")).contains("string offset 1 is 5");
    assertThat(refusal("01 01 01 01 61", "00")).contains("first string offset is 1");
    assertThat(refusal("01 01 00 01 61 62", "00")).contains("last offset must be the end");
    assertThat(refusal("01 01 00 01 ff", "00")).contains("not valid UTF-8");
    assertThat(refusal("01 01 00 02 c0 80", "00")).contains("not valid UTF-8"); // overlong NUL
    assertThat(refusal("01 01 00 03 ed a0 80", "00")).contains("not valid UTF-8"); // a surrogate
    // sorted_strings set over "b", "a"; and over "a", "a"
    assertThat(refusal("11 02 00 01 02 62 61", "00")).contains("sorted and unique");
    assertThat(refusal("11 02 00 01 02 61 61", "00")).contains("sorted and unique");
    // not sorted, not flagged: accepted (Spark writes its dictionaries so)
    assertThat(Variant.from(hex("01 02 00 01 02 62 61"), hex("00")).isNull()).isTrue();
  }

  @Test
  @DisplayName("a malformed value is a DataFormatException saying what is wrong")
  void malformedValue() {
    String ab = "11 02 00 01 02 61 62"; // sorted dictionary "a", "b"
    assertThat(refusal("01 00 00", "")).contains("before its header byte");
    assertThat(refusal("01 00 00", "54")).contains("primitive type 21 is not one VariantEncoding.md defines");
    assertThat(refusal("01 00 00", "18 01 02 03")).contains("int64 needs 8 bytes");
    assertThat(refusal("01 00 00", "0c 01 00")).contains("ends at byte 2 but the binary has 3");
    assertThat(refusal("01 00 00", "09 61")).contains("short string of 2 bytes");
    assertThat(refusal("01 00 00", "40 ff ff ff ff 61")).contains("string needs 4294967299 bytes");
    assertThat(refusal("01 00 00", "3c 01 02")).contains("binary ends before its 4-byte length");
    // object {"a": 1} with field id 2 of a 2-string dictionary
    assertThat(refusal(ab, "02 01 02 00 02 0c 01")).contains("id 2, beyond the metadata's dictionary of 2");
    // object with "b" before "a", and with "a" twice
    assertThat(refusal(ab, "02 02 01 00 00 02 04 0c 01 0c 02")).contains("not in strictly increasing order");
    assertThat(refusal(ab, "02 02 00 00 00 02 04 0c 01 0c 02")).contains("not in strictly increasing order");
    // two names of distinct ids that are the same string (an unsorted dictionary may repeat one)
    assertThat(refusal("01 02 00 01 02 61 61", "02 02 00 01 00 02 04 0c 01 0c 02"))
        .contains("not in strictly increasing order");
    // is_large object claiming 0xFFFFFFFF fields: refused from the counts, nothing allocated
    assertThat(refusal(ab, "42 ff ff ff ff 00")).contains("4294967295 fields");
    assertThat(refusal("01 00 00", "13 ff ff ff ff 00")).contains("4294967295 elements");
    // array [1] whose last offset runs past the value; whose element starts at its end; two at one offset
    assertThat(refusal("01 00 00", "03 01 00 09 0c 01")).contains("values end 9 bytes after");
    assertThat(refusal("01 00 00", "03 01 02 02 0c 01")).contains("starts at offset 2, not before the end");
    assertThat(refusal("01 00 00", "03 02 00 00 02 0c 01")).contains("two values at offset 0");
    // an element that runs past the next one's start
    assertThat(refusal("01 00 00", "03 02 00 01 03 18 01 02")).contains("int64 needs 8 bytes");
    // decimals: scale 39; a decimal4 of 10 digits
    assertThat(refusal("01 00 00", "20 27 01 00 00 00")).contains("scale 39");
    assertThat(refusal("01 00 00", "20 00 00 ca 9a 3b")).contains("more digits than its precision (9)");
    // a time of 24:00
    assertThat(refusal("01 00 00", "44 00 60 d7 1d 14 00 00 00")).contains("outside the day");
    assertThat(refusal("01 00 00", "05 ff")).contains("short string is not valid UTF-8");
  }

  @Test
  @DisplayName("strings and names longer than eight bytes are checked as UTF-8 and ordered byte for byte")
  void longStringsChecked() {
    String abcdefgh = "61 62 63 64 65 66 67 68 ";
    // a name and a string whose bad byte comes after eight ASCII ones
    assertThat(refusal("01 01 00 0b " + abcdefgh + "69 6a ff", "00")).contains("not valid UTF-8");
    assertThat(refusal("01 00 00", "2d " + abcdefgh + "69 6a ff")).contains("short string is not valid UTF-8");
    assertThat(refusal("01 00 00", "40 0b 00 00 00 " + abcdefgh + "69 6a ff")).contains("string is not valid UTF-8");
    // "abcdefghé": valid, as a name and as a string
    assertThat(Variant.from(hex("01 01 00 0a " + abcdefgh + "c3 a9"), hex("00")).isNull()).isTrue();
    assertThat(Variant.from(hex("01 00 00"), hex("40 0a 00 00 00 " + abcdefgh + "c3 a9")).getString())
        .isEqualTo("abcdefghé");
    // sorted_strings over "abcdefghij", "abcdefghi": a prefix sorts first, so refused; the other way accepted
    assertThat(refusal("11 02 00 0a 13 " + abcdefgh + "69 6a " + abcdefgh + "69", "00")).contains("sorted and unique");
    assertThat(Variant.from(hex("11 02 00 09 13 " + abcdefgh + "69 " + abcdefgh + "69 6a"), hex("00")).isNull())
        .isTrue();
    // an unsorted dictionary of the same two: the object's names are ordered by their strings, not their ids
    String unsorted = "01 02 00 0a 13 " + abcdefgh + "69 6a " + abcdefgh + "69";
    assertThat(Variant.from(hex(unsorted), hex("02 02 01 00 00 02 04 0c 01 0c 02")).fieldNames())
        .containsExactly("abcdefghi", "abcdefghij");
    assertThat(refusal(unsorted, "02 02 00 01 00 02 04 0c 01 0c 02")).contains("not in strictly increasing order");
  }

  /** {@code depth} arrays each holding the next, a null innermost, with 4-byte offsets: 10 bytes a level. */
  static byte[] nestedArrays(int depth) {
    byte[] v = new byte[10 * depth + 1]; // the null (0x00) last
    for (int level = 0; level < depth; level++) {
      int at = 10 * level;
      int size = v.length - at - 10; // the bytes of the array this one holds
      v[at] = 0x0F; // array, 4-byte offsets, 1-byte count
      v[at + 1] = 1;
      for (int k = 0; k < 4; k++) {
        v[at + 6 + k] = (byte) (size >>> (8 * k));
      }
    }
    return v;
  }

  @Test
  @DisplayName("nesting is bounded: 256 levels read, 257 and 100,000 refused without a StackOverflowError")
  void boundedNesting() {
    Variant deepest = Variant.from(EMPTY_METADATA, nestedArrays(Variant.MAX_DEPTH));
    assertThat(deepest.toJson()).startsWith("[[[[").contains("[null]").endsWith("]]]]").hasSize(2 * 256 + 4);
    assertThat(VariantSpecCasesTest.rebuild(deepest)).isEqualTo(deepest);
    assertThatThrownBy(() -> Variant.from(EMPTY_METADATA, nestedArrays(Variant.MAX_DEPTH + 1)))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("more than 256 levels");
    assertThatThrownBy(() -> Variant.from(EMPTY_METADATA, nestedArrays(100_000)))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("more than 256 levels");
    // made: one level more than the limit is refused as the caller's input
    assertThatThrownBy(() -> Variant.array(List.of(deepest)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("at most 256 levels");
    assertThatThrownBy(() -> Variant.fromJson("[".repeat(257) + "]".repeat(257)))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("more than 256 levels");
    assertThatThrownBy(() -> Variant.fromJson("[".repeat(100_000) + "]".repeat(100_000)))
        .isInstanceOf(DataFormatException.class);
    assertThat(Variant.fromJson("[".repeat(256) + "]".repeat(256)).toJson()).hasSize(512);
  }

  @Test
  @DisplayName("equality is by type and value: layouts never matter; integer widths, decimal scales, -0.0 do")
  void equality() {
    // {"a":1,"b":"x"} as Spark lays it out (unsorted dictionary "b","a"; values in insertion order) and as we do
    Variant spark = Variant.from(hex("01 02 00 01 02 62 61"), hex("02 02 01 00 02 00 04 05 78 0c 01"));
    Variant ours = Variant.fromJson("{\"b\":\"x\",\"a\":1}");
    assertThat(spark).isEqualTo(ours).hasSameHashCodeAs(ours);
    assertThat(spark.value()).isNotEqualTo(ours.value());
    // wider fields than needed: 2-byte ids, 4-byte offsets, 4-byte count
    Variant wide = Variant.from(hex("11 02 00 01 02 61 62"),
        hex("5e 02 00 00 00 00 00 01 00 00 00 00 00 02 00 00 00 04 00 00 00 0c 01 05 78"));
    assertThat(wide).isEqualTo(ours).hasSameHashCodeAs(ours);
    // a long string equals the same short string; a decimal16 equals the decimal4 of the same value and scale
    assertThat(Variant.from(EMPTY_METADATA, hex("40 01 00 00 00 78"))).isEqualTo(Variant.of("x"));
    assertThat(Variant.from(EMPTY_METADATA, hex("28 02 d2 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00")))
        .isEqualTo(Variant.of(new BigDecimal("12.34"))).hasSameHashCodeAs(Variant.of(new BigDecimal("12.34")));
    // the type is part of the value
    assertThat(Variant.of((byte) 1)).isNotEqualTo(Variant.of(1L)).isNotEqualTo(Variant.of(BigDecimal.ONE));
    assertThat(Variant.of(new BigDecimal("1.0"))).isNotEqualTo(Variant.of(new BigDecimal("1.00")));
    assertThat(Variant.of(0.0)).isNotEqualTo(Variant.of(-0.0));
    assertThat(Variant.of(Double.NaN)).isEqualTo(Variant.of(Double.NaN));
    assertThat(Variant.of(1.5f)).isNotEqualTo(Variant.of(1.5));
    assertThat(Variant.of(true)).isNotEqualTo(Variant.of(false));
    assertThat(Variant.ofNull()).isNotEqualTo(Variant.fromJson("{}"));
    assertThat(Variant.fromJson("[1,2]")).isNotEqualTo(Variant.fromJson("[2,1]"));
    assertThat(Variant.fromJson("{\"a\":1}")).isNotEqualTo(Variant.fromJson("{\"b\":1}"));
  }

  @Test
  @DisplayName("toJson: Spark's forms, valid JSON for the non-finite numbers, escapes")
  void jsonForms() {
    Map<String, Variant> fields = new LinkedHashMap<>();
    fields.put("nan", Variant.of(Double.NaN));
    fields.put("inf", Variant.of(Float.NEGATIVE_INFINITY));
    fields.put("big", Variant.of(1e300));
    fields.put("dec", Variant.of(new BigDecimal("-0.0100")));
    fields.put("date", Variant.of(LocalDate.of(-44, 3, 15)));
    fields.put("ts", Variant.of(Instant.parse("2025-04-16T12:34:00Z")));
    fields.put("ntz", Variant.ofNanos(LocalDateTime.parse("2024-11-07T12:33:54.123456789")));
    fields.put("time", Variant.of(LocalTime.parse("00:00:01.5")));
    fields.put("bin", Variant.of(new byte[] {(byte) 0xFB, (byte) 0xFF}));
    fields.put("uuid", Variant.of(UUID.fromString("f24f9b64-81fa-49d1-b74e-8c09a6e31c56")));
    fields.put("s", Variant.of("q\"\\\n\u0001\u2028é"));
    fields.put("null", Variant.ofNull());
    assertThat(Variant.object(fields).toJson()).isEqualTo("{\"big\":1.0E300,\"bin\":\"+/8=\",\"date\":\"-0044-03-15\","
        + "\"dec\":-0.01,\"inf\":\"-Infinity\",\"nan\":\"NaN\",\"ntz\":\"2024-11-07 12:33:54.123456789\","
        + "\"null\":null,\"s\":\"q\\\"\\\\\\n\\u0001\u2028é\",\"time\":\"00:00:01.5\","
        + "\"ts\":\"2025-04-16 12:34:00+00:00\",\"uuid\":\"f24f9b64-81fa-49d1-b74e-8c09a6e31c56\"}");
    assertThat(Variant.of("x".repeat(1000)).toString()).hasSize(203).endsWith("...");
  }

  @Test
  @DisplayName("fromJson: Spark's parse_json types, refusals as DataFormatException")
  void fromJson() {
    Variant v = Variant.fromJson(" {\"i\": 1, \"s\": 300, \"l\": 5000000000, \"d\": 1.50, \"e\": 1e2, "
        + "\"big\": 123456789012345678901234567890, \"huge\": 1234567890123456789012345678901234567890} ");
    assertThat(v.get("i").type()).isEqualTo(Variant.Type.INT8);
    assertThat(v.get("s").type()).isEqualTo(Variant.Type.INT16);
    assertThat(v.get("l").type()).isEqualTo(Variant.Type.INT64);
    assertThat(v.get("d").getDecimal()).isEqualTo(new BigDecimal("1.50"));
    assertThat(v.get("e").type()).isEqualTo(Variant.Type.DOUBLE);
    assertThat(v.get("big").getDecimal()).isEqualTo(new BigDecimal("123456789012345678901234567890"));
    assertThat(v.get("huge").type()).isEqualTo(Variant.Type.DOUBLE);
    assertThat(v.get("missing")).isNull();
    for (String bad : List.of("", "{", "[1,]", "{\"a\":1,\"a\":2}", "1 2", "NaN", "1e999", "\"\\ud800\"")) {
      assertThatThrownBy(() -> Variant.fromJson(bad)).as(bad).isInstanceOf(DataFormatException.class);
    }
  }

  @Test
  @DisplayName("getters: each reads its types, another type is an InvalidInputException naming both")
  void typedGetters() {
    Variant s = Variant.of("x");
    assertThatThrownBy(s::getLong).isInstanceOf(InvalidInputException.class)
        .isNotInstanceOf(DataFormatException.class).hasMessage("getLong() reads an INT8, INT16, INT32 or INT64, but "
            + "this variant is STRING");
    assertThatThrownBy(() -> s.get("a")).isInstanceOf(InvalidInputException.class).hasMessageContaining("OBJECT");
    assertThatThrownBy(() -> s.get(0)).isInstanceOf(InvalidInputException.class).hasMessageContaining("ARRAY");
    assertThatThrownBy(s::size).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Variant.of(LocalDateTime.parse("2024-01-01T00:00")).getTimestamp())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("TIMESTAMP_NTZ");
    assertThatThrownBy(() -> Variant.fromJson("[1]").get(1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(Variant.of(1.5f).getDouble()).isEqualTo(1.5);
    assertThat(Variant.of((short) -7).getDecimal()).isEqualTo(BigDecimal.valueOf(-7));
    assertThat(Variant.of(new BigDecimal("1E+3")).getDecimal()).isEqualTo(new BigDecimal("1000"));
    assertThat(Variant.fromJson("{\"n\":null}").get("n").isNull()).isTrue();
    // the extremes of each timestamp survive the round trip through java.time
    for (long x : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0}) {
      for (int id : new int[] {0x30, 0x34, 0x48, 0x4C}) {
        byte[] value = new byte[9];
        value[0] = (byte) id;
        for (int k = 0; k < 8; k++) {
          value[1 + k] = (byte) (x >>> (8 * k));
        }
        Variant t = Variant.from(EMPTY_METADATA, value);
        assertThat(VariantSpecCasesTest.rebuild(t).value()).as(t.type() + " " + x).isEqualTo(value);
      }
    }
    // refused when made
    assertThatThrownBy(() -> Variant.of(Instant.parse("2024-01-01T00:00:00.000000001Z")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("ofNanos");
    assertThatThrownBy(() -> Variant.ofNanos(Instant.parse("2263-01-01T00:00:00Z")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Variant.of(new BigDecimal("1e-39"))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Variant.of("\uD800")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Variant.object(Map.of("\uDC00", Variant.ofNull())))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("objects: fields sorted by UTF-8 bytes, found by binary search; nested values share the bytes")
  void objects() {
    // U+FFFD sorts before U+1F600 in UTF-8 (EF BF BD < F0 9F 98 80) but after it in UTF-16 (FFFD > D83D)
    Map<String, Variant> fields = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      names.add("k" + i);
    }
    names.addAll(List.of("\uD83D\uDE00", "\uFFFD", "", "Z", "a"));
    for (String n : names) {
      fields.put(n, Variant.of(n));
    }
    Variant o = Variant.object(fields);
    assertThat(o.size()).isEqualTo(305);
    List<String> sorted = o.fieldNames();
    assertThat(sorted.subList(0, 2)).containsExactly("", "Z");
    assertThat(sorted.subList(303, 305)).containsExactly("\uFFFD", "\uD83D\uDE00");
    for (String n : names) {
      assertThat(o.get(n).getString()).isEqualTo(n);
    }
    assertThat(o.get("\uD800")).isNull();
    assertThat(o.get("k300")).isNull();
    // the metadata is canonical: sorted flag, 2-byte offsets (305 names, 1,2xx bytes of strings)
    assertThat(o.metadata()[0]).isEqualTo((byte) 0x51);
    // a field's binaries: only its own value bytes, with the whole metadata
    Variant k7 = o.get("k7");
    assertThat(k7.value()).isEqualTo(Arrays.copyOfRange(Variant.of("k7").value(), 0, 3));
    assertThat(k7.metadata()).isEqualTo(o.metadata());
  }
}
