package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Physical;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.jspecify.annotations.Nullable;

/**
 * Reads the pages of one leaf column of a row group: decodes a page's repetition and definition levels
 * into {@code int[]}s, then its values in bulk into a {@link Vector}. Flat columns take {@link
 * #readFlat}; columns inside lists, maps and structs are walked level by level ({@link #hasLevel}, {@link
 * #readValue}). Buffers are reused from page to page. Not thread-safe.
 *
 * <p>A page's levels are decoded a window of at most {@value #LEVEL_WINDOW} at a time, never all at once: a page
 * header may claim any number of values, and RLE stores a run of billions in a few bytes (a column of nulls), so
 * what the levels take is bounded by the window, not by the claim. A page whose levels end before its count is
 * refused when the window that needs them is decoded.
 */
final class LeafReader {

  /** The most levels of a page decoded at once (a page of 20,000 values, parquet-mr's and arrow's most, in one). */
  static final int LEVEL_WINDOW = 1 << 16;

  private static final byte[] NO_BYTES = new byte[0];

  final ParquetField field;
  private final ColumnDescriptor descriptor;
  private final int maxDef;
  private final int maxRep;
  private final ValueDecoder.Plain plain;
  private final ValueDecoder.Dictionary dictionary = new ValueDecoder.Dictionary();
  private final ValueDecoder.Fallback fallback;
  private final DeltaDecoder deltas = new DeltaDecoder();
  private final ValueDecoder.RleBooleans rleBooleans = new ValueDecoder.RleBooleans();
  private final PrimitiveTypeName type;
  private final HybridDecoder repLevels = new HybridDecoder();
  private final HybridDecoder defLevels = new HybridDecoder();
  /** The page's levels in the deprecated BIT_PACKED encoding, else {@code null}: the hybrid decoders read them. */
  private @Nullable ValuesReader repBitPacked;
  private @Nullable ValuesReader defBitPacked;
  /** The current chunk's BINARY dictionary values; a new vector per chunk for a reader of rows only. */
  private @Nullable Vector dictionaryValues;
  /** Stands for the current chunk's dictionary (a new object per chunk: see LeafValues.prepareDictionaryIds). */
  private Object dictionaryToken = new Object();
  private final boolean rowView;
  /** The vector {@link #readFlat} filled last and its values' binding to the chunk's dictionary. */
  private @Nullable Vector lastFilled;
  private @Nullable LeafValues lastValues;

  private final boolean cacheable;
  /** STRING and BINARY decimals of dictionary pages left in the dictionary, for a reader of rows only */
  private final boolean bindBinaries;
  private PageReader pages;
  private boolean hasDictionary;
  private int @Nullable [] ids;
  private ValueDecoder values;
  /** The current window's levels: {@code windowValues} of them, {@code levelPos} the next. */
  private int[] reps = new int[0];
  private int[] defs = new int[0];
  /**
   * Whether every definition level of the current window is the maximum and {@link #defs} was not filled (a
   * top-level flat column's window inside one RLE run of present values, the common case): {@link #readFlat} only.
   */
  private boolean windowFull;
  /** Whether this leaf is read by {@link #readFlat} alone (so its window's levels may stay undecoded). */
  private final boolean topLevelFlat;
  private int windowValues;
  private int levelPos;
  /** The current page's values (levels) not yet decoded into a window. */
  private int pageLeft;
  /** The records (levels at repetition level 0) of the current page's windows so far. */
  private long pageRecords;
  /** The rows a data page v2 says it holds, or -1 for a v1 page. */
  private long pageRows;
  private boolean chunkStart;

