package io.delpha.sdk.parquet.internal.variant;

import io.delpha.sdk.core.DataFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A variant's metadata, validated: the header, the dictionary's size and offsets, and its strings. Immutable once
 * made (it keeps the array it is given, which its owner never changes); shared by every value nested in one
 * variant.
 */
public final class VariantMetadata {

  /** The longest strings {@link #compare} compares byte by byte. */
  private static final int SHORT_STRING = 16;

  private final byte[] bytes;
  private final int size;
  private final boolean sorted;
  /** Where each string starts in {@link #bytes}, and where the last ends: {@code size + 1} indexes, read once. */
  private final int[] bounds;
  /**
   * For an unsorted dictionary, each id's rank in the order of the strings (equal strings, equal ranks), made the first
   * time two long strings are ordered ({@link #inOrder}); volatile, so a metadata shared by threads sees it whole.
   */
  private volatile int @Nullable [] ranks;

  private VariantMetadata(byte[] bytes, int size, boolean sorted, int[] bounds) {
    this.bounds = bounds;
    this.bytes = bytes;
    this.size = size;
    this.sorted = sorted;
  }

  /**
   * The length of a metadata that starts at {@code from}, from its header, dictionary size and last offset alone (what
   * a vector holding a metadata followed by its value needs to split them); the bytes are checked when parsed.
   *
   * @param bytes where the metadata is
   * @param from its first byte
   * @param limit the end of what it may span
   * @return its length in bytes
   * @throws DataFormatException if its header, size or last offset do not fit before {@code limit}
   */
  public static int length(byte[] bytes, int from, int limit) {
    if (from >= limit) {
      throw malformed("it is empty (a metadata has at least a header byte and a dictionary size)");
    }
    int offsetSize = ((bytes[from] >>> 6) & 0x03) + 1;
    if (limit - from < 1 + offsetSize) {
      throw malformed("its bytes end before its " + offsetSize + "-byte dictionary size");
    }
    long size = VariantFormat.readUnsigned(bytes, from + 1, offsetSize);
    long stringsStart = 1L + offsetSize + (size + 1) * offsetSize;
    if (stringsStart > limit - from) {
      throw malformed("its dictionary of " + size + " strings needs " + stringsStart + " bytes of header and offsets, "
          + "more than its " + (limit - from) + " bytes");
    }
    long last = VariantFormat.readUnsigned(bytes, from + (int) stringsStart - offsetSize, offsetSize);
    if (last > limit - from - stringsStart) {
      throw malformed("its last string offset " + last + " is beyond its bytes");
    }
    return (int) (stringsStart + last);
  }

