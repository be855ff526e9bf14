package io.delpha.sdk.parquet.internal.variant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.delpha.sdk.core.DataFormatException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * JSON text to a variant, as Spark's {@code parse_json} reads it: integers in the narrowest of int8, int16, int32
 * and int64 that holds them; other numbers written without an exponent as decimals when their digits and scale fit
 * 38; every other number as a double; strings, booleans, nulls, objects and arrays as themselves. Duplicate names in
 * an object are refused (as Spark does by default).
 */
public final class JsonToVariant {

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(VariantFormat.MAX_DEPTH + 1)
          .build())
      .build();

  private JsonToVariant() {}

  /**
   * @param json one JSON value (RFC 8259), nothing after it but white space
   * @return the value described for {@link VariantEncoder#encode}
   * @throws DataFormatException when the text is not one JSON value, an object repeats a name, a string is not
   *     valid Unicode, a number is beyond a double's range, or objects and arrays nest more than
   *     {@link VariantFormat#MAX_DEPTH} levels
   */
  public static VariantEncoder.Node parse(String json) {
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new DataFormatException("not JSON: the text holds no value");
      }
      VariantEncoder.Node node = value(p, first, 0);
      if (p.nextToken() != null) {
        throw new DataFormatException("not JSON: more text after the first value, at character "
            + p.currentTokenLocation().getCharOffset());
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new DataFormatException("not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DataFormatException("not JSON: " + e.getMessage(), e);
    }
  }

  private static VariantEncoder.Node value(JsonParser p, JsonToken t, int depth) throws IOException {
    switch (t) {
      case START_OBJECT: {
        checkDepth(depth);
        List<byte[]> keys = new ArrayList<>();
        List<VariantEncoder.Node> values = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String name = p.currentName();
          if (!seen.add(name)) {
            throw new DataFormatException("JSON object at character " + p.currentTokenLocation().getCharOffset()
                + " repeats the name " + Utf8.excerpt(name));
          }
          keys.add(utf8(name, p));
          values.add(value(p, p.nextToken(), depth + 1));
        }
        return VariantEncoder.object(keys, values);
      }
      case START_ARRAY: {
        checkDepth(depth);
        List<VariantEncoder.Node> values = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          values.add(value(p, e, depth + 1));
        }
        return VariantEncoder.array(values);
      }
      case VALUE_STRING: {
        byte[] b = utf8(p.getText(), p);
        return VariantEncoder.string(b, 0, b.length);
      }
      case VALUE_NUMBER_INT:
        return integer(p.getBigIntegerValue(), p.getText());
      case VALUE_NUMBER_FLOAT:
        return fraction(p.getText());
      case VALUE_TRUE:
        return VariantEncoder.bool(true);
      case VALUE_FALSE:
        return VariantEncoder.bool(false);
      case VALUE_NULL:
        return VariantEncoder.nullValue();
      default:
        throw new DataFormatException("not JSON: unexpected " + t);
    }
  }

  private static void checkDepth(int depth) {
    if (depth >= VariantFormat.MAX_DEPTH) {
      throw new DataFormatException("JSON nests objects and arrays more than " + VariantFormat.MAX_DEPTH
          + " levels deep, the most a variant here holds");
    }
  }

  private static byte[] utf8(String s, JsonParser p) {
    byte[] b = Utf8.encode(s);
    if (b == null) {
      throw new DataFormatException("JSON string at character " + p.currentTokenLocation().getCharOffset()
          + " holds an unpaired surrogate (\\uD800 to \\uDFFF alone), which UTF-8 cannot hold");
    }
    return b;
  }

  private static VariantEncoder.Node integer(BigInteger i, String text) {
    if (i.bitLength() < 64) {
      long v = i.longValue();
      int id = v == (byte) v ? VariantFormat.INT8 : v == (short) v ? VariantFormat.INT16
          : v == (int) v ? VariantFormat.INT32 : VariantFormat.INT64;
      return VariantEncoder.integral(id, v);
    }
    if (i.abs().toString().length() <= VariantFormat.MAX_DECIMAL_PRECISION) {
      return VariantEncoder.decimal(new BigDecimal(i));
    }
    return fraction(text);
  }

  private static VariantEncoder.Node fraction(String text) {
    if (text.indexOf('e') < 0 && text.indexOf('E') < 0) {
      BigDecimal d = new BigDecimal(text);
      if (d.precision() <= VariantFormat.MAX_DECIMAL_PRECISION && d.scale() >= 0
          && d.scale() <= VariantFormat.MAX_DECIMAL_PRECISION) {
        return VariantEncoder.decimal(d);
      }
    }
    double v = Double.parseDouble(text);
    if (Double.isInfinite(v)) {
      throw new DataFormatException("JSON number " + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
          + " is beyond a double's range");
    }
    return VariantEncoder.float64(v);
  }
}
