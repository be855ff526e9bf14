package io.delpha.sdk.sharing.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.internal.PeerNumbers;
import io.delpha.sdk.core.internal.http.Peers;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.PrimitiveIterator;
import java.util.UUID;
import java.util.function.Function;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * A Delta deletion vector descriptor (the {@code deletionVector} of an {@code add} or {@code remove} action,
 * Delta's PROTOCOL.md "Deletion Vector Descriptor Schema"): where the bitmap of a data file's deleted row
 * positions is and how large it is.
 *
 * <p>Storage types: {@code i}, the bitmap inline, Z85-encoded; {@code p}, an absolute path (a sharing server
 * hands out a pre-signed URL here); {@code u}, a file named by a UUID relative to the table's root
 * ({@code <prefix>/deletion_vector_<uuid>.bin}). A file holds a version byte, then at {@code offset} each
 * bitmap as its size (big-endian int), its bytes, and the CRC-32 of its bytes (big-endian int). The bitmap is
 * Delta's "RoaringBitmapArray": a little-endian magic number, then the portable 64-bit Roaring format, read in
 * place by {@link DeletionBitmap} (never expanded to an array; every position checked against the file's rows).
 *
 * @param storageType {@code i}, {@code p} or {@code u}
 * @param pathOrInlineDv the encoded bitmap, the path or URL, or the prefix and encoded UUID
 * @param offset where the bitmap starts in its file, {@code null} for an inline bitmap
 * @param sizeInBytes the bitmap's size in bytes
 * @param cardinality how many rows it deletes
 * @param fileId the sharing server's stable identifier of the file that holds the bitmap
 *     ({@code deletionVectorFileId}), {@code null} if it named none
 * @param fileRows the data file's rows as its statistics say ({@code numRecords}), {@code null} if unknown: the
 *     vector may delete no position at or beyond it
 */
public record DeletionVector(String storageType, String pathOrInlineDv, @Nullable Integer offset, int sizeInBytes,
    long cardinality, @Nullable String fileId, @Nullable Long fileRows) {

  /**
   * A descriptor whose data file's row count is unknown (positions are then checked against the rows read).
   *
   * @see #DeletionVector(String, String, Integer, int, long, String, Long)
   */
  public DeletionVector(String storageType, String pathOrInlineDv, @Nullable Integer offset, int sizeInBytes,
      long cardinality, @Nullable String fileId) {
    this(storageType, pathOrInlineDv, offset, sizeInBytes, cardinality, fileId, null);
  }

  /** The magic number that starts a serialised bitmap (Delta's {@code RoaringBitmapArray}). */
  static final int MAGIC = 1681511377;

  /**
   * @param dv the descriptor's JSON
   * @param fileId the file line's {@code deletionVectorFileId}, {@code null} if none
   * @param table the table, for messages
   * @return the descriptor
   * @throws DataFormatException if a field is missing or out of range, or the storage type is unknown
   */
  public static DeletionVector parse(JsonNode dv, @Nullable String fileId, String table) {
    return parse(dv, fileId, null, table);
  }

  /**
   * @param dv the descriptor's JSON
   * @param fileId the file line's {@code deletionVectorFileId}, {@code null} if none
   * @param fileRows the data file's rows ({@code numRecords} of its statistics), {@code null} if unknown
   * @param table the table, for messages
   * @return the descriptor
   * @throws DataFormatException if a field is missing or out of range, the storage type is unknown, or it claims to
   *     delete more rows than the file has
   */
  public static DeletionVector parse(JsonNode dv, @Nullable String fileId, @Nullable Long fileRows, String table) {
    String type = QueryResponse.text(dv, "storageType");
    String where = QueryResponse.text(dv, "pathOrInlineDv");
    if (type == null || where == null || !dv.hasNonNull("sizeInBytes") || !dv.hasNonNull("cardinality")) {
      throw new DataFormatException("a deletion vector of " + table
          + " lacks storageType, pathOrInlineDv, sizeInBytes or cardinality");
    }
    if (!type.equals("i") && !type.equals("p") && !type.equals("u")) {
      throw new DataFormatException("a deletion vector of " + table + " has the storage type '" + Peers.echo(type)
          + "'; the Delta protocol defines 'i', 'p' and 'u'");
    }
    String what = "a deletion vector of " + table + ": its ";
    Integer offset = dv.hasNonNull("offset")
        ? (int) PeerNumbers.jsonLong(dv.get("offset"), 0, Integer.MAX_VALUE, what + "offset") : null;
    int size = (int) PeerNumbers.jsonLong(dv.get("sizeInBytes"), 4, Integer.MAX_VALUE, what + "sizeInBytes");
    long cardinality = PeerNumbers.jsonLong(dv.get("cardinality"), 0, Long.MAX_VALUE, what + "cardinality");
    if (!type.equals("i") && offset == null) {
      throw new DataFormatException("a deletion vector of " + table + " stored in a file has no offset");
    }
    if (fileRows != null && cardinality > fileRows) {
      throw new DataFormatException("a deletion vector of " + table + " deletes " + cardinality + " rows of a file of "
          + fileRows + " rows");
    }
    return new DeletionVector(type, where, offset, size, cardinality, fileId, fileRows);
  }

  /**
   * @return what identifies this bitmap across queries, though its URL changes: the vector file's identifier (or
   *     its location without a query string) and the offset, or the inline bitmap itself
   */
  public String cacheKey() {
    if (inline()) {
      return "i:" + pathOrInlineDv;
    }
    return (fileId != null ? "f:" + fileId : "l:" + withoutQuery(pathOrInlineDv)) + "@" + offset + "+" + sizeInBytes;
  }

  /** @return a URL without its query string (a pre-signed URL's signature changes from query to query) */
  static String withoutQuery(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  /** @return whether the bitmap is in the descriptor itself */
  public boolean inline() {
    return storageType.equals("i");
  }

  /**
   * @param tableRoot the table's root, for a {@code u} vector; {@code null} if unknown
   * @return the location of the file that holds the bitmap
   * @throws DataFormatException for an inline vector, or a {@code u} vector with no table root
   */
  public String location(@Nullable URI tableRoot) {
    if (storageType.equals("p")) {
      return pathOrInlineDv;
    }
    if (storageType.equals("u")) {
      if (pathOrInlineDv.length() < Z85.UUID_LENGTH) {
        throw new DataFormatException("a deletion vector's UUID is shorter than " + Z85.UUID_LENGTH + " characters");
      }
      int split = pathOrInlineDv.length() - Z85.UUID_LENGTH;
      String prefix = pathOrInlineDv.substring(0, split);
      UUID uuid = Z85.decodeUuid(pathOrInlineDv.substring(split));
      if (tableRoot == null) {
        throw new DataFormatException("a deletion vector is stored relative to the table's root (storage type "
            + "'u'), and the sharing server named no location for the table");
      }
      String root = tableRoot.toString().endsWith("/") ? tableRoot.toString() : tableRoot + "/";
      return root + (prefix.isEmpty() ? "" : prefix + "/") + "deletion_vector_" + uuid + ".bin";
    }
    throw new DataFormatException("an inline deletion vector has no file");
  }

  /**
   * Loads the deleted row positions.
   *
   * @param tableRoot the table's root, for a {@code u} vector
   * @param fetch gets a whole file by its location (the caller caches files shared by several vectors)
   * @param file the data file, for messages
   * @return the deleted positions
   * @throws DataFormatException if the bitmap is corrupt: a wrong size, checksum, magic number or cardinality, or
   *     a position at or beyond {@link #fileRows}
   */
  public DeletedRows load(@Nullable URI tableRoot, Function<String, byte[]> fetch, String file) {
    byte[] bytes;
    int start;
    if (inline()) {
      bytes = Z85.decode(pathOrInlineDv, sizeInBytes);
      start = 0;
    } else {
      bytes = fetch.apply(location(tableRoot));
      int at = java.util.Objects.requireNonNull(offset, "a file's vector has an offset");
      if ((long) at + 8 + sizeInBytes > bytes.length) {
        throw new DataFormatException("the deletion vector of " + file + " ends beyond its file (offset " + at
            + ", " + sizeInBytes + " bytes, file of " + bytes.length + " bytes)");
      }
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
      int stored = b.getInt(at);
      if (stored != sizeInBytes) {
        throw new DataFormatException("the deletion vector of " + file + " is " + stored
            + " bytes in its file, and its descriptor says " + sizeInBytes);
      }
      start = at + 4;
      CRC32 crc = new CRC32();
      crc.update(bytes, start, sizeInBytes);
      int checksum = b.getInt(start + sizeInBytes);
      if ((int) crc.getValue() != checksum) {
        throw new DataFormatException("the deletion vector of " + file + " fails its CRC-32 check");
      }
    }
    return DeletedRows.read(bytes, start, sizeInBytes, cardinality, fileRows == null ? -1 : fileRows, file);
  }

  /**
   * The deleted row positions of one data file (0 is the file's first row), held as the serialized bitmap they came
   * in ({@link DeletionBitmap}): what it costs is its bytes, whatever it claims to delete. Immutable once loaded.
   */
  public static final class DeletedRows {

    private final DeletionBitmap positions;

    private static DeletedRows read(byte[] bytes, int start, int size, long cardinality, long rows, String file) {
      if (ByteBuffer.wrap(bytes, start, size).order(ByteOrder.LITTLE_ENDIAN).getInt(start) != MAGIC) {
        throw new DataFormatException("the deletion vector of " + file + " does not start with the magic number of "
            + "Delta's bitmap format");
      }
      return new DeletedRows(new DeletionBitmap(bytes, start + 4, start + size, rows, file), cardinality, file);
    }

    private DeletedRows(DeletionBitmap positions, long cardinality, String file) {
      if (positions.cardinality() != cardinality) {
        throw new DataFormatException("the deletion vector of " + file + " deletes "
            + positions.cardinality() + " rows, and its descriptor says " + cardinality);
      }
      this.positions = positions;
    }

    /**
     * @param position a row's position in its file
     * @return whether the row is deleted
     */
    public boolean contains(long position) {
      return positions.contains(position);
    }

    /** @return how many rows are deleted */
    public long count() {
      return positions.cardinality();
    }

    /** @return the greatest deleted position, {@code -1} if none */
    public long last() {
      return positions.last();
    }

    /** @return the deleted positions in ascending order, one at a time (a cursor over the bitmap, nothing copied) */
    public PrimitiveIterator.OfLong ascending() {
      return positions.ascending();
    }

    /**
     * @param other the rows deleted before
     * @return the rows deleted here and not in {@code other}, ascending, one at a time (a cursor over both bitmaps)
     */
    public PrimitiveIterator.OfLong minus(DeletedRows other) {
      PrimitiveIterator.OfLong mine = ascending();
      PrimitiveIterator.OfLong theirs = other.ascending();
      return new PrimitiveIterator.OfLong() {
        private long theirNext = theirs.hasNext() ? theirs.nextLong() : Long.MAX_VALUE;
        private long next = -1;

        @Override
        public boolean hasNext() {
          while (next < 0 && mine.hasNext()) {
            long p = mine.nextLong();
            while (theirNext < p) {
              theirNext = theirs.hasNext() ? theirs.nextLong() : Long.MAX_VALUE;
            }
            if (theirNext != p) {
              next = p;
            }
          }
          return next >= 0;
        }

        @Override
        public long nextLong() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          long p = next;
          next = -1;
          return p;
        }
      };
    }
  }
}