  /**
   * @param field the leaf
   * @param topLevelFlat whether the leaf is a top-level column read by {@link #readFlat} (a leaf under a STRUCT
   *     never repeats either, but its values are read one at a time by {@link #readValue}, which copies every value)
   * @param rowView whether the vectors it fills are read only through {@link LeafValues#get} (then the
   *     values of dictionary pages are not copied out of the dictionary: see {@link LeafValues#bindDictionary})
   */
  // pages is set by startRowGroup(), which every reader calls first, and values by nextPage() before any decoding
  @SuppressWarnings("NullAway.Init")
  LeafReader(ParquetField field, boolean topLevelFlat, boolean rowView) {
    this.field = field;
    this.rowView = rowView;
    this.topLevelFlat = topLevelFlat;
    this.descriptor = Objects.requireNonNull(field.descriptor, "a leaf reader reads a leaf");
    this.maxDef = descriptor.getMaxDefinitionLevel();
    this.maxRep = descriptor.getMaxRepetitionLevel();
    this.type = descriptor.getPrimitiveType().getPrimitiveTypeName();
    this.plain = new ValueDecoder.Plain(type,
        type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY ? descriptor.getPrimitiveType().getTypeLength() : 0);
    this.fallback = new ValueDecoder.Fallback(descriptor);
    ColumnType.Kind kind = field.column.type().kind();
    this.cacheable = topLevelFlat && field.isFlat() && kind != ColumnType.Kind.BYTES;
    this.bindBinaries = rowView && cacheable && field.physical == Physical.BINARY
        && (kind == ColumnType.Kind.STRING || kind == ColumnType.Kind.DECIMAL);
    this.dictionaryValues = field.physical == Physical.BINARY ? newDictionaryHolder() : null;
  }

  /** The leaf's physical type: every field a leaf reader reads has one. */
  private Physical physical() {
    return Objects.requireNonNull(field.physical, "a leaf reader reads a leaf");
  }

  private static Vector newDictionaryHolder() {
    return Vector.leaf(new Column("dictionary", ColumnType.BYTES, false), Physical.BINARY, null);
  }

  /** Starts on a new row group. */
  void startRowGroup(PageReadStore store) throws IOException {
    pages = store.getPageReader(descriptor);
    windowValues = 0;
    levelPos = 0;
    pageLeft = 0;
    chunkStart = true;
    DictionaryPage page = pages.readDictionaryPage();
    hasDictionary = page != null;
    if (hasDictionary) {
      Slice s = slice(page.getBytes());
      plain.init(s.bytes, s.from, s.to);
      if (rowView && dictionaryValues != null) {
        // vectors of earlier batches, still being turned into rows on another thread, keep the old dictionary
        dictionaryValues = newDictionaryHolder();
      }
      dictionary.load(plain, page.getDictionarySize(), physical(), dictionaryValues);
      plain.init(NO_BYTES, 0, 0); // the page's bytes are not kept once the dictionary holds its values
      dictionaryToken = new Object();
    }
  }

  /**
   * Checks that the row group's rows took every value of this column.
   *
   * @throws ParquetDecodingException if values are left over: the column holds more rows than its row group
   */
  void finishRowGroup() throws IOException {
    if (levelPos < windowValues || pageLeft > 0 || nextNonEmptyPage() != null) {
      throw new ParquetDecodingException("the column holds more values or rows than its row group says");
    }
  }

  /**
   * @return the next data page holding at least one value (level), or {@code null} at the end of the chunk
   * @throws ParquetDecodingException if a page says it holds a negative number of values, or a data page v2 of 0
   *     values says it holds rows
   */
  private @Nullable DataPage nextNonEmptyPage() {
    while (true) {
      DataPage page = pages.readPage();
      if (page == null) {
        return null;
      }
      int n = page.getValueCount();
      if (n < 0) {
        throw new ParquetDecodingException("negative value count in a page of " + descriptor);
      }
      if (n > 0) {
        return page;
      }
      if (page instanceof DataPageV2 v2 && v2.getRowCount() != 0) {
        throw new ParquetDecodingException("a data page v2 says it holds " + v2.getRowCount() + " rows but no values");
      }
    }
  }

  // ---------------------------------------------------------------- flat columns

  /**
   * Reads the next {@code n} values of a column that never repeats into {@code v} (cleared first).
   */
  void readFlat(Vector v, int n) throws IOException {
    v.clear();
    v.ensureCapacity(n);
    ids = null;
    if (hasDictionary && cacheable) {
      LeafValues made = valuesOf(v);
      ids = made.prepareDictionaryIds(dictionaryToken, dictionary.size());
      if (bindBinaries) {
        made.bindDictionary(Objects.requireNonNull(dictionaryValues, "a BINARY column has a dictionary holder"));
      }
    }
    boolean[] nulls = v.nulls();
    int o = 0;
    while (o < n) {
      if (levelPos == windowValues && !nextLevels()) {
        throw new ParquetDecodingException("column " + field.column.name() + " holds fewer values than its row group");
      }
      int m = Math.min(n - o, windowValues - levelPos);
      int present = maxDef == 0 || windowFull ? m : count(defs, levelPos, levelPos + m, maxDef);
      if (present == m) {
        decode(v, o, m);
        if (nulls != null) {
          Arrays.fill(nulls, o, o + m, false);
        }
      } else {
        decodeSparse(v, o, m, present, Objects.requireNonNull(nulls, "a column with nulls has a null mask"));
      }
      levelPos += m;
      o += m;
    }
    v.setSize(n);
  }

