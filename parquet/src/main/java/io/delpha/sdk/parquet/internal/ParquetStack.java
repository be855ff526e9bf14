package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.internal.StackReader;

/** This module's read edges to the stacks found on the class path (core.internal.Capability decides them). */
public final class ParquetStack implements StackReader {

  @Override
  public void read(Module stack) {
    ParquetStack.class.getModule().addReads(stack);
  }
}
