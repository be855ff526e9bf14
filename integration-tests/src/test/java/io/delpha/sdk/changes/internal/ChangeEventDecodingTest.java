package io.delpha.sdk.changes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Change events: the bitmap fields and the flat columns, as Salesforce documents them")
public class ChangeEventDecodingTest {

  private static String schema(String file) throws IOException {
    try (InputStream in = ChangeEventDecodingTest.class.getResourceAsStream("/changes/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  @DisplayName("the documented example ['0x650004E0','4-0x10','7-0x06']: big-endian hex, compound parts by position")
  void documentedBitmap() {
    FieldBitmap b = FieldBitmap.parse(List.of("0x650004E0", "4-0x10", "7-0x06"), 40, "changedFields");
    // 0x650004E0 = bits 5, 6, 7, 10, 24, 26, 29, 30
    assertThat(b.top().stream().boxed().toList()).containsExactly(5, 6, 7, 10, 24, 26, 29, 30);
    assertThat(b.hasPart(4, 4)).isTrue();
    assertThat(b.hasPart(4, 3)).isFalse();
    assertThat(b.hasPart(7, 1)).isTrue();
    assertThat(b.hasPart(7, 2)).isTrue();
    assertThat(b.hasPart(7, 0)).isFalse();
  }

  @Test
  @DisplayName("a bitmap naming a position outside the schema, or not hex, is refused typed")
  void badBitmaps() {
    assertThatThrownBy(() -> FieldBitmap.parse(List.of("0x0100"), 8, "changedFields"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("position 8");
    assertThatThrownBy(() -> FieldBitmap.parse(List.of("0xZZ"), 8, "changedFields"))
        .isInstanceOf(DataFormatException.class);
    assertThatThrownBy(() -> FieldBitmap.parse(List.of("9-0x01"), 8, "nulledFields"))
        .isInstanceOf(DataFormatException.class);
  }

  @Test
  @DisplayName("a bitmap's bits equal those of the JDK's BigInteger read of its hex, for seeded bitmaps of every "
      + "length up to the bound, either case, leading zeros")
  void bitmapsAsBigInteger() {
    long seed = Long.getLong("changes.bitmap.seed", 7_102L);
    SplittableRandom random = new SplittableRandom(seed);
    String digits = "0123456789abcdefABCDEF";
    for (int n = 0; n < 3_000; n++) {
      int length = n < 20 ? n + 1 : random.nextInt(1, n % 50 == 0 ? FieldBitmap.MAX_BITS / 4 + 1 : 64);
      StringBuilder hex = new StringBuilder("0x");
      for (int i = 0; i < length; i++) {
        hex.append(random.nextInt(8) == 0 ? '0' : digits.charAt(random.nextInt(digits.length())));
      }
      assertThat(FieldBitmap.bits(hex.toString(), "changedFields"))
          .as("bitmap %d of seed %d (replay: -Dchanges.bitmap.seed=%d): %s", n, seed, seed, hex)
          .isEqualTo(bigIntegerBits(hex.substring(2)));
    }
  }

  /**
   * The oracle of a bitmap's bits: the JDK's {@code BigInteger} read of its hex digits, bit {@code n} of the number.
   *
   * @param hexDigits hex digits, no {@code 0x}
   * @return the bits
   */
  public static BitSet bigIntegerBits(String hexDigits) {
    byte[] bigEndian = new BigInteger(hexDigits, 16).toByteArray();
    byte[] littleEndian = new byte[bigEndian.length];
    for (int i = 0; i < bigEndian.length; i++) {
      littleEndian[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return BitSet.valueOf(littleEndian);
  }

  @Test
  @DisplayName("a bitmap with a sign, a digit outside ASCII hex, no digit or more digits than the bound is refused")
  void bitmapsRefused() {
    for (String bad : List.of("0x", "0x-1", "0x+1", "0x\uff11", "0x\u0661", "0x1 ", "1x01", "01",
        "0x" + "f".repeat(FieldBitmap.MAX_BITS / 4 + 1))) {
      assertThatThrownBy(() -> FieldBitmap.bits(bad, "changedFields")).as(bad)
          .isInstanceOf(DataFormatException.class).hasMessageContaining("changedFields entry");
    }
    assertThat(FieldBitmap.bits("0x" + "0".repeat(FieldBitmap.MAX_BITS / 4), "changedFields").isEmpty()).isTrue();
  }

  @Test
  @DisplayName("compound fields become the object's flat fields; DateTime, Date, double, int and boolean columns")
  void flatColumns() throws IOException {
    EventSchema account = EventSchema.parse("a", schema("AccountChangeEvent.avsc"), 1 << 20, 16);
    assertThat(account.columns()).containsKeys("name", "billingstreet", "billingcity", "billinglatitude",
        "shippingcountry", "renewal_date__c", "createddate");
    assertThat(account.columns()).doesNotContainKeys("billingaddress", "changeeventheader", "id");
    assertThat(account.columns().get("createddate").kind()).isEqualTo(ColumnKind.TIMESTAMP);
    assertThat(account.columns().get("renewal_date__c").kind()).isEqualTo(ColumnKind.DATE);
    assertThat(account.columns().get("annualrevenue").kind()).isEqualTo(ColumnKind.DOUBLE);
    assertThat(account.columns().get("numberofemployees").kind()).isEqualTo(ColumnKind.INT);
    assertThat(account.columns().get("active__c").kind()).isEqualTo(ColumnKind.BOOLEAN);
    EventSchema contact = EventSchema.parse("c", schema("ContactChangeEvent.avsc"), 1 << 20, 16);
    assertThat(contact.columns()).containsKeys("firstname", "lastname", "salutation", "mailingcity")
        .doesNotContainKey("name");
    assertThat(EventSchema.flatName("Place__c", "Street")).isEqualTo("Place__Street__s");
  }

  /** A change event's schema: the real header, then {@code fields} (JSON field entries, after a comma). */
  private static String eventSchema(String types, String fields) throws IOException {
    String account = schema("AccountChangeEvent.avsc");
    String header = new com.fasterxml.jackson.databind.ObjectMapper().readTree(account).path("fields").get(0)
        .toString();
    return "{\"type\":\"record\",\"name\":\"HostileChangeEvent\",\"namespace\":\"com.sforce.eventbus\","
        + "\"fields\":[" + header + (fields.isEmpty() ? "" : "," + fields) + "]}" + types;
  }

  @Test
  @DisplayName("an array whose items take no bytes (null, an empty record, a fixed of 0) is refused with the schema")
  void arraysOfNothingRefused() throws IOException {
    for (String items : List.of("\"null\"", "{\"type\":\"record\",\"name\":\"Nothing\",\"fields\":[]}",
        "{\"type\":\"fixed\",\"name\":\"Zero\",\"size\":0}",
        "{\"type\":\"record\",\"name\":\"Nulls\",\"fields\":[{\"name\":\"a\",\"type\":\"null\"}]}")) {
      String json = eventSchema("", "{\"name\":\"Blob__c\",\"type\":{\"type\":\"array\",\"items\":" + items + "}}");
      assertThatThrownBy(() -> EventSchema.parse("h", json, 1 << 20, 16)).as(items)
          .isInstanceOf(DataFormatException.class).hasMessageContaining("take no bytes");
    }
    // items that take a byte at least stay accepted: a union with null (its index), an enum of one symbol, a map of null
    for (String type : List.of("{\"type\":\"array\",\"items\":[\"null\",\"string\"]}",
        "{\"type\":\"array\",\"items\":{\"type\":\"enum\",\"name\":\"One\",\"symbols\":[\"A\"]}}",
        "{\"type\":\"map\",\"values\":\"null\"}")) {
      assertThat(EventSchema.parse("ok", eventSchema("", "{\"name\":\"X__c\",\"type\":" + type + "}"), 1 << 20, 16)
          .avro().getFields()).hasSize(2);
    }
  }

  @Test
  @DisplayName("an array or map whose items hold a value that takes no bytes is refused: a byte cannot become many values")
  void itemsHoldingNothingRefused() throws IOException {
    String nulls = "{\"type\":\"record\",\"name\":\"Wide\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
        + "{\"name\":\"b\",\"type\":\"null\"},{\"name\":\"c\",\"type\":\"null\"}]}";
    String empties = "{\"type\":\"record\",\"name\":\"Holder\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
        + "{\"name\":\"e\",\"type\":{\"type\":\"record\",\"name\":\"Empty\",\"fields\":[]}}]}";
    for (String type : List.of("{\"type\":\"array\",\"items\":" + nulls + "}",
        "{\"type\":\"array\",\"items\":[\"null\"," + nulls + "]}",
        "{\"type\":\"map\",\"values\":" + empties + "}",
        "{\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":" + nulls + "}}")) {
      String json = eventSchema("", "{\"name\":\"Blob__c\",\"type\":" + type + "}");
      assertThatThrownBy(() -> EventSchema.parse("h", json, 1 << 20, 16)).as(type)
          .isInstanceOf(DataFormatException.class).hasMessageContaining("take no bytes");
    }
    // every value inside an item paid by a byte of its own: a union's null (its index), a number, a string's length
    String paid = "{\"type\":\"record\",\"name\":\"Paid\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
        + "{\"name\":\"b\",\"type\":[\"null\",\"string\"]},{\"name\":\"c\",\"type\":[\"null\","
        + "{\"type\":\"record\",\"name\":\"None\",\"fields\":[]}]}]}";
    for (String type : List.of("{\"type\":\"array\",\"items\":" + paid + "}",
        "{\"type\":\"map\",\"values\":[\"null\",\"long\"]}")) {
      assertThat(EventSchema.parse("ok", eventSchema("", "{\"name\":\"X__c\",\"type\":" + type + "}"), 1 << 20, 16)
          .avro().getFields()).hasSize(2);
    }
    // Salesforce's own schemas have arrays of strings only
    assertThat(EventSchema.parse("a", schema("AccountChangeEvent.avsc"), 1 << 20, 16).columns()).isNotEmpty();
  }

  @Test
  @DisplayName("named types are followed: a type containing itself, or nesting past maxSchemaDepth, is refused typed")
  void namedTypesNestBounded() throws IOException {
    String self = eventSchema("", "{\"name\":\"Loop__c\",\"type\":{\"type\":\"record\",\"name\":\"Loop\","
        + "\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"Loop\"]}]}}");
    assertThatThrownBy(() -> EventSchema.parse("loop", self, 1 << 20, 16)).isInstanceOf(ResponseLimitException.class)
        .hasMessageContaining("contains itself")
        .satisfies(e -> assertThat(((ResponseLimitException) e).limit()).isEqualTo("maxSchemaDepth"));
  }

  @Test
  @DisplayName("named types used again and again may not grow an event past its schema's text: refused typed")
  void namedTypesExpansionBounded() throws IOException {
    // T0 has 8 null fields; each Tn has 8 fields of T(n-1): 8^10 values from a schema of a few KB
    StringBuilder fields = new StringBuilder();
    String previous = "\"null\"";
    for (int n = 0; n < 10; n++) {
      StringBuilder t = new StringBuilder("{\"type\":\"record\",\"name\":\"T" + n + "\",\"fields\":[");
      for (int f = 0; f < 8; f++) {
        t.append(f == 0 ? "" : ",").append("{\"name\":\"f").append(f).append("\",\"type\":").append(previous)
            .append("}");
      }
      t.append("]}");
      fields.append(n == 0 ? "" : ",").append("{\"name\":\"X").append(n).append("__c\",\"type\":").append(t)
          .append("}");
      previous = "\"T" + n + "\"";
    }
    String json = eventSchema("", fields.toString());
    assertThatThrownBy(() -> EventSchema.parse("bomb", json, 1 << 20, 16)).isInstanceOf(ResponseLimitException.class)
        .satisfies(e -> assertThat(((ResponseLimitException) e).limit()).isEqualTo("maxBodyBytes"));
  }

  @Test
  @DisplayName("a string longer than its event is refused before Avro allocates it; a schema's fixed larger than an "
      + "answer may be is refused")
  void lengthClaimsBounded() throws IOException {
    EventSchema account = EventSchema.parse("a", schema("AccountChangeEvent.avsc"), 1 << 20, 16);
    for (long claim : List.of(1L << 28, 300L)) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
      enc.writeLong(claim); // entityName's length
      enc.writeFixed("Account".getBytes(StandardCharsets.UTF_8));
      enc.flush();
      byte[] payload = out.toByteArray();
      assertThatThrownBy(() -> EventDecoder.decode(account, payload)).as("claim %s", claim)
          .isInstanceOf(DataFormatException.class).hasMessageContaining("claims a string of " + claim + " bytes");
    }
    String big = eventSchema("", "{\"name\":\"Blob__c\",\"type\":{\"type\":\"fixed\",\"name\":\"Big\","
        + "\"size\":2000000000}}");
    assertThatThrownBy(() -> EventSchema.parse("big", big, 1 << 20, 16)).isInstanceOf(ResponseLimitException.class)
        .hasMessageContaining("a fixed of 2000000000 bytes")
        .satisfies(e -> assertThat(((ResponseLimitException) e).limit()).isEqualTo("maxBodyBytes"));
  }

  @Test
  @DisplayName("a map or a later array block claiming more items than the event has bytes is refused; a small map "
      + "decodes")
  void mapAndBlockClaimsBounded() throws IOException {
    EventSchema hostile = EventSchema.parse("m", eventSchema("", "{\"name\":\"Tags__c\",\"type\":{\"type\":\"map\","
        + "\"values\":\"long\"}}"), 1 << 20, 16);
    byte[] valid = created(hostile.avro(), "Tags__c", java.util.Map.of("a", 1L));
    assertThat(EventDecoder.decode(hostile, valid).values()).containsEntry("tags__c", "{a=1}");
    // the map is the last field: its block (count 1, "a", 1) and end (0) are the last 5 bytes
    byte[] prefix = java.util.Arrays.copyOf(valid, valid.length - 5);
    for (long[] blocks : List.of(new long[] {1L << 30}, new long[] {Integer.MAX_VALUE - 8L},
        new long[] {1, 1L << 30}, new long[] {(1L << 32) + 1})) {
      java.io.ByteArrayOutputStream hostileOut = new java.io.ByteArrayOutputStream();
      hostileOut.writeBytes(prefix);
      org.apache.avro.io.BinaryEncoder h = org.apache.avro.io.EncoderFactory.get().binaryEncoder(hostileOut, null);
      for (long claim : blocks) {
        h.writeLong(claim);
        for (int i = 0; i < Math.min(claim, 3); i++) {
          h.writeString("k" + i);
          h.writeLong(i);
        }
      }
      h.flush();
      byte[] payload = hostileOut.toByteArray();
      // a claim Avro allows (at most 2^31 - 9 items) is refused by ours; a larger one by Avro's own limit
      long last = blocks[blocks.length - 1];
      assertThatThrownBy(() -> EventDecoder.decode(hostile, payload)).as("blocks %s", java.util.Arrays.toString(blocks))
          .isInstanceOf(DataFormatException.class)
          .hasMessageContaining(last <= Integer.MAX_VALUE - 8L ? "array or map items or more" : "not of its schema");
    }
  }

  @Test
  @DisplayName("a payload whose arrays claim more items than it has bytes is refused before Avro sizes the array; "
      + "a valid event of the real AccountChangeEvent schema still decodes")
  void itemClaimsBounded() throws IOException {
    EventSchema account = EventSchema.parse("a", schema("AccountChangeEvent.avsc"), 1 << 20, 16);
    for (long claim : List.of(1L << 30, Integer.MAX_VALUE - 8L, (1L << 32) + 3, 40L)) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
      enc.writeString("Account");
      enc.writeLong(claim); // recordIds: one block claiming that many ids
      for (int i = 0; i < 8; i++) {
        enc.writeString("001"); // a few ids, far fewer than claimed
      }
      enc.flush();
      byte[] payload = out.toByteArray();
      assertThatThrownBy(() -> EventDecoder.decode(account, payload)).as("claim %s", claim)
          .isInstanceOf(DataFormatException.class);
    }

    byte[] payload = created(account.avro(), "Name", "Acme");
    ChangeEvent decoded = EventDecoder.decode(account, payload);
    assertThat(decoded.recordIds()).containsExactly("001xx000003DGb2AAG");
    assertThat(decoded.changeType()).isEqualTo("CREATE");
    assertThat(decoded.values()).containsEntry("name", "Acme");
  }
  /** A CREATE of one Account record, setting {@code field} to {@code value}, encoded by Avro's writer. */
  private static byte[] created(org.apache.avro.Schema avro, String field, Object value) throws IOException {
    return created(avro, java.util.Map.of(field, value));
  }

  /** A CREATE of one Account record ({@code 001xx000003DGb2AAG}) setting {@code fields}, encoded by Avro's writer. */
  static byte[] created(org.apache.avro.Schema avro, java.util.Map<String, Object> fields) throws IOException {
    org.apache.avro.generic.GenericRecord header = new org.apache.avro.generic.GenericData.Record(
        avro.getField("ChangeEventHeader").schema());
    header.put("entityName", "Account");
    header.put("recordIds", List.of("001xx000003DGb2AAG"));
    header.put("changeType", new org.apache.avro.generic.GenericData.EnumSymbol(
        header.getSchema().getField("changeType").schema(), "CREATE"));
    header.put("changeOrigin", "com/salesforce/api/soap/60.0;client=test");
    header.put("transactionKey", "0002343d-9d90-e395-ed20-cf416ba652ad");
    header.put("sequenceNumber", 1);
    header.put("commitTimestamp", 1_740_816_000_000L);
    header.put("commitNumber", 10_000_000_001L);
    header.put("commitUser", "005xx000001X8Uz");
    header.put("nulledFields", List.of());
    header.put("diffFields", List.of());
    header.put("changedFields", List.of());
    org.apache.avro.generic.GenericRecord event = new org.apache.avro.generic.GenericData.Record(avro);
    event.put("ChangeEventHeader", header);
    fields.forEach(event::put);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
    new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(avro).write(event, enc);
    enc.flush();
    return out.toByteArray();
  }
}
