package io.delpha.sdk.aws.internal;

import io.delpha.sdk.core.internal.StackReader;

/** This module's read edges to the stacks found on the class path (core.internal.Capability decides them). */
public final class AwsStack implements StackReader {

  @Override
  public void read(Module stack) {
    AwsStack.class.getModule().addReads(stack);
  }
}
