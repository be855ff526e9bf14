package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Host code written when {@code Physical} was nested in {@link ColumnVector} compiles and behaves as it did: this class
 * is such code (the old name, its constants, a variable of the old type, an enum switch with its labels, {@code
 * values()} and {@code valueOf}). What cannot compile is documented on {@link ColumnVector.Physical}.
 */
@SuppressWarnings("deprecation") // the deprecated alias is what is tested
class PhysicalAliasTest {

  @Test
  @DisplayName("ColumnVector.Physical still names the representation: its constants are Physical's, a variable of it "
      + "holds vector.physical(), switches on the enum keep their labels")
  void oldNameCompilesAndMeansTheSame() {
    ColumnVector longs = ColumnVector.repeat(Column.required("n", ColumnType.LONG), 7L, 3);
    ColumnVector.Physical old = longs.physical();
    assertThat(old == ColumnVector.Physical.INT64).isTrue();
    assertThat(old).isSameAs(Physical.INT64);
    assertThat(old.name()).isEqualTo("INT64");
    assertThat(old.ordinal()).isEqualTo(Physical.INT64.ordinal());
    assertThat(ColumnVector.Physical.values()).containsExactly(Physical.values());
    assertThat(ColumnVector.Physical.valueOf("BINARY")).isSameAs(Physical.BINARY);
    assertThat(describe(longs)).isEqualTo("64-bit");
    assertThat(describe(ColumnVector.repeat(Column.required("s", ColumnType.STRING), "x", 1))).isEqualTo("bytes");
  }

  /** A host's switch as it was written against the nested enum: unqualified labels on the vector's physical(). */
  private static String describe(ColumnVector v) {
    switch (v.physical()) {
      case INT64:
      case UINT64:
        return "64-bit";
      case BINARY:
        return "bytes";
      default:
        return "other";
    }
  }
}