  /** The values of {@code v}, made once per vector filled in turn (a reader reading ahead fills two or three). */
  private LeafValues valuesOf(Vector v) {
    LeafValues made = lastValues;
    if (made == null || lastFilled != v) {
      made = new LeafValues(v);
      lastValues = made;
      lastFilled = v;
    }
    return made;
  }

  private void decode(Vector v, int at, int n) {
    switch (physical()) {
      case BOOLEAN -> values.booleans(v.booleans(), at, n);
      case INT32, UINT32 -> values.ints(v.ints(), at, n);
      case INT64, UINT64 -> values.longs(v.longs(), at, n);
      case INT96 -> values.int96(v.longs(), v.ints(), at, n);
      case DOUBLE -> values.doubles(v.doubles(), at, n);
      case BINARY -> {
        if (bindBinaries && values == dictionary) {
          dictionary.idsOnly(v.offsets(), at, n);
        } else {
          values.binaries(v, at, n);
        }
      }
      default -> throw new IllegalStateException(field.physical + " is not a leaf");
    }
    if (ids != null) {
      if (values == dictionary) {
        dictionary.copyIds(ids, at, n);
      } else {
        Arrays.fill(ids, at, at + n, -1);
      }
    }
  }

  /** Decodes {@code present} values densely, then spreads them over the {@code m} slots from the back. */
  private void decodeSparse(Vector v, int at, int m, int present, boolean[] nulls) {
    int[] d = defs;
    int base = levelPos - at;
    for (int i = at; i < at + m; i++) {
      nulls[i] = d[base + i] != maxDef;
    }
    if (field.physical == Physical.BINARY) {
      int[] offsets = v.offsets();
      int i = at;
      while (i < at + m) {
        if (nulls[i]) {
          offsets[i + 1] = offsets[i];
          if (ids != null) {
            ids[i] = -1;
          }
          i++;
        } else {
          int run = i;
          while (run < at + m && !nulls[run]) {
            run++;
          }
          decode(v, i, run - i);
          i = run;
        }
      }
      return;
    }
    decode(v, at, present);
    if (ids != null) {
      int k = at + present - 1;
      for (int i = at + m - 1; i >= at; i--) {
        ids[i] = nulls[i] ? -1 : ids[k--];
      }
    }
    int j = at + present - 1;
    switch (physical()) {
      case BOOLEAN -> {
        boolean[] a = v.booleans();
        for (int i = at + m - 1; i >= at; i--) {
          a[i] = !nulls[i] && a[j--];
        }
      }
      case INT32, UINT32 -> {
        int[] a = v.ints();
        for (int i = at + m - 1; i >= at; i--) {
          a[i] = nulls[i] ? 0 : a[j--];
        }
      }
      case INT64, UINT64 -> {
        long[] a = v.longs();
        for (int i = at + m - 1; i >= at; i--) {
          a[i] = nulls[i] ? 0 : a[j--];
        }
      }
      case INT96 -> {
        long[] a = v.longs();
        int[] b = v.ints();
        for (int i = at + m - 1; i >= at; i--) {
          if (nulls[i]) {
            a[i] = 0;
            b[i] = 0;
          } else {
            a[i] = a[j];
            b[i] = b[j--];
          }
        }
      }
      case DOUBLE -> {
        double[] a = v.doubles();
        for (int i = at + m - 1; i >= at; i--) {
          a[i] = nulls[i] ? 0 : a[j--];
        }
      }
      default -> throw new IllegalStateException(field.physical + " is not a leaf");
    }
  }

  // ---------------------------------------------------------------- nested columns, level by level

  /**
   * Moves to the next (repetition, definition) pair, loading the next page when needed.
   *
   * @return whether there is one in this row group
   */
  boolean hasLevel() throws IOException {
    return levelPos < windowValues || nextLevels();
  }

