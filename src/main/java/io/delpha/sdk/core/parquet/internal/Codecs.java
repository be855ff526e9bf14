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
      @Override
      public BytesInput compress(BytesInput bytes) throws IOException {
        return codec == CompressionCodecName.UNCOMPRESSED ? bytes : BytesInput.from(Codecs.compress(codec, bytes.toByteArray()));
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
        return BytesInput.from(Codecs.decompress(codec, bytes.toByteArray(), uncompressedSize));
      }

      @Override
      public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
          throws IOException {
        byte[] in = new byte[compressedSize];
        input.get(in);
        byte[] out = codec == CompressionCodecName.UNCOMPRESSED ? in : Codecs.decompress(codec, in, uncompressedSize);
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

  private static byte[] compress(CompressionCodecName codec, byte[] raw) throws IOException {
    return switch (codec) {
      case SNAPPY -> Snappy.compress(raw);
      case ZSTD -> Zstd.compress(raw, ZSTD_LEVEL);
      case GZIP -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
          gz.write(raw);
        }
        yield out.toByteArray();
      }
      default -> raw;
    };
  }

  private static byte[] decompress(CompressionCodecName codec, byte[] compressed, int uncompressedSize) throws IOException {
    byte[] out = switch (codec) {
      case SNAPPY -> Snappy.uncompress(compressed);
      case ZSTD -> Zstd.decompress(compressed, uncompressedSize);
      case GZIP -> {
        try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
          yield gz.readAllBytes();
        }
      }
      default -> compressed;
    };
    if (out.length != uncompressedSize) {
      throw new IOException(codec + " page decompressed to " + out.length + " bytes, the header says " + uncompressedSize);
    }
    return out;
  }

  /** A file uses a codec this library does not carry (LZO, LZ4, Brotli). */
  public static final class UnsupportedCodecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnsupportedCodecException(CompressionCodecName codec) {
      super("compression codec " + codec + " is not supported (SNAPPY, ZSTD, GZIP and UNCOMPRESSED are)");
    }
  }
}
