package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.parquet.Physical;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.jspecify.annotations.Nullable;

/**
 * Encodes one top-level, non-repeated column into Parquet format-v1 data pages, straight from the
 * primitive arrays of {@link Vector}s, and hands the pages to parquet-hadoop's {@link PageWriter}
 * (which compresses them, buffers the column chunk and builds the column and offset indexes).
 *
 * <p>Why not parquet-column's {@code ColumnWriter}: it takes one value per call and does per value what a
 * batch does once (a {@code Binary} object and a hash-map lookup with {@code Binary.equals} per string,
 * statistics through a comparator per value); profiled, that was 60% of the write time. Here statistics are
 * a tight loop per batch ({@link PageStatistics}), PLAIN values are written with little-endian array stores, and
 * dictionaries are open-addressing tables over primitive arrays ({@link LongDictionary}, {@link BinaryDictionary});
 * this class chooses the encodings, writes the values and levels and cuts the pages.
 *
 * <p>Encoding policy, as parquet-column's default v1 writer: a dictionary (PLAIN_DICTIONARY) for every
 * column but booleans; if, on the first page of a column chunk, the dictionary plus its ids are not smaller
 * than the plain values (unique ids, timestamps, amounts) that page and the rest of the chunk are PLAIN; if
 * the dictionary outgrows 1 MiB the rest of the chunk is PLAIN. Pages hold at most 20,000 rows (the page
 * index granularity parquet-column uses) or about 1 MiB. Definition levels are RLE. Statistics: min, max
 * and null count per page (and so per chunk), with the ordering of the column's type. A NaN counts, as in
 * parquet-column (it is the largest double, so such a page has no usable max): leaving it out, as parquet-cpp
 * does, makes DuckDB conclude from the bounds that there is no NaN and answer {@code isnan(x)} wrongly.
 */
final class FlatColumnEncoder {

  static final int PAGE_ROWS = 20_000;
  private static final int PAGE_BYTES = 1 << 20;
  private static final int DICTIONARY_BYTES = 1 << 20;

  private final ColumnDescriptor descriptor;
  private final PrimitiveType type;
  private final Physical physical;
  private final boolean nullable;
  private final int fixedLength;
  private final @Nullable LongDictionary longs;
  private final @Nullable BinaryDictionary binaries;
  private final PageStatistics statistics;
  private final GrowableBytes plain = new GrowableBytes();
  private final byte[] defs = new byte[PAGE_ROWS];
  private final int[] ids = new int[PAGE_ROWS];
  private final HeapByteBufferAllocator allocator = new HeapByteBufferAllocator();

  private final GrowableBytes idBytes = new GrowableBytes();
  private @Nullable RunLengthBitPackingHybridEncoder levelEncoder;
  private PageWriter pages;
  private boolean useDictionary;
  private boolean dictionaryUsed;
  private boolean firstPage;
  private int rows;
  private int nulls;
  private int idCount;
  private long rawBytes;
  private int booleanBits;
  private int page;

  // pages is set by startChunk(), which the writer calls before any other method
  @SuppressWarnings("NullAway.Init")
  FlatColumnEncoder(ColumnDescriptor descriptor, Physical physical) {
    this.descriptor = descriptor;
    this.type = descriptor.getPrimitiveType();
    this.physical = physical;
    this.nullable = descriptor.getMaxDefinitionLevel() > 0;
    this.fixedLength = type.getPrimitiveTypeName() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY ? type.getTypeLength() : 0;
    this.statistics = new PageStatistics(type);
    this.longs = physical == Physical.INT32 || physical == Physical.INT64 || physical == Physical.DOUBLE
        ? new LongDictionary(physical == Physical.INT32 ? 4 : 8) : null;
    this.binaries = physical == Physical.BINARY ? new BinaryDictionary(fixedLength) : null;
  }

  /** @return the column this encoder writes */
  ColumnDescriptor descriptor() {
    return descriptor;
  }

