package io.delpha.sdk.parquet.internal;

import java.util.Arrays;
import org.apache.parquet.io.ParquetDecodingException;

/**
 * Makes a VARIANT column's vector (one BINARY per row: the metadata followed by the value, what
 * {@code VariantKind} reads) from its group read as a STRUCT of {@code metadata} and {@code value}. A null group is
 * a null row; the values themselves are checked when made ({@code Variant.from}).
 */
final class VariantAssembly {

  private VariantAssembly() {}

  /**
   * @param parts the group's vector: a STRUCT of the metadata and value BINARY vectors, {@code rows} rows
   * @param out the VARIANT column's BINARY vector, cleared here
   * @param rows the rows
   * @throws ParquetDecodingException if a present group has no metadata or no value
   */
  static void fill(Vector parts, Vector out, int rows) {
    out.clear();
    Vector metadata = parts.child(0);
    Vector value = parts.child(1);
    for (int i = 0; i < rows; i++) {
      if (parts.isNull(i)) {
        out.appendNull();
        continue;
      }
      if (metadata.isNull(i) || value.isNull(i)) {
        throw new ParquetDecodingException("a VARIANT of row " + i + " of the batch has no "
            + (metadata.isNull(i) ? "metadata" : "value"));
      }
      int[] mo = metadata.offsets();
      int[] vo = value.offsets();
      int ml = mo[i + 1] - mo[i];
      int vl = vo[i + 1] - vo[i];
      byte[] both = Arrays.copyOfRange(metadata.data(), mo[i], mo[i] + ml + vl);
      System.arraycopy(value.data(), vo[i], both, ml, vl);
      out.appendBytes(both, 0, both.length);
    }
  }
}
