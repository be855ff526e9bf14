package io.delpha.sdk.core.parquet.internal;

import com.github.luben.zstd.Zstd;
import io.delpha.sdk.core.parquet.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * The Parquet codecs without Hadoop: Snappy (snappy-java), ZSTD (zstd-jni), GZIP (the JDK) and none.
 * parquet-hadoop's own factory instantiates Hadoop codec classes; this one needs no Hadoop at all.
 * Stateless and thread-safe.
 */
public final class Codecs implements CompressionCodecFactory {

  /** The one instance. */
  public static final Codecs INSTANCE = new Codecs();

  private static final int ZSTD_LEVEL = 3;

  private Codecs() {}

  /**
   * @param compression our codec choice
   * @return Parquet's name for it
   */
  public static CompressionCodecName codecName(Compression compression) {
    return switch (compression) {
      case SNAPPY -> CompressionCodecName.SNAPPY;
      case ZSTD -> CompressionCodecName.ZSTD;
      case GZIP -> CompressionCodecName.GZIP;
      case UNCOMPRESSED -> CompressionCodecName.UNCOMPRESSED;
    };
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    requireSupported(codec);
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
      case UNCOMPRESSED, SNAPPY, ZSTD, GZIP -> { }
      default -> throw new UnsupportedCodecException(codec);
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

  private static byte[] decompress(CompressionCodecName codec, byte[] compressed, int offset, int length,
      int uncompressedSize) throws IOException {
    if (uncompressedSize < 0) {
      throw new IOException(codec + " page claims a negative size");
    }
    byte[] out = switch (codec) {
      case SNAPPY -> {
        // no separate validation pass: snappy's decoder checks every copy against its input and against the
        // declared length, which is checked first so that the output array is exactly large enough
        byte[] o = null;
        boolean whole;
        try {
          whole = Snappy.uncompressedLength(compressed, offset, length) == uncompressedSize
              && Snappy.uncompress(compressed, offset, length, o = new byte[uncompressedSize], 0) == uncompressedSize;
        } catch (IOException e) {
          throw corruptSnappy(uncompressedSize, e);
        }
        if (!whole) {
          throw corruptSnappy(uncompressedSize, null);
        }
        yield o;
      }
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
        yield n == uncompressedSize ? o : java.util.Arrays.copyOf(o, (int) n);
      }
      case GZIP -> {
        try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(compressed, offset, length))) {
          yield gz.readAllBytes();
        }
      }
      default -> java.util.Arrays.copyOfRange(compressed, offset, offset + length);
    };
    if (out.length != uncompressedSize) {
      throw new IOException(codec + " page decompressed to " + out.length + " bytes, the header says " + uncompressedSize);
    }
    return out;
  }

  private static IOException corruptSnappy(int uncompressedSize, IOException cause) {
    return new IOException("SNAPPY page is corrupt or does not decompress to the " + uncompressedSize
        + " bytes its header says", cause);
  }

  /** A file uses a codec this library does not carry (LZO, LZ4, Brotli). */
  public static final class UnsupportedCodecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnsupportedCodecException(CompressionCodecName codec) {
      super("compression codec " + codec + " is not supported (SNAPPY, ZSTD, GZIP and UNCOMPRESSED are)");
    }
  }
}
