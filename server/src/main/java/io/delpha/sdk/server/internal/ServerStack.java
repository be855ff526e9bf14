package io.delpha.sdk.server.internal;

import io.delpha.sdk.core.internal.StackReader;

/** This module's read edges to the stacks found on the class path (core.internal.Capability decides them). */
public final class ServerStack implements StackReader {

  @Override
  public void read(Module stack) {
    ServerStack.class.getModule().addReads(stack);
  }
}