  /** Starts a column chunk (a new row group). */
  void startChunk(PageWriter pageWriter) {
    this.pages = pageWriter;
    this.useDictionary = physical != Physical.BOOLEAN;
    this.dictionaryUsed = false;
    this.firstPage = true;
    if (longs != null) {
      longs.clear();
    }
    if (binaries != null) {
      binaries.clear();
    }
    resetPage();
  }

  /** @return bytes held for the chunk: pages already encoded and compressed, plus the current page */
  long bufferedSize() {
    return pages.getMemSize() + plain.length + 4L * idCount + rows;
  }

  /** Encodes the first {@code n} values of {@code v}. */
  void write(Vector v, int n) throws IOException {
    int from = 0;
    while (from < n) {
      int m = Math.min(n - from, PAGE_ROWS - rows);
      append(v, from, m);
      from += m;
      if (rows == PAGE_ROWS || plain.length >= PAGE_BYTES || (useDictionary && dictionaryBytes() > DICTIONARY_BYTES)) {
        flushPage();
      }
    }
  }

  /** Writes the last page and the dictionary page of the chunk. */
  void finishChunk() throws IOException {
    if (rows > 0) {
      flushPage();
    }
    if (dictionaryUsed) {
      BytesInput dictionary = longs != null ? longs.page() : binaries().page();
      pages.writeDictionaryPage(new DictionaryPage(dictionary, longs != null ? longs.size : binaries().size,
          Encoding.PLAIN_DICTIONARY));
    }
  }

  /** The dictionary of a numeric column (INT32, INT64, DOUBLE). */
  private LongDictionary longs() {
    return Objects.requireNonNull(longs, "a numeric column has a long dictionary");
  }

  /** The dictionary of a BINARY column: every column without a long dictionary that uses one. */
  private BinaryDictionary binaries() {
    return Objects.requireNonNull(binaries, "a column without a long dictionary is BINARY");
  }

  private int dictionaryBytes() {
    return longs != null ? longs.bytes() : binaries().bytes();
  }

  private void append(Vector v, int from, int m) {
    boolean[] isNull = v.nulls();
    int present = m;
    if (nullable) {
      byte[] d = defs;
      int r = rows;
      if (isNull == null) {
        Arrays.fill(d, r, r + m, (byte) 1);
      } else {
        for (int k = 0; k < m; k++) {
          boolean isNullValue = isNull[from + k];
          d[r + k] = (byte) (isNullValue ? 0 : 1);
          present -= isNullValue ? 1 : 0;
        }
      }
      nulls += m - present;
    }
    boolean[] skip = present == m ? null : isNull;
    switch (physical) {
      case INT64 -> appendLongs(v.longs(), from, m, skip);
      case INT32 -> appendInts(v.ints(), from, m, skip);
      case DOUBLE -> appendDoubles(v.doubles(), from, m, skip);
      case BOOLEAN -> appendBooleans(v.booleans(), from, m, skip);
      case BINARY -> appendBinaries(v.data(), v.offsets(), from, m, skip);
      default -> throw new IllegalStateException("cannot encode " + physical);
    }
    rows += m;
  }

  private void appendLongs(long[] a, int from, int m, boolean @Nullable [] skip) {
    statistics.longs(a, from, m, skip);
    rawBytes += 8L * (m - (skip == null ? 0 : countNulls(skip, from, m)));
    if (useDictionary) {
      LongDictionary dict = longs();
      int[] out = ids;
      int c = idCount;
      for (int i = from; i < from + m; i++) {
        if (skip == null || !skip[i]) {
          out[c++] = dict.idOf(a[i]);
        }
      }
      idCount = c;
    } else {
      GrowableBytes p = plain;
      p.ensure(8 * m);
      byte[] b = p.bytes;
      int pos = p.length;
      for (int i = from; i < from + m; i++) {
        if (skip == null || !skip[i]) {
          LittleEndian.LONG.set(b, pos, a[i]);
          pos += 8;
        }
      }
      p.length = pos;
    }
  }