  /** @return the current repetition level */
  int rep() {
    return maxRep == 0 ? 0 : reps[levelPos];
  }

  /** @return the current definition level */
  int def() {
    return maxDef == 0 ? 0 : defs[levelPos];
  }

  /** Consumes the current level pair. */
  void advance() {
    levelPos++;
  }

  /**
   * @param max at most this many, no more than {@link #windowLeft}
   * @return how many level pairs from the current one on have its definition level (its repetition level is 0: for a
   *     leaf no LIST or MAP repeats)
   */
  int sameDefs(int max) {
    if (maxDef == 0) {
      return max;
    }
    int[] d = defs;
    int from = levelPos;
    int level = d[from];
    int end = from + 1;
    int limit = from + max;
    while (end < limit && d[end] == level) {
      end++;
    }
    return end - from;
  }

  /** Consumes {@code n} level pairs, no more than {@link #windowLeft}. */
  void advance(int n) {
    levelPos += n;
  }

  /**
   * Decodes the values of {@code n} pairs at the maximum definition level, the next values of the current window's
   * page, into slots {@code at} to {@code at + n - 1} of {@code v} (their capacity ensured).
   */
  void readValues(Vector v, int at, int n) {
    ids = null;
    decode(v, at, n);
  }

  /** @return whether a LIST or MAP repeats this leaf: its levels are then not one pair a row */
  boolean repeats() {
    return maxRep > 0;
  }

  /** @return the level pairs left in the current window (all of one page), once {@link #hasLevel} said there is one */
  int windowLeft() {
    return windowValues - levelPos;
  }

  // ---------------------------------------------------------------- pages

  /**
   * Decodes the next window of levels: of the current page if it has levels left, else of the next data page that
   * holds values.
   *
   * @return whether there is one in this row group
   */
  private boolean nextLevels() throws IOException {
    return pageLeft > 0 ? nextWindow() : nextPage();
  }

  /**
   * Starts the next data page that holds values, passing over pages of 0 values (pyarrow writes them in LIST and
   * MAP columns when pages are tiny; they hold no levels to read, and their level and value sections may be
   * empty or absent), and decodes its first window of levels.
   *
   * @return whether there is one in this row group
   */
  private boolean nextPage() throws IOException {
    DataPage page = nextNonEmptyPage();
    if (page == null) {
      return false;
    }
    int n = page.getValueCount();
    repBitPacked = null;
    defBitPacked = null;
    // the levels' first window is decoded before the values are started: a page whose levels are cut short is
    // refused as such, whatever its values hold
    Slice values;
    int valuesFrom;
    Encoding encoding;
    if (page instanceof DataPageV1 v1) {
      values = slice(v1.getBytes());
      valuesFrom = values.from;
      if (maxRep > 0) {
        valuesFrom = levelsV1(v1.getRlEncoding(), values, valuesFrom, repLevels, n, maxRep, ValuesType.REPETITION_LEVEL);
      }
      if (maxDef > 0) {
        valuesFrom = levelsV1(v1.getDlEncoding(), values, valuesFrom, defLevels, n, maxDef, ValuesType.DEFINITION_LEVEL);
      }
      encoding = v1.getValueEncoding();
      pageRows = -1;
    } else {
      DataPageV2 v2 = (DataPageV2) page;
      if (maxRep > 0) {
        levelsV2(v2.getRepetitionLevels(), repLevels, maxRep);
      }
      if (maxDef > 0) {
        levelsV2(v2.getDefinitionLevels(), defLevels, maxDef);
      }
      values = slice(v2.getData());
      valuesFrom = values.from;
      encoding = v2.getDataEncoding();
      pageRows = v2.getRowCount();
    }
    checkPresent(page, encoding, n, values.to - valuesFrom);
    pageLeft = n;
    pageRecords = 0;
    nextWindow();
    startValues(encoding, values, valuesFrom, n);
    return true;
  }

