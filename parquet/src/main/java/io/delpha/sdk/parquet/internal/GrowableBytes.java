package io.delpha.sdk.parquet.internal;

import java.util.Arrays;

/** A byte buffer that grows, written with array stores. */
final class GrowableBytes {
  byte[] bytes = new byte[64 * 1024];
  int length;

  void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
    }
  }
}
