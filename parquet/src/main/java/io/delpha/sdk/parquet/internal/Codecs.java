package io.delpha.sdk.parquet.internal;

import com.github.luben.zstd.Zstd;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.delpha.sdk.parquet.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.brotli.dec.BrotliInputStream;
import org.jspecify.annotations.Nullable;
import org.xerial.snappy.Snappy;

/**
 * The Parquet codecs without Hadoop: Snappy (written by snappy-java, read by our {@link SnappyDecoder}), ZSTD
 * (zstd-jni), GZIP (the JDK), LZ4 and LZ4_RAW (aircompressor, pure Java), BROTLI (decoding only, Google's
 * pure-Java decoder) and none. parquet-hadoop's own factory instantiates Hadoop codec classes; this one needs no
 * Hadoop at all. Stateless and thread-safe.
 *
 * <p>{@code LZ4} pages come in two forms under the one name: Hadoop's framing (blocks of a big-endian
 * uncompressed length, a big-endian compressed length and an LZ4 block, as parquet-mr writes) and a bare LZ4
 * block (as parquet-cpp wrote before 2.0). As parquet-cpp and arrow-rs do, the Hadoop framing is tried first
 * and the bare block when the framing does not account for the page exactly. A page whose compressed and
 * uncompressed sizes are both 0 is empty whatever its codec (no codec's stream is empty, but writers flag
 * empty v2 pages as compressed).
 */
public final class Codecs implements CompressionCodecFactory {

  /** The one instance. */
  public static final Codecs INSTANCE = new Codecs();

  private static final int ZSTD_LEVEL = 3;
  private static final VarHandle BIG_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  /** Both stateless: aircompressor's LZ4 block codec keeps nothing between calls. */
  private static final Lz4Compressor LZ4_COMPRESSOR = new Lz4Compressor();
  private static final Lz4Decompressor LZ4_DECOMPRESSOR = new Lz4Decompressor();

  /** Whether {@link #warmUp()} has run in this JVM. */
  private static final AtomicBoolean WARMED = new AtomicBoolean();

  private Codecs() {}

  /**
   * Once per JVM, on a background thread: loads parquet-column's encodings while the caller's thread reads its
   * first file's footer, so that the first page does not wait for them. Whatever fails here is left for the read
   * that needs it to report.
   */
  static void warmUp() {
    if (!WARMED.compareAndSet(false, true)) {
      return;
    }
    BackgroundWork.DECODER.execute(() -> {
      try {
        Encoding.PLAIN.ordinal();
      } catch (RuntimeException | LinkageError e) {
        // the read that needs them reports it
      }
    });
  }

