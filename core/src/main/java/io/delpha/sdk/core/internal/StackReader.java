package io.delpha.sdk.core.internal;

/**
 * A module of the library whose code links to a stack that may be on the class path (Parquet and Hadoop always are:
 * their packages are split across jars) or in a module its descriptor names as {@code requires static}. On the module
 * path a module reads only what its descriptor requires, and only a module's own code may add a read edge to it
 * ({@link Module#addReads}); so each such module provides one of these (its descriptor's {@code provides}, and
 * {@code META-INF/services} on the class path), and {@link Capability}, the one check of a stack, calls every one of
 * them with the stack's modules when it finds a stack, before any of its classes is linked.
 */
public interface StackReader {

  /**
   * Makes the provider's own module read {@code stack}: {@code getClass().getModule().addReads(stack)}.
   *
   * @param stack a module of a stack found (the class path's unnamed module included)
   */
  void read(Module stack);
}
