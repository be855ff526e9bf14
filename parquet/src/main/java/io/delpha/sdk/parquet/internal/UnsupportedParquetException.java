package io.delpha.sdk.parquet.internal;

import org.apache.parquet.io.ParquetDecodingException;

/**
 * A valid file that uses something this reader does not read (a column chunk in another file, an encoding it does not
 * know): refused as unsupported, named, never as corrupt. A claim no writer can make is a plain {@link
 * ParquetDecodingException}, which the readers report as corrupt.
 */
public final class UnsupportedParquetException extends ParquetDecodingException {
  private static final long serialVersionUID = 1L;

  /** @param what what the file uses, named */
  UnsupportedParquetException(String what) {
    super(what);
  }

  /**
   * @param e a refusal
   * @return whether it, or a cause of it, says the file uses something this reader does not read (this, or a codec
   *     it does not decompress)
   */
  public static boolean isUnsupported(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnsupportedParquetException || t instanceof Codecs.UnsupportedCodecException) {
        return true;
      }
    }
    return false;
  }
}
