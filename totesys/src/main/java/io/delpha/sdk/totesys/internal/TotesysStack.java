package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.core.internal.StackReader;

/** This module's read edges to the stacks found on the class path (core.internal.Capability decides them). */
public final class TotesysStack implements StackReader {

  @Override
  public void read(Module stack) {
    TotesysStack.class.getModule().addReads(stack);
  }
}
