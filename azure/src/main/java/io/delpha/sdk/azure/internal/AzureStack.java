package io.delpha.sdk.azure.internal;

import io.delpha.sdk.core.internal.StackReader;

/** This module's read edges to the stacks found on the class path (core.internal.Capability decides them). */
public final class AzureStack implements StackReader {

  @Override
  public void read(Module stack) {
    AzureStack.class.getModule().addReads(stack);
  }
}
