package io.delpha.sdk.cassandra.internal;

import io.delpha.sdk.core.internal.StackReader;

/** This module's read edges to the stacks found on the class path (core.internal.Capability decides them). */
public final class CassandraStack implements StackReader {

  @Override
  public void read(Module stack) {
    CassandraStack.class.getModule().addReads(stack);
  }
}