  private void appendInts(int[] a, int from, int m, boolean @Nullable [] skip) {
    statistics.ints(a, from, m, skip);
    rawBytes += 4L * (m - (skip == null ? 0 : countNulls(skip, from, m)));
    if (useDictionary) {
      LongDictionary dict = longs();
      int[] out = ids;
      int c = idCount;
      for (int i = from; i < from + m; i++) {
        if (skip == null || !skip[i]) {
          out[c++] = dict.idOf(a[i]);
        }
      }
      idCount = c;
    } else {
      GrowableBytes p = plain;
      p.ensure(4 * m);
      byte[] b = p.bytes;
      int pos = p.length;
      for (int i = from; i < from + m; i++) {
        if (skip == null || !skip[i]) {
          LittleEndian.INT.set(b, pos, a[i]);
          pos += 4;
        }
      }
      p.length = pos;
    }
  }

  private void appendDoubles(double[] a, int from, int m, boolean @Nullable [] skip) {
    statistics.doubles(a, from, m, skip);
    rawBytes += 8L * (m - (skip == null ? 0 : countNulls(skip, from, m)));
    if (useDictionary) {
      LongDictionary dict = longs();
      int[] out = ids;
      int c = idCount;
      for (int i = from; i < from + m; i++) {
        if (skip == null || !skip[i]) {
          out[c++] = dict.idOf(Double.doubleToRawLongBits(a[i]));
        }
      }
      idCount = c;
    } else {
      GrowableBytes p = plain;
      p.ensure(8 * m);
      byte[] b = p.bytes;
      int pos = p.length;
      for (int i = from; i < from + m; i++) {
        if (skip == null || !skip[i]) {
          LittleEndian.DOUBLE.set(b, pos, a[i]);
          pos += 8;
        }
      }
      p.length = pos;
    }
  }

  private void appendBooleans(boolean[] a, int from, int m, boolean @Nullable [] skip) {
    boolean sawTrue = false;
    boolean sawFalse = false;
    GrowableBytes p = plain;
    p.ensure(m / 8 + 2);
    byte[] b = p.bytes;
    int bit = booleanBits;
    for (int i = from; i < from + m; i++) {
      if (skip == null || !skip[i]) {
        boolean x = a[i];
        sawTrue |= x;
        sawFalse |= !x;
        int at = bit >>> 3;
        if ((bit & 7) == 0) {
          b[at] = 0;
        }
        if (x) {
          b[at] |= (byte) (1 << (bit & 7));
        }
        bit++;
      }
    }
    booleanBits = bit;
    p.length = (bit + 7) >>> 3;
    statistics.booleans(sawFalse, sawTrue);
  }

  private void appendBinaries(byte[] data, int[] offsets, int from, int m, boolean @Nullable [] skip) {
    long raw = 0;
    for (int i = from; i < from + m; i++) {
      if (skip == null || !skip[i]) {
        raw += (fixedLength > 0 ? 0 : 4) + offsets[i + 1] - offsets[i];
      }
    }
    rawBytes += raw;
    if (fixedLength > 0) {
      // decimals compare as signed big-endian integers: the column's comparator decides
      statistics.fixedBinaries(data, offsets, from, m, skip);
    }
    int minAt = -1;
    int maxAt = -1;
    if (useDictionary) {
      BinaryDictionary dict = binaries();
      int[] out = ids;
      int c = idCount;
      for (int i = from; i < from + m; i++) {
        if (skip == null || !skip[i]) {
          int id = dict.idOf(data, offsets[i], offsets[i + 1]);
          out[c++] = id;
          // a value already seen on this page cannot move its min or max
          if (fixedLength == 0 && dict.firstOnPage(id, page)) {
            minAt = minAt < 0 || PageStatistics.less(data, offsets, i, minAt) ? i : minAt;
            maxAt = maxAt < 0 || PageStatistics.less(data, offsets, maxAt, i) ? i : maxAt;
          }
        }
      }
      idCount = c;
    } else {
      GrowableBytes p = plain;
      for (int i = from; i < from + m; i++) {
        if (skip == null || !skip[i]) {
          int s = offsets[i];
          int length = offsets[i + 1] - s;
          p.ensure(length + 4);
          if (fixedLength == 0) {
            LittleEndian.INT.set(p.bytes, p.length, length);
            p.length += 4;
            minAt = minAt < 0 || PageStatistics.less(data, offsets, i, minAt) ? i : minAt;
            maxAt = maxAt < 0 || PageStatistics.less(data, offsets, maxAt, i) ? i : maxAt;
          }
          System.arraycopy(data, s, p.bytes, p.length, length);
          p.length += length;
        }
      }
    }
    if (minAt >= 0) {
      statistics.binaryBounds(data, offsets, minAt, maxAt);
    }
  }

