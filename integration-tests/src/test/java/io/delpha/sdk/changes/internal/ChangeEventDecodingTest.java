package io.delpha.sdk.changes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Change events: the bitmap fields and the flat columns, as Salesforce documents them")
class ChangeEventDecodingTest {

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
}