  /**
   * @param compression our codec choice
   * @return Parquet's name for it
   */
  public static CompressionCodecName codecName(Compression compression) {
    return switch (compression) {
      case SNAPPY -> CompressionCodecName.SNAPPY;
      case ZSTD -> CompressionCodecName.ZSTD;
      case GZIP -> CompressionCodecName.GZIP;
      case LZ4_RAW -> CompressionCodecName.LZ4_RAW;
      case UNCOMPRESSED -> CompressionCodecName.UNCOMPRESSED;
    };
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    switch (codec) {
      case UNCOMPRESSED, SNAPPY, ZSTD, GZIP, LZ4_RAW -> { }
      default -> throw new UnsupportedCodecException(codec, "written");
    }
    return new BytesInputCompressor() {
      private final Buffer raw = new Buffer();
      private byte[] out = new byte[0];

      /**
       * Compresses into a buffer this compressor reuses: the bytes returned are valid until the next call
       * (parquet-hadoop's page writer copies them at once). A compressor serves one writer, one thread.
       */
      @Override
      public BytesInput compress(BytesInput bytes) throws IOException {
        if (codec == CompressionCodecName.UNCOMPRESSED) {
          return bytes;
        }
        raw.reset();
        bytes.writeAllTo(raw);
        int length = raw.size();
        switch (codec) {
          case SNAPPY -> {
            out = room(out, Snappy.maxCompressedLength(length));
            return BytesInput.from(out, 0, Snappy.compress(raw.bytes(), 0, length, out, 0));
          }
          case ZSTD -> {
            out = room(out, (int) Zstd.compressBound(length));
            long n = Zstd.compressByteArray(out, 0, out.length, raw.bytes(), 0, length, ZSTD_LEVEL);
            if (Zstd.isError(n)) {
              throw new IOException("ZSTD compression failed: " + Zstd.getErrorName(n));
            }
            return BytesInput.from(out, 0, (int) n);
          }
          case LZ4_RAW -> {
            out = room(out, LZ4_COMPRESSOR.maxCompressedLength(length));
            return BytesInput.from(out, 0, LZ4_COMPRESSOR.compress(raw.bytes(), 0, length, out, 0, out.length));
          }
          default -> {
            ByteArrayOutputStream gzipped = new ByteArrayOutputStream(length / 2 + 64);
            try (GZIPOutputStream gz = new GZIPOutputStream(gzipped)) {
              gz.write(raw.bytes(), 0, length);
            }
            return BytesInput.from(gzipped.toByteArray());
          }
        }
      }

      @Override
      public CompressionCodecName getCodecName() {
        return codec;
      }

      @Override
      public void release() {}
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    requireSupported(codec);
    return new BytesInputDecompressor() {
      @Override
      public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
        if (codec == CompressionCodecName.UNCOMPRESSED) {
          if (uncompressedSize >= HeapBudget.CHECKED_BYTES) {
            // a page read in several buffers is copied into one array to be decoded
            HeapBudget.require(uncompressedSize, "an UNCOMPRESSED page");
          }
          return bytes;
        }
        ByteBuffer view = bytes.toByteBuffer();
        if (view.hasArray()) {
          // a page read into a heap buffer: decompress from it without a copy
          return BytesInput.from(Codecs.decompress(codec, view.array(), view.arrayOffset() + view.position(),
              view.remaining(), uncompressedSize));
        }
        byte[] in = bytes.toByteArray();
        return BytesInput.from(Codecs.decompress(codec, in, 0, in.length, uncompressedSize));
      }

      @Override
      public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
          throws IOException {
        byte[] in = new byte[compressedSize];
        input.get(in);
        byte[] out = codec == CompressionCodecName.UNCOMPRESSED ? in
            : Codecs.decompress(codec, in, 0, in.length, uncompressedSize);
        output.put(out, 0, uncompressedSize);
      }

      @Override
      public void release() {}
    };
  }

  @Override
  public void release() {}

  private static void requireSupported(CompressionCodecName codec) {
    switch (codec) {
      case UNCOMPRESSED, SNAPPY, ZSTD, GZIP, LZ4, LZ4_RAW, BROTLI -> { }
      default -> throw new UnsupportedCodecException(codec, "read");
    }
  }

  private static byte[] room(byte[] buffer, int size) {
    return buffer.length >= size ? buffer : new byte[Math.max(size, buffer.length + (buffer.length >> 1))];
  }

  /** A byte array output stream whose array is read in place. */
  private static final class Buffer extends ByteArrayOutputStream {
    byte[] bytes() {
      return buf;
    }
  }

  /**
   * A SNAPPY page decompressed into {@code reuse} when it is large enough (every other codec, and a larger page, into
   * a new array): a reader that decodes a page before it asks for the next keeps one array for all of them.
   *
   * @return the page's bytes, the first {@code uncompressedSize} of the array returned
   * @throws IOException if the page is corrupt or does not decompress to {@code uncompressedSize} bytes
   */
  static byte[] decompress(CompressionCodecName codec, byte[] compressed, int offset, int length, int uncompressedSize,
      byte[] reuse) throws IOException {
    if (codec != CompressionCodecName.SNAPPY || reuse.length < uncompressedSize || uncompressedSize == 0) {
      return decompress(codec, compressed, offset, length, uncompressedSize);
    }
    checkExpansion(codec, length, uncompressedSize);
    return snappy(compressed, offset, length, uncompressedSize, reuse);
  }