  private static int countNulls(boolean[] isNull, int from, int m) {
    int n = 0;
    for (int i = from; i < from + m; i++) {
      n += isNull[i] ? 1 : 0;
    }
    return n;
  }

  private void flushPage() throws IOException {
    BytesInput levels = nullable ? definitionLevels() : BytesInput.empty();
    BytesInput values;
    Encoding encoding;
    if (useDictionary) {
      int dictSize = longs != null ? longs.size : binaries().size;
      int bitWidth = BytesUtils.getWidthFromMaxInt(Math.max(0, dictSize - 1));
      long encoded = ((long) idCount * bitWidth + 7) / 8 + dictionaryBytes();
      if (firstPage && encoded >= rawBytes) {
        // the dictionary does not pay on this column: PLAIN from here on
        toPlain();
        values = plainBytes();
        encoding = Encoding.PLAIN;
      } else {
        values = dictionaryIds(bitWidth);
        encoding = Encoding.PLAIN_DICTIONARY;
        dictionaryUsed = true;
        if (dictionaryBytes() > DICTIONARY_BYTES) {
          useDictionary = false;
        }
      }
    } else {
      values = plainBytes();
      encoding = Encoding.PLAIN;
    }
    pages.writePage(BytesInput.concat(levels, values), rows, rows, statistics.finish(nulls), Encoding.BIT_PACKED,
        nullable ? Encoding.RLE : Encoding.BIT_PACKED, encoding);
    firstPage = false;
    resetPage();
  }

  /** Rewrites the page's dictionary ids as PLAIN values and stops using the dictionary for this chunk. */
  private void toPlain() {
    GrowableBytes p = plain;
    p.length = 0;
    for (int k = 0; k < idCount; k++) {
      if (longs != null) {
        longs.appendPlain(ids[k], p);
      } else {
        binaries().appendPlain(ids[k], p);
      }
    }
    useDictionary = false;
    if (longs != null) {
      longs.clear();
    } else {
      binaries().clear();
    }
  }

  private BytesInput plainBytes() {
    return BytesInput.from(plain.bytes, 0, plain.length);
  }

  /**
   * The page's dictionary ids: their bit width in one byte, then the RLE / bit-packing hybrid runs of {@link
   * IdRuns}, into a buffer reused from page to page (the page writer copies a page before the next is made).
   */
  private BytesInput dictionaryIds(int bitWidth) {
    GrowableBytes out = idBytes;
    out.length = 0;
    out.ensure(1);
    out.bytes[out.length++] = (byte) bitWidth;
    IdRuns.encode(ids, idCount, bitWidth, out);
    return BytesInput.from(out.bytes, 0, out.length);
  }

  private BytesInput definitionLevels() throws IOException {
    if (nulls == 0) {
      // one RLE run of 1s: the common case of a nullable column without nulls in this page
      byte[] run = new byte[6];
      int header = rows << 1;
      int p = 0;
      while ((header & ~0x7f) != 0) {
        run[p++] = (byte) (header & 0x7f | 0x80);
        header >>>= 7;
      }
      run[p++] = (byte) header;
      run[p++] = 1;
      return BytesInput.concat(BytesInput.fromInt(p), BytesInput.from(run, 0, p));
    }
    if (levelEncoder == null) {
      levelEncoder = new RunLengthBitPackingHybridEncoder(1, 8 * 1024, PAGE_BYTES, allocator);
    } else {
      levelEncoder.reset();
    }
    RunLengthBitPackingHybridEncoder encoder = levelEncoder;
    for (int k = 0; k < rows; k++) {
      encoder.writeInt(defs[k]);
    }
    BytesInput rle = encoder.toBytes();
    return BytesInput.concat(BytesInput.fromInt((int) rle.size()), rle);
  }

