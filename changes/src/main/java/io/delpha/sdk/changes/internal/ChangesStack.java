package io.delpha.sdk.changes.internal;

import io.delpha.sdk.core.internal.StackReader;

/** This module's read edges to the stacks found on the class path (core.internal.Capability decides them). */
public final class ChangesStack implements StackReader {

  @Override
  public void read(Module stack) {
    ChangesStack.class.getModule().addReads(stack);
  }
}
