package io.delpha.sdk.parquet.internal;

import java.io.IOException;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.jspecify.annotations.Nullable;

/**
 * The claims of a page header, checked against the bytes that carry them and against the column chunk's own count
 * before anything is read, decompressed or allocated for the page. A page header is a few dozen bytes of Thrift that
 * may claim any count and any size; what it claims must fit. Each bound is one that no valid writer can exceed, so a
 * page beyond it is corrupt (its message says what was claimed and what holds it), never a file of a writer that
 * counts differently:
 * <ul>
 *   <li>its uncompressed size: no more than its codec can expand its compressed bytes to ({@link
 *       Codecs#checkExpansion}): a codec's format caps its own expansion;</li>
 *   <li>its value count (levels, nulls included): no more than the column chunk has left of the values its metadata
 *       counts, never negative: the chunk's count is the sum of its pages'; a data page v2's row count no more than its
 *       value count (a row starts at a level), its level sections within its bytes;</li>
 *   <li>the values it stores: no more than its bytes hold in its encoding ({@link #maxValues}), where that encoding
 *       gives a bound: PLAIN and BYTE_STREAM_SPLIT take a fixed width per value (a BYTE_ARRAY value at least its
 *       4-byte length, a BOOLEAN one bit). The values a page stores are known for sure only where every level is a
 *       value (a column with no levels) and for a dictionary page (its entries): those are checked here. A page with
 *       levels stores a value per definition level at the column's maximum, and only the decoded levels say how many
 *       ({@link #present}, from the leaf reader): a data page v2's {@code num_nulls} is not that count (Arrow's writer
 *       leaves empty and null lists above the leaf out of it), so nothing is checked against it. RLE, dictionary ids
 *       and the DELTA encodings store a run of any length in a few bytes: their pages are bounded by the chunk's count
 *       alone, and their decoders allocate by the batch, never by the page's claim ({@link DeltaDecoder} checks its own
 *       headers' counts against the page's level count, which its values cannot exceed).</li>
 * </ul>
 * A dictionary's entry count is not compared with the chunk's value count: a dictionary may hold entries no value
 * uses (pyarrow writes a categorical column's every category). Messages give the claim and the bound, never the
 * file's bytes.
 */
final class PageClaims {

  private PageClaims() {}

  /**
   * Checks a dictionary page's header.
   *
   * @param header the page's header
   * @param codec the chunk's codec
   * @param type the column's physical type
   * @param typeLength a FIXED_LEN_BYTE_ARRAY's length (else ignored)
   * @throws ParquetDecodingException if its entries cannot fit its bytes, or its sizes its codec
   */
  static void dictionary(PageHeader header, CompressionCodecName codec, PrimitiveTypeName type, int typeLength) {
    DictionaryPageHeader h = header.getDictionary_page_header();
    if (h == null) {
      throw new ParquetDecodingException("a dictionary page has no dictionary page header");
    }
    expansion(codec, header.getCompressed_page_size(), header.getUncompressed_page_size(), "a dictionary page");
    long entries = h.getNum_values();
    long bytes = decodedBytes(header, codec);
    if (entries < 0) {
      throw new ParquetDecodingException("a dictionary page claims " + entries + " entries");
    }
    long most = maxValues(Encoding.PLAIN, type, typeLength, bytes);
    if (entries > most) {
      throw new ParquetDecodingException("a dictionary page claims " + entries + " entries of " + type + " in "
          + bytes + " bytes, which hold at most " + most);
    }
  }

  /**
   * Checks a data page's (v1) header.
   *
   * @param header the page's header
   * @param codec the chunk's codec
   * @param type the column's physical type
   * @param typeLength a FIXED_LEN_BYTE_ARRAY's length (else ignored)
   * @param hasLevels whether the column has repetition or definition levels (stored before the values in a v1 page)
   * @param valuesLeft the values (levels) of the column chunk not yet read
   * @throws ParquetDecodingException if a claim cannot be true
   */
  static void dataPageV1(PageHeader header, CompressionCodecName codec, PrimitiveTypeName type, int typeLength,
      boolean hasLevels, long valuesLeft) {
    DataPageHeader h = header.getData_page_header();
    if (h == null) {
      throw new ParquetDecodingException("a data page has no data page header");
    }
    expansion(codec, header.getCompressed_page_size(), header.getUncompressed_page_size(), "a data page");
    long values = h.getNum_values();
    valueCount(values, valuesLeft, "a data page");
    if (!hasLevels) {
      stored(values, h.getEncoding(), type, typeLength, decodedBytes(header, codec), "a data page");
    }
  }

