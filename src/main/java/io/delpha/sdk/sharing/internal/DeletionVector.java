package io.delpha.sdk.sharing.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.core.internal.Capability;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.PrimitiveIterator;
import java.util.UUID;
import java.util.function.Function;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;
import org.roaringbitmap.longlong.Roaring64NavigableMap;

/**
 * A Delta deletion vector descriptor (the {@code deletionVector} of an {@code add} or {@code remove} action,
 * Delta's PROTOCOL.md "Deletion Vector Descriptor Schema"): where the bitmap of a data file's deleted row
 * positions is and how large it is.
 *
 * <p>Storage types: {@code i}, the bitmap inline, Z85-encoded; {@code p}, an absolute path (a sharing server
 * hands out a pre-signed URL here); {@code u}, a file named by a UUID relative to the table's root
 * ({@code <prefix>/deletion_vector_<uuid>.bin}). A file holds a version byte, then at {@code offset} each
 * bitmap as its size (big-endian int), its bytes, and the CRC-32 of its bytes (big-endian int). The bitmap is
 * Delta's "RoaringBitmapArray": a little-endian magic number, then the portable 64-bit Roaring format, read by
 * the RoaringBitmap library.
 *
 * @param storageType {@code i}, {@code p} or {@code u}
 * @param pathOrInlineDv the encoded bitmap, the path or URL, or the prefix and encoded UUID
 * @param offset where the bitmap starts in its file, {@code null} for an inline bitmap
 * @param sizeInBytes the bitmap's size in bytes
 * @param cardinality how many rows it deletes
 * @param fileId the sharing server's stable identifier of the file that holds the bitmap
 *     ({@code deletionVectorFileId}), {@code null} if it named none
 */
public record DeletionVector(String storageType, String pathOrInlineDv, @Nullable Integer offset, int sizeInBytes,
    long cardinality, @Nullable String fileId) {

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
    String type = QueryResponse.text(dv, "storageType");
    String where = QueryResponse.text(dv, "pathOrInlineDv");
    if (type == null || where == null || !dv.path("sizeInBytes").canConvertToInt()
        || !dv.path("cardinality").canConvertToLong()) {
      throw new DataFormatException("a deletion vector of " + table
          + " lacks storageType, pathOrInlineDv, sizeInBytes or cardinality");
    }
    if (!type.equals("i") && !type.equals("p") && !type.equals("u")) {
      throw new DataFormatException("a deletion vector of " + table + " has the storage type '" + Peers.echo(type)
          + "'; the Delta protocol defines 'i', 'p' and 'u'");
    }
    Integer offset = dv.hasNonNull("offset") ? dv.get("offset").asInt() : null;
    int size = dv.get("sizeInBytes").asInt();
    long cardinality = dv.get("cardinality").asLong();
    if (size < 4 || cardinality < 0 || (offset != null && offset < 0) || (!type.equals("i") && offset == null)) {
      throw new DataFormatException("a deletion vector of " + table + " has an impossible size, cardinality or "
          + "offset (size " + size + ", cardinality " + cardinality + ", offset " + offset + ")");
    }
    return new DeletionVector(type, where, offset, size, cardinality, fileId);
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
   * @throws DataFormatException if the bitmap is corrupt: a wrong size, checksum, magic number or cardinality
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
    Capability.require("a shared table's deletion vectors", Capability.DELETION_VECTORS);
    return DeletedRows.read(bytes, start, sizeInBytes, cardinality, file);
  }

  /** The deleted row positions of one data file (0 is the file's first row). Immutable once loaded. */
  public static final class DeletedRows {

    private final Roaring64NavigableMap positions;

    private static DeletedRows read(byte[] bytes, int start, int size, long cardinality, String file) {
      return new DeletedRows(bitmap(bytes, start, size, file), cardinality, file);
    }

    private static Roaring64NavigableMap bitmap(byte[] bytes, int start, int size, String file) {
      if (ByteBuffer.wrap(bytes, start, size).order(ByteOrder.LITTLE_ENDIAN).getInt(start) != MAGIC) {
        throw new DataFormatException("the deletion vector of " + file + " does not start with the magic number of "
            + "Delta's bitmap format");
      }
      Roaring64NavigableMap map = new Roaring64NavigableMap();
      try {
        map.deserializePortable(new DataInputStream(new ByteArrayInputStream(bytes, start + 4, size - 4)));
      } catch (IOException | RuntimeException e) {
        throw new DataFormatException("the deletion vector of " + file + " is not a valid bitmap: " + e.getMessage(), e);
      }
      return map;
    }

    DeletedRows(Roaring64NavigableMap positions, long cardinality, String file) {
      if (positions.getLongCardinality() != cardinality) {
        throw new DataFormatException("the deletion vector of " + file + " deletes "
            + positions.getLongCardinality() + " rows, and its descriptor says " + cardinality);
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
      return positions.getLongCardinality();
    }

    /** @return the deleted positions in ascending order, one at a time (nothing copied) */
    public PrimitiveIterator.OfLong ascending() {
      org.roaringbitmap.longlong.LongIterator it = positions.getLongIterator();
      return new PrimitiveIterator.OfLong() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public long nextLong() {
          if (!it.hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return it.next();
        }
      };
    }

    /** @return the deleted positions in ascending order */
    public long[] toArray() {
      return positions.toArray();
    }

    /**
     * @param other the rows deleted before
     * @return the rows deleted here and not in {@code other}
     */
    public long[] minus(DeletedRows other) {
      Roaring64NavigableMap copy = new Roaring64NavigableMap();
      copy.or(positions);
      copy.andNot(other.positions);
      return copy.toArray();
    }
  }
}
