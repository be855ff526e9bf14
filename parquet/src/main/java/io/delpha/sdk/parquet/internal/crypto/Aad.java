package io.delpha.sdk.parquet.internal.crypto;

/**
 * Module AADs as the format builds them (Encryption.md, section 4.4): the file's AAD (the AAD prefix, then the
 * file-unique bytes), the module type byte, then for every module but the footer the row group ordinal and the column
 * ordinal, and for data pages and their headers the page ordinal, each a 2-byte little-endian short.
 */
public final class Aad {

  /** The most an ordinal may be: the format writes it as a signed 16-bit short. */
  public static final int MAX_ORDINAL = Short.MAX_VALUE;

  private Aad() {}

  /**
   * @param prefix the AAD prefix (stored in the file or supplied by the reader), or an empty array
   * @param fileUnique the file's unique bytes ({@code aad_file_unique})
   * @return the file's AAD, which every module AAD starts with
   */
  public static byte[] file(byte[] prefix, byte[] fileUnique) {
    byte[] aad = new byte[prefix.length + fileUnique.length];
    System.arraycopy(prefix, 0, aad, 0, prefix.length);
    System.arraycopy(fileUnique, 0, aad, prefix.length, fileUnique.length);
    return aad;
  }

  /**
   * @param fileAad the file's AAD
   * @return the footer's AAD (of an encrypted footer, and of a plaintext footer's signature)
   */
  public static byte[] footer(byte[] fileAad) {
    byte[] aad = new byte[fileAad.length + 1];
    System.arraycopy(fileAad, 0, aad, 0, fileAad.length);
    aad[fileAad.length] = ModuleType.FOOTER.id();
    return aad;
  }

  /**
   * @param fileAad the file's AAD
   * @param type the module's type (not the footer)
   * @param rowGroup the row group ordinal
   * @param column the column ordinal (the chunk's place in its row group)
   * @param page the page ordinal (data pages and their headers only: the data pages before it in its chunk)
   * @return the module's AAD
   * @throws IllegalArgumentException if an ordinal is outside 0..{@value #MAX_ORDINAL}, which the format cannot write
   */
  public static byte[] module(byte[] fileAad, ModuleType type, int rowGroup, int column, int page) {
    if (type == ModuleType.FOOTER) {
      return footer(fileAad);
    }
    int n = fileAad.length;
    byte[] aad = new byte[n + (type.hasPageOrdinal() ? 7 : 5)];
    System.arraycopy(fileAad, 0, aad, 0, n);
    aad[n] = type.id();
    putShort(aad, n + 1, rowGroup, "row group");
    putShort(aad, n + 3, column, "column");
    if (type.hasPageOrdinal()) {
      putShort(aad, n + 5, page, "page");
    }
    return aad;
  }

  private static void putShort(byte[] aad, int at, int ordinal, String what) {
    if (ordinal < 0 || ordinal > MAX_ORDINAL) {
      throw new IllegalArgumentException("a " + what + " ordinal of " + ordinal + " is outside what Parquet "
          + "encryption can address (0 to " + MAX_ORDINAL + ")");
    }
    aad[at] = (byte) ordinal;
    aad[at + 1] = (byte) (ordinal >>> 8);
  }
}