  /**
   * Checks a data page's (v2) header.
   *
   * @param header the page's header
   * @param codec the chunk's codec
   * @param type the column's physical type
   * @param typeLength a FIXED_LEN_BYTE_ARRAY's length (else ignored)
   * @param hasLevels whether the column has repetition or definition levels (then what it stores is checked from its
   *     decoded levels: {@link #present})
   * @param valuesLeft the values (levels) of the column chunk not yet read
   * @throws ParquetDecodingException if a claim cannot be true
   */
  static void dataPageV2(PageHeader header, CompressionCodecName codec, PrimitiveTypeName type, int typeLength,
      boolean hasLevels, long valuesLeft) {
    DataPageHeaderV2 h = header.getData_page_header_v2();
    if (h == null) {
      throw new ParquetDecodingException("a data page v2 has no data page header");
    }
    long values = h.getNum_values();
    valueCount(values, valuesLeft, "a data page v2");
    // num_nulls is not checked: nothing reads it, and writers count it differently in repeated columns
    if (h.getNum_rows() < 0 || h.getNum_rows() > values) {
      throw new ParquetDecodingException("a data page v2 claims " + h.getNum_rows() + " rows in " + values
          + " values");
    }
    long levels = (long) h.getRepetition_levels_byte_length() + h.getDefinition_levels_byte_length();
    int compressed = header.getCompressed_page_size();
    int uncompressed = header.getUncompressed_page_size();
    if (h.getRepetition_levels_byte_length() < 0 || h.getDefinition_levels_byte_length() < 0 || levels > compressed
        || levels > uncompressed) {
      throw new ParquetDecodingException("a data page v2's levels (" + h.getRepetition_levels_byte_length() + " + "
          + h.getDefinition_levels_byte_length() + " bytes) exceed the page's " + Math.min(compressed, uncompressed)
          + " bytes");
    }
    boolean decompressed = h.isIs_compressed() && codec != CompressionCodecName.UNCOMPRESSED;
    if (decompressed) {
      expansion(codec, compressed - levels, uncompressed - levels, "a data page v2");
    }
    if (!hasLevels) {
      long dataBytes = (decompressed ? uncompressed : compressed) - levels;
      stored(values, h.getEncoding(), type, typeLength, dataBytes, "a data page v2");
    }
  }

  /**
   * Checks the values a data page with levels stores, counted from its decoded definition levels (those at the
   * column's maximum: each is a value stored), against the bytes of its values section.
   *
   * @param present the values its levels say it stores
   * @param encoding the values' encoding
   * @param type the column's physical type
   * @param typeLength a FIXED_LEN_BYTE_ARRAY's length (else ignored)
   * @param bytes the bytes of its values section, decompressed
   * @param what "a data page" or "a data page v2", for the message
   * @throws ParquetDecodingException if its bytes cannot hold them
   */
  static void present(long present, @Nullable Encoding encoding, PrimitiveTypeName type, int typeLength, long bytes,
      String what) {
    long most = maxValues(encoding, type, typeLength, bytes);
    if (present > most) {
      throw new ParquetDecodingException(what + "'s definition levels give " + present + " " + type + " values, stored "
          + encoding + " in " + bytes + " bytes, which hold at most " + most);
    }
  }

  /**
   * @return the most values of {@code type} that {@code bytes} bytes hold in {@code encoding}: {@link Long#MAX_VALUE}
   *     where the encoding stores a run of any length in a few bytes (RLE, dictionary ids, DELTA_*)
   */
  static long maxValues(@Nullable Encoding encoding, PrimitiveTypeName type, int typeLength, long bytes) {
    if (encoding == Encoding.PLAIN) { // in a data page; a dictionary page's PLAIN_DICTIONARY is asked as PLAIN
      return switch (type) {
        case BOOLEAN -> 8 * bytes;
        case BINARY -> bytes / 4; // a value is at least its 4-byte length
        default -> bytes / width(type, typeLength);
      };
    }
    if (encoding == Encoding.BYTE_STREAM_SPLIT && type != PrimitiveTypeName.BOOLEAN
        && type != PrimitiveTypeName.BINARY) {
      return bytes / width(type, typeLength);
    }
    return Long.MAX_VALUE;
  }

  private static int width(PrimitiveTypeName type, int typeLength) {
    return switch (type) {
      case INT32, FLOAT -> 4;
      case INT64, DOUBLE -> 8;
      case INT96 -> 12;
      case FIXED_LEN_BYTE_ARRAY -> Math.max(1, typeLength);
      case BOOLEAN, BINARY -> throw new IllegalArgumentException(type + " has no fixed width");
    };
  }

  /** The bytes a page holds once decompressed: an uncompressed page's are what it stores, whatever it claims. */
  private static long decodedBytes(PageHeader header, CompressionCodecName codec) {
    return codec == CompressionCodecName.UNCOMPRESSED ? header.getCompressed_page_size()
        : header.getUncompressed_page_size();
  }

  private static void expansion(CompressionCodecName codec, long compressed, long uncompressed, String what) {
    if (codec == CompressionCodecName.UNCOMPRESSED || compressed == 0 && uncompressed == 0) {
      return;
    }
    try {
      Codecs.checkExpansion(codec, compressed, uncompressed);
    } catch (IOException e) {
      throw new ParquetDecodingException(what + ": " + e.getMessage(), e);
    }
  }

  private static void valueCount(long values, long valuesLeft, String what) {
    if (values < 0 || values > valuesLeft) {
      throw new ParquetDecodingException(what + " claims " + values + " values where the column chunk has "
          + valuesLeft + " left of the values its metadata counts");
    }
  }

  private static void stored(long values, @Nullable Encoding encoding,
      PrimitiveTypeName type, int typeLength, long bytes, String what) {
    long most = maxValues(encoding, type, typeLength, bytes);
    if (values > most) {
      throw new ParquetDecodingException(what + " claims " + values + " " + type + " values stored " + encoding
          + " in " + bytes + " bytes, which hold at most " + most);
    }
  }
}