  /**
   * Decompresses a SNAPPY page into the first {@code uncompressedSize} bytes of {@code out}, or of an array made for
   * it, with {@link SnappyDecoder}: the declared length is checked first, and every element against the input and
   * that length, so nothing past the page is written and every byte of it is.
   *
   * @param out the array to decompress into, at least {@code uncompressedSize} long, or {@code null} for a new one
   * @return the array holding the page
   * @throws IOException if the page is corrupt or does not decompress to {@code uncompressedSize} bytes
   */
  private static byte[] snappy(byte[] compressed, int offset, int length, int uncompressedSize, byte @Nullable [] out)
      throws IOException {
    byte[] o = out != null ? out : new byte[uncompressedSize];
    try {
      SnappyDecoder.decode(compressed, offset, length, o, 0, uncompressedSize);
    } catch (IOException e) {
      throw corruptSnappy(uncompressedSize, e);
    }
    return o;
  }

  private static byte[] decompress(CompressionCodecName codec, byte[] compressed, int offset, int length,
      int uncompressedSize) throws IOException {
    if (uncompressedSize < 0) {
      throw new IOException(codec + " page claims a negative size");
    }
    if (length == 0 && uncompressedSize == 0) {
      return new byte[0];
    }
    checkExpansion(codec, length, uncompressedSize);
    if (uncompressedSize >= HeapBudget.CHECKED_BYTES) {
      HeapBudget.require(uncompressedSize, "a decompressed " + codec + " page");
    }
    byte[] out = switch (codec) {
      case SNAPPY -> snappy(compressed, offset, length, uncompressedSize, null);
      case ZSTD -> {
        long declared = Zstd.getFrameContentSize(compressed, offset, length);
        if (declared == -2 || declared >= 0 && declared != uncompressedSize) {
          throw new IOException("ZSTD page is corrupt or does not decompress to the " + uncompressedSize
              + " bytes its header says");
        }
        byte[] o = new byte[uncompressedSize];
        long n = Zstd.decompressByteArray(o, 0, uncompressedSize, compressed, offset, length);
        if (Zstd.isError(n)) {
          throw new IOException("ZSTD page is corrupt: " + Zstd.getErrorName(n));
        }
        yield n == uncompressedSize ? o : Arrays.copyOf(o, (int) n);
      }
      case GZIP -> {
        try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(compressed, offset, length))) {
          yield readAtMost(codec, gz, uncompressedSize);
        }
      }
      case LZ4 -> lz4(compressed, offset, length, uncompressedSize);
      case LZ4_RAW -> lz4Raw(compressed, offset, length, uncompressedSize);
      case BROTLI -> {
        try (InputStream in = new BrotliInputStream(new ByteArrayInputStream(compressed, offset, length))) {
          yield readAtMost(codec, in, uncompressedSize);
        } catch (RuntimeException e) {
          // the decoder signals corrupt input with its own unchecked exception
          throw new IOException("BROTLI page is corrupt: " + e, e);
        }
      }
      default -> Arrays.copyOfRange(compressed, offset, offset + length);
    };
    if (out.length != uncompressedSize) {
      throw new IOException(codec + " page decompressed to " + out.length + " bytes, the header says " + uncompressedSize);
    }
    return out;
  }

  /**
   * Reads a decompressing stream into an array of the size a page declares, and one byte further, so that a page
   * that inflates beyond it (a decompression bomb) never allocates more.
   *
   * @throws IOException if the stream ends before that size or goes past it
   */
  private static byte[] readAtMost(CompressionCodecName codec, InputStream in, int uncompressedSize)
      throws IOException {
    // the declared size is allocated at once: the caller checked that the heap can give it (HeapBudget), so a header
    // that lies costs at most a passing array the heap had room for; growing as bytes arrive would need 1.5 times a
    // large page at its peak and leave the heap too fragmented for the next large array
    byte[] out = new byte[uncompressedSize];
    int n = in.readNBytes(out, 0, uncompressedSize);
    if (n < uncompressedSize) {
      throw new IOException(codec + " page decompressed to " + n + " bytes, the header says " + uncompressedSize);
    }
    if (in.read() >= 0) {
      throw new IOException(codec + " page decompressed to more than " + uncompressedSize + " bytes, the header says "
          + uncompressedSize);
    }
    return out;
  }

  /**
   * The most bytes a codec's output can hold per byte of its input, from its format: a page claiming more is refused
   * before its buffer is allocated. SNAPPY: a 3-byte copy makes at most 64 bytes; LZ4 (both framings): a match length
   * byte adds at most 255; ZSTD: a 4-byte RLE block makes at most a block's 128 KiB; GZIP: deflate's 1032:1 (a
   * 258-byte match in two 1-bit codes). BROTLI has no useful bound (a metablock of a few bytes may declare 16 MiB),
   * nor has UNCOMPRESSED a ratio: a page of either is bounded by the heap's room ({@link HeapBudget}) and, for
   * BROTLI, by reading no further than its declared size.
   *
   * @param codec the page's codec
   * @param compressed its compressed bytes
   * @param uncompressed the bytes it claims to decompress to
   * @throws IOException naming the claim and the bound if the codec cannot make that many bytes of that many
   */
  static void checkExpansion(CompressionCodecName codec, long compressed, long uncompressed) throws IOException {
    long most = switch (codec) {
      case SNAPPY -> 64 * compressed / 3 + 1;
      case LZ4, LZ4_RAW -> 255 * compressed + 64;
      case ZSTD -> 32_768 * compressed;
      case GZIP -> 1_032 * compressed;
      default -> Long.MAX_VALUE;
    };
    if (uncompressed > most) {
      throw new IOException(codec + " page is corrupt: it claims " + uncompressed + " bytes from " + compressed
          + " compressed bytes, more than " + (codec == CompressionCodecName.LZ4_RAW ? "LZ4" : codec)
          + " can expand to (at most " + most + ")");
    }
  }

  private static byte[] lz4Raw(byte[] compressed, int offset, int length, int uncompressedSize) throws IOException {
    byte[] out = new byte[uncompressedSize];
    int n;
    try {
      n = LZ4_DECOMPRESSOR.decompress(compressed, offset, length, out, 0, uncompressedSize);
    } catch (RuntimeException e) {
      throw new IOException("LZ4 page is corrupt or does not decompress to the " + uncompressedSize
          + " bytes its header says: " + e.getMessage(), e);
    }
    return n == uncompressedSize ? out : Arrays.copyOf(out, n);
  }

  /**
   * Hadoop's LZ4 framing if it accounts for every byte of the page and decompresses to exactly the declared
   * size, else a bare LZ4 block (what parquet-cpp's {@code Lz4HadoopCodec} does).
   */
  private static byte[] lz4(byte[] compressed, int offset, int length, int uncompressedSize) throws IOException {
    byte[] framed = lz4Hadoop(compressed, offset, length, uncompressedSize);
    return framed != null ? framed : lz4Raw(compressed, offset, length, uncompressedSize);
  }

  private static byte @Nullable [] lz4Hadoop(byte[] compressed, int offset, int length, int uncompressedSize) {
    byte[] out = new byte[uncompressedSize];
    int in = offset;
    int end = offset + length;
    int produced = 0;
    while (end - in >= 8) {
      int blockRaw = (int) BIG_ENDIAN_INT.get(compressed, in);
      int blockCompressed = (int) BIG_ENDIAN_INT.get(compressed, in + 4);
      in += 8;
      if (blockRaw < 0 || blockCompressed < 0 || blockCompressed > end - in || blockRaw > uncompressedSize - produced) {
        return null;
      }
      int n;
      try {
        n = LZ4_DECOMPRESSOR.decompress(compressed, in, blockCompressed, out, produced, blockRaw);
      } catch (RuntimeException e) {
        return null;
      }
      if (n != blockRaw) {
        return null;
      }
      in += blockCompressed;
      produced += n;
    }
    return in == end && produced == uncompressedSize ? out : null;
  }

  private static IOException corruptSnappy(int uncompressedSize, @Nullable IOException cause) {
    return new IOException("SNAPPY page is corrupt or does not decompress to the " + uncompressedSize
        + " bytes its header says", cause);
  }

  /** A file uses a codec this library does not read (LZO), or a writer asks for one it does not write. */
  public static final class UnsupportedCodecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnsupportedCodecException(CompressionCodecName codec, String how) {
      super("compression codec " + codec + " is not supported: pages are " + how + " in "
          + ("read".equals(how) ? "SNAPPY, ZSTD, GZIP, LZ4, LZ4_RAW, BROTLI and UNCOMPRESSED"
              : "SNAPPY, ZSTD, GZIP, LZ4_RAW and UNCOMPRESSED"));
    }
  }
}