  /**
   * Checks that a page with levels stores no more values than its values section holds, where its encoding gives a
   * bound ({@link PageClaims#maxValues}): the values present are counted from its definition levels (those at the
   * column's maximum), the one count every writer agrees on. A column without levels was checked from its header.
   * Levels in the deprecated BIT_PACKED encoding are not counted ahead: the values' decoder refuses a section that
   * ends before them.
   */
  private void checkPresent(DataPage page, Encoding encoding, int n, int valueBytes) {
    if (maxDef == 0 && maxRep == 0 || defBitPacked != null) {
      return;
    }
    org.apache.parquet.format.Encoding format = org.apache.parquet.format.Encoding.valueOf(encoding.name());
    int typeLength = descriptor.getPrimitiveType().getTypeLength();
    if (PageClaims.maxValues(format, type, typeLength, valueBytes) == Long.MAX_VALUE) {
      return;
    }
    long present = maxDef == 0 ? n : defLevels.countFromStart(maxDef, n);
    PageClaims.present(present, format, type, typeLength, valueBytes,
        page instanceof DataPageV2 ? "a data page v2" : "a data page");
  }

  /**
   * Decodes the current page's next window of levels (at most {@link #LEVEL_WINDOW}) and checks them.
   *
   * @return {@code true}
   * @throws ParquetDecodingException if the levels end before the page's count, a level is above the column's
   *     maximum, the chunk does not start a record, or a data page v2's levels do not start the rows it says
   */
  private boolean nextWindow() {
    int w = Math.min(pageLeft, LEVEL_WINDOW);
    if (maxRep > 0) {
      if (reps.length < w) {
        reps = new int[Math.min(LEVEL_WINDOW, Math.max(w, reps.length * 2))];
      }
      readLevels(repLevels, repBitPacked, reps, w);
    }
    windowFull = w > 0 && maxDef > 0 && maxRep == 0 && topLevelFlat && defBitPacked == null
        && defLevels.skipRun(maxDef, w);
    if (maxDef > 0 && !windowFull) {
      if (defs.length < w) {
        defs = new int[Math.min(LEVEL_WINDOW, Math.max(w, defs.length * 2))];
      }
      readLevels(defLevels, defBitPacked, defs, w);
      int above = firstAbove(defs, w, maxDef);
      if (above >= 0) {
        throw new ParquetDecodingException("definition level " + defs[above] + " above the column's maximum " + maxDef);
      }
    }
    int records = w;
    if (maxRep > 0) {
      int above = firstAbove(reps, w, maxRep);
      if (above >= 0) {
        throw new ParquetDecodingException("repetition level " + reps[above] + " above the column's maximum " + maxRep);
      }
      records = count(reps, 0, w, 0);
      if (chunkStart && reps[0] != 0) {
        throw new ParquetDecodingException("the column chunk starts with repetition level " + reps[0]
            + ", but a record starts at repetition level 0");
      }
    }
    chunkStart = false;
    pageRecords += records;
    pageLeft -= w;
    if (pageLeft == 0 && pageRows >= 0 && pageRows != pageRecords) {
      throw new ParquetDecodingException("a data page v2 says it holds " + pageRows + " rows, its levels start "
          + pageRecords);
    }
    windowValues = w;
    levelPos = 0;
    return true;
  }

  private static void readLevels(HybridDecoder hybrid, @Nullable ValuesReader bitPacked, int[] out, int n) {
    if (bitPacked == null) {
      hybrid.read(out, 0, n);
    } else {
      for (int i = 0; i < n; i++) {
        out[i] = bitPacked.readInteger();
      }
    }
  }

  // the loops over a page's levels are methods of their own: small, they are compiled early and alone, and the
  // large methods that call them once a page are never hot enough for the optimizing compiler to spend time on

  /** @return how many of {@code levels[from..to)} equal {@code level} */
  private static int count(int[] levels, int from, int to, int level) {
    int n = 0;
    for (int i = from; i < to; i++) {
      n += levels[i] == level ? 1 : 0;
    }
    return n;
  }