  /**
   * Checks a metadata, VariantEncoding.md's "Metadata encoding", before it is used: version 1; the dictionary size
   * and its {@code size + 1} offsets within the bytes (checked before anything is allocated); offsets starting at 0,
   * never decreasing, the last one the end of the bytes (no byte after it); every string valid UTF-8; strings unique
   * and in unsigned byte order when the header says {@code sorted_strings}.
   *
   * @param bytes the metadata, kept (not copied): the caller never changes it
   * @return the metadata
   * @throws DataFormatException naming what is wrong
   */
  public static VariantMetadata parse(byte[] bytes) {
    int length = bytes.length;
    if (length == 0) {
      throw malformed("it is empty (a metadata has at least a header byte and a dictionary size)");
    }
    int header = bytes[0] & 0xFF;
    int version = header & 0x0F;
    if (version != VariantFormat.VERSION) {
      throw malformed("its version is " + version + " (header byte 0x" + Integer.toHexString(header)
          + "); the format defines version 1 only");
    }
    boolean sorted = (header & 0x10) != 0;
    int offsetSize = ((header >>> 6) & 0x03) + 1;
    if (length < 1 + offsetSize) {
      throw malformed("its " + length + " bytes end before its " + offsetSize + "-byte dictionary size");
    }
    long size = VariantFormat.readUnsigned(bytes, 1, offsetSize);
    long offsetsStart = 1L + offsetSize;
    long stringsStart = offsetsStart + (size + 1) * offsetSize;
    if (stringsStart > length) {
      throw malformed("its dictionary of " + size + " strings needs " + stringsStart
          + " bytes of header and offsets, more than its " + length + " bytes");
    }
    int start = (int) stringsStart;
    long previous = VariantFormat.readUnsigned(bytes, (int) offsetsStart, offsetSize);
    if (previous != 0) {
      throw malformed("its first string offset is " + previous + ", not 0");
    }
    // size + 1 offsets fit the bytes already checked, so this array is no larger than the metadata
    int[] bounds = new int[(int) size + 1];
    bounds[0] = start;
    VariantMetadata m = new VariantMetadata(bytes, (int) size, sorted, bounds);
    // strings all ASCII (most dictionaries) are valid UTF-8 whatever their offsets: one pass instead of one per string
    boolean ascii = Utf8.isAscii(bytes, start, length);
    long beforePrevious = 0;
    for (int i = 1; i <= size; i++) {
      long offset = VariantFormat.readUnsigned(bytes, (int) offsetsStart + i * offsetSize, offsetSize);
      if (offset < previous || start + offset > length) {
        throw malformed("string offset " + i + " is " + offset + ", outside " + previous + " to "
            + (length - start) + " (the previous offset and the end of the strings)");
      }
      if (!ascii && !Utf8.isValid(bytes, start + (int) previous, start + (int) offset)) {
        throw malformed("dictionary string " + (i - 1) + " is not valid UTF-8");
      }
      bounds[i] = start + (int) offset;
      // strings i - 2 and i - 1 compared where the loop has their offsets, not through keyStart and keyEnd
      if (sorted && i > 1 && compare(bytes, start + (int) beforePrevious, start + (int) previous,
          start + (int) previous, start + (int) offset) >= 0) {
        throw malformed("its header says its strings are sorted and unique, but string " + (i - 1) + " ("
            + Utf8.excerpt(m.key(i - 1)) + ") does not sort after string " + (i - 2) + " ("
            + Utf8.excerpt(m.key(i - 2)) + ")");
      }
      beforePrevious = previous;
      previous = offset;
    }
    if (start + previous != length) {
      throw malformed("its strings end at byte " + (start + previous) + " but it has " + length
          + " bytes: the last offset must be the end of the metadata");
    }
    return m;
  }

  /**
   * Ranks the strings of an unsorted dictionary once (a sort of the ids, each comparison as long as the common prefix
   * of two strings), so that ordering two long names ({@link #inOrder}) costs one comparison of two ints however long
   * they are: else an object repeating two long names sharing a prefix would cost their length on every field.
   */
  private int[] rankStrings() {
    int[] order = new int[size];
    int[] scratch = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    // a bottom-up merge sort of the ids by their strings: no boxing, no recursion
    for (long width = 1; width < size; width *= 2) {
      for (long start = 0; start < size - width; start += 2 * width) {
        int lo = (int) start;
        int mid = (int) (start + width);
        int hi = (int) Math.min(start + 2 * width, size);
        int a = lo;
        int b = mid;
        int k = lo;
        while (a < mid && b < hi) {
          scratch[k++] = compare(bounds, order[a], order[b]) <= 0 ? order[a++] : order[b++];
        }
        while (a < mid) {
          scratch[k++] = order[a++];
        }
        while (b < hi) {
          scratch[k++] = order[b++];
        }
        System.arraycopy(scratch, lo, order, lo, hi - lo);
      }
    }
    int[] rank = new int[size];
    for (int i = 1; i < size; i++) {
      rank[order[i]] = rank[order[i - 1]] + (compare(bounds, order[i - 1], order[i]) == 0 ? 0 : 1);
    }
    return rank;
  }

  /** {@link #compareKeys} with the strings' bounds given: string {@code id} is {@code bounds[id] .. bounds[id + 1]}. */
  private int compare(int[] bounds, int a, int b) {
    return compare(bytes, bounds[a], bounds[a + 1], bounds[b], bounds[b + 1]);
  }