  private void resetPage() {
    page++;
    rows = 0;
    nulls = 0;
    idCount = 0;
    rawBytes = 0;
    booleanBits = 0;
    plain.length = 0;
    statistics.reset();
  }

  @Override
  public String toString() {
    return "FlatColumnEncoder[" + descriptor + "]";
  }

  /**
   * The RLE / bit-packing hybrid encoding of a page's dictionary ids, with the same runs, and so the same bytes, as
   * parquet-column's {@code RunLengthBitPackingHybridEncoder} writes for them (what this encoder used before, one
   * call per id): values are taken 8 at a time; a value seen 8 times or more in a row becomes an RLE run (a varint
   * of its count shifted left, then the value in whole bytes of the bit width), others are bit-packed, least
   * significant bit first, in groups of 8 under a one-byte header counting at most 63 groups; the last group is
   * padded with zeros. Over the ids array in one loop, into a reused buffer, with no object per page.
   */
  static final class IdRuns {
    private IdRuns() {}

    /** The state of one encoding: a pending group of up to 8 values, a repeat count, an open bit-packed run. */
    private static final class State {
      final int[] group = new int[8];
      int grouped;
      int previous;
      int repeats;
      /** Groups written under the open bit-packed run's header. */
      int groups;
      /** Where the open bit-packed run's header byte is in the output, or -1. */
      int header = -1;
    }

    static void encode(int[] values, int count, int bitWidth, GrowableBytes out) {
      State s = new State();
      for (int k = 0; k < count; k++) {
        int v = values[k];
        if (v == s.previous) {
          if (++s.repeats >= 8) {
            continue; // an RLE run for certain: count on
          }
        } else {
          if (s.repeats >= 8) {
            rleRun(s, bitWidth, out);
          }
          s.repeats = 1;
          s.previous = v;
        }
        s.group[s.grouped++] = v;
        if (s.grouped == 8) {
          packGroup(s, bitWidth, out);
        }
      }
      if (s.repeats >= 8) {
        rleRun(s, bitWidth, out);
      } else if (s.grouped > 0) {
        Arrays.fill(s.group, s.grouped, 8, 0);
        packGroup(s, bitWidth, out);
        endPacked(s, out);
      } else {
        endPacked(s, out);
      }
    }

    private static void packGroup(State s, int bitWidth, GrowableBytes out) {
      if (s.groups >= 63) {
        endPacked(s, out);
      }
      out.ensure(1 + bitWidth);
      byte[] b = out.bytes;
      int p = out.length;
      if (s.header < 0) {
        s.header = p;
        b[p++] = 0; // set when the run ends
      }
      long bits = 0;
      int held = 0;
      for (int i = 0; i < 8; i++) {
        bits |= (s.group[i] & 0xffffffffL) << held;
        held += bitWidth;
        while (held >= 8) {
          b[p++] = (byte) bits;
          bits >>>= 8;
          held -= 8;
        }
      }
      out.length = p;
      s.grouped = 0;
      s.repeats = 0; // values repeated so far went into this group
      s.groups++;
    }

    private static void endPacked(State s, GrowableBytes out) {
      if (s.header >= 0) {
        out.bytes[s.header] = (byte) (s.groups << 1 | 1);
        s.header = -1;
        s.groups = 0;
      }
    }

    private static void rleRun(State s, int bitWidth, GrowableBytes out) {
      endPacked(s, out);
      out.ensure(5 + 4);
      byte[] b = out.bytes;
      int p = out.length;
      int header = s.repeats << 1;
      while ((header & ~0x7f) != 0) {
        b[p++] = (byte) (header & 0x7f | 0x80);
        header >>>= 7;
      }
      b[p++] = (byte) header;
      for (int i = 0, bytes = (bitWidth + 7) / 8; i < bytes; i++) {
        b[p++] = (byte) (s.previous >>> (8 * i));
      }
      out.length = p;
      s.repeats = 0;
      s.grouped = 0; // they were the run's repeats
    }
  }
}