  /** @return the index of the first of {@code levels[0..n)} above {@code max}, or -1 */
  private static int firstAbove(int[] levels, int n, int max) {
    int above = 0;
    for (int i = 0; i < n; i++) {
      above |= max - levels[i];
    }
    if (above >= 0) {
      return -1;
    }
    for (int i = 0; i < n; i++) {
      if (levels[i] > max) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Starts a v1 page's levels of one kind: RLE (a 4-byte length, then the hybrid runs) into {@code hybrid}, or the
   * deprecated BIT_PACKED encoding into {@link #repBitPacked} or {@link #defBitPacked}.
   *
   * @return where the page's next section starts
   */
  private int levelsV1(Encoding encoding, Slice s, int pos, HybridDecoder hybrid, int n, int max, ValuesType type)
      throws IOException {
    int width = BytesUtils.getWidthFromMaxInt(max);
    if (encoding == Encoding.RLE) {
      if (s.to - pos < 4) {
        throw ValueDecoder.truncated("levels");
      }
      int length = (int) LittleEndian.INT.get(s.bytes, pos);
      if (length < 0 || length > s.to - pos - 4) {
        throw ValueDecoder.truncated("levels");
      }
      hybrid.init(s.bytes, pos + 4, pos + 4 + length, width);
      return pos + 4 + length;
    }
    // the deprecated BIT_PACKED level encoding of old writers: n levels of a fixed width, so their bytes bound n
    int length = (int) (((long) n * width + 7) / 8);
    if (length > s.to - pos) {
      throw ValueDecoder.truncated("levels");
    }
    ValuesReader reader = encoding.getValuesReader(descriptor, type);
    reader.initFromPage(n, ByteBufferInputStream.wrap(ByteBuffer.wrap(s.bytes, pos, length).slice()));
    if (type == ValuesType.REPETITION_LEVEL) {
      repBitPacked = reader;
    } else {
      defBitPacked = reader;
    }
    return pos + length;
  }

  private void levelsV2(BytesInput bytes, HybridDecoder hybrid, int max) throws IOException {
    Slice s = slice(bytes);
    hybrid.init(s.bytes, s.from, s.to, BytesUtils.getWidthFromMaxInt(max));
  }

  private void startValues(Encoding encoding, Slice s, int from, int n) {
    if (encoding.usesDictionary()) {
      if (!hasDictionary) {
        throw new ParquetDecodingException("a " + encoding + " page of " + descriptor + " without a dictionary page");
      }
      dictionary.init(s.bytes, from, s.to, n);
      values = dictionary;
    } else if (encoding == Encoding.PLAIN) {
      plain.init(s.bytes, from, s.to);
      values = plain;
    } else if (delta(encoding) != null) {
      deltas.init(Objects.requireNonNull(delta(encoding), "checked"), s.bytes, from, s.to, n);
      values = deltas;
    } else if (encoding == Encoding.RLE && type == PrimitiveTypeName.BOOLEAN) {
      rleBooleans.init(s.bytes, from, s.to);
      values = rleBooleans;
    } else {
      // BYTE_STREAM_SPLIT, whose reader decodes the bytes it is given, and what this reader does not decode (its
      // reader names the encoding)
      fallback.init(encoding, s.bytes, from, s.to, n);
      values = fallback;
    }
  }

  /** @return the DELTA encoding {@link DeltaDecoder} decodes for this column's type, or {@code null} */
  private DeltaDecoder.@Nullable Kind delta(Encoding encoding) {
    return switch (encoding) {
      case DELTA_BINARY_PACKED -> type == PrimitiveTypeName.INT32 || type == PrimitiveTypeName.INT64
          ? DeltaDecoder.Kind.PACKED : null;
      case DELTA_LENGTH_BYTE_ARRAY -> type == PrimitiveTypeName.BINARY ? DeltaDecoder.Kind.LENGTH_BYTES : null;
      case DELTA_BYTE_ARRAY -> type == PrimitiveTypeName.BINARY || type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
          ? DeltaDecoder.Kind.PREFIX_BYTES : null;
      default -> null;
    };
  }

  private record Slice(byte[] bytes, int from, int to) {}

  /**
   * @return the bytes of {@code input} in an array: its own when it has one (every page {@link RowGroupPages} makes
   *     does), else a copy of its own, since a page's level and value sections are decoded window by window and each
   *     keeps its slice until the page ends
   */
  private static Slice slice(BytesInput input) throws IOException {
    ByteBuffer b = input.toByteBuffer();
    if (b.hasArray()) {
      byte[] array = b.array();
      int from = b.arrayOffset() + b.position();
      return new Slice(array, from, from + b.remaining());
    }
    byte[] copy = new byte[b.remaining()];
    b.duplicate().get(copy);
    return new Slice(copy, 0, copy.length);
  }
}
