package io.delpha.sdk.parquet.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Views of a byte array as little-endian numbers, Parquet's byte order: the decoders and the encoder read and write
 * fixed-width values through them, and the largest byte array a JVM makes.
 */
final class LittleEndian {

  static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  /** The largest byte array a JVM makes. */
  static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;

  private LittleEndian() {
  }
}