  /**
   * {@link Arrays#compareUnsigned} of two ranges of one array, short ones as a plain loop: dictionary strings are
   * mostly a few bytes, shorter than what the intrinsic's setup pays for; long ones (a hostile dictionary's shared
   * prefixes) through the intrinsic.
   */
  private static int compare(byte[] b, int aFrom, int aTo, int bFrom, int bTo) {
    int n = Math.min(aTo - aFrom, bTo - bFrom);
    if (n > SHORT_STRING) {
      return Arrays.compareUnsigned(b, aFrom, aTo, b, bFrom, bTo);
    }
    for (int k = 0; k < n; k++) {
      int d = (b[aFrom + k] & 0xFF) - (b[bFrom + k] & 0xFF);
      if (d != 0) {
        return d;
      }
    }
    return (aTo - aFrom) - (bTo - bFrom);
  }

  /**
   * @param id a dictionary id
   * @return its string's place in the unsigned byte order of the dictionary's strings: ids of equal strings have
   *     equal ranks, and a lower rank is a string that sorts first
   */
  public int rank(int id) {
    if (sorted || size < 2) {
      return id;
    }
    int[] r = ranks;
    if (r == null) {
      r = rankStrings();
      ranks = r;
    }
    return r[id];
  }

  /**
   * Whether one string sorts strictly before another, as an object's field names must: the ids' order in a sorted
   * dictionary; in another, two strings of at most 16 bytes compared byte by byte (a bounded cost a field, and no
   * ranking of the dictionary, which most objects of most writers never need), longer ones by their {@link #rank}.
   *
   * @param a a dictionary id
   * @param b another
   * @return whether a's string is before b's in unsigned byte order (false when they are equal)
   */
  public boolean inOrder(int a, int b) {
    if (sorted || size < 2) {
      return a < b;
    }
    int aFrom = keyStart(a);
    int aTo = keyEnd(a);
    int bFrom = keyStart(b);
    int bTo = keyEnd(b);
    if (aTo - aFrom <= SHORT_STRING && bTo - bFrom <= SHORT_STRING) {
      return compare(bytes, aFrom, aTo, bFrom, bTo) < 0;
    }
    return rank(a) < rank(b);
  }

  private static DataFormatException malformed(String what) {
    return new DataFormatException("malformed variant metadata: " + what);
  }

  /** @return the number of strings in the dictionary */
  public int size() {
    return size;
  }

  /** @return whether the header says the strings are sorted and unique */
  public boolean sorted() {
    return sorted;
  }

  /** @return the bytes (the caller must not change them) */
  public byte[] bytes() {
    return bytes;
  }

  /**
   * @param id a dictionary id, below {@link #size()}
   * @return the index in {@link #bytes()} where its string starts
   */
  public int keyStart(int id) {
    return bounds[id];
  }

  /**
   * @param id a dictionary id, below {@link #size()}
   * @return the index in {@link #bytes()} just after its string
   */
  public int keyEnd(int id) {
    return bounds[id + 1];
  }

  /**
   * @param id a dictionary id, below {@link #size()}
   * @return its string
   */
  public String key(int id) {
    int from = keyStart(id);
    return new String(bytes, from, keyEnd(id) - from, StandardCharsets.UTF_8);
  }

  /**
   * @param id a dictionary id, below {@link #size()}
   * @param name UTF-8 bytes
   * @return the unsigned byte order of the id's string and {@code name}: negative, 0 or positive
   */
  public int compareKey(int id, byte[] name) {
    return Arrays.compareUnsigned(bytes, keyStart(id), keyEnd(id), name, 0, name.length);
  }

  /**
   * @param a a dictionary id
   * @param b another
   * @return the unsigned byte order of their strings
   */
  public int compareKeys(int a, int b) {
    return Arrays.compareUnsigned(bytes, keyStart(a), keyEnd(a), bytes, keyStart(b), keyEnd(b));
  }

  /**
   * @param id a dictionary id of this metadata
   * @param other another metadata
   * @param otherId a dictionary id of it
   * @return whether the two strings are the same
   */
  public boolean sameKey(int id, VariantMetadata other, int otherId) {
    if (other == this && id == otherId) {
      return true;
    }
    return Arrays.equals(bytes, keyStart(id), keyEnd(id), other.bytes, other.keyStart(otherId),
        other.keyEnd(otherId));
  }

  /**
   * @param id a dictionary id
   * @return a hash of its string's bytes
   */
  public int keyHash(int id) {
    int h = 1;
    for (int i = keyStart(id), end = keyEnd(id); i < end; i++) {
      h = 31 * h + bytes[i];
    }
    return h;
  }
}
