package io.delpha.sdk.parquet.internal.variant;

import org.jspecify.annotations.Nullable;

/**
 * Internal: the library's way to a {@code Variant} of bytes it has built and checked itself, without {@code
 * Variant.from}'s second parse of the metadata, second walk over the value and two copies. Its one user is the
 * shredded VARIANT reader ({@code ShreddedVariants}), whose rebuilt value is valid by construction: every residual
 * {@code value} byte it copies was checked by {@link VariantValues#validate} against the same parsed metadata, and
 * everything it writes itself (headers, ids, offsets, typed primitives) is checked as it is written, as {@code
 * validate} would check it. {@code Variant} registers the factory from its static initializer, once: a second
 * registration fails, so nothing else can take its place. It names no public class (the arrow points from {@code
 * Variant} here): {@code VariantKind} hands its values out and initializes {@code Variant} first.
 */
public final class CheckedVariants {

  /** Makes a {@code Variant} of a parsed metadata and a valid value that no one else holds. */
  @FunctionalInterface
  public interface Factory {
    /**
     * @param metadata the value's metadata, parsed and checked (immutable)
     * @param value exactly one value, valid against {@code metadata}, held by no one else
     * @return the {@code Variant}
     */
    Object make(VariantMetadata metadata, byte[] value);
  }

  private static volatile @Nullable Factory factory;

  private CheckedVariants() {}

  /**
   * Called by {@code Variant}'s static initializer.
   *
   * @param f the factory
   * @throws IllegalStateException if one is registered already
   */
  public static synchronized void register(Factory f) {
    if (factory != null) {
      throw new IllegalStateException("the Variant factory is registered already");
    }
    factory = f;
  }

  /**
   * @param metadata the value's metadata, parsed and checked by {@link VariantMetadata#parse}
   * @param value exactly one value, valid against it (as {@link VariantValues#validate} checks), held by no one else
   * @return the {@code Variant}, its bytes not checked again
   * @throws IllegalStateException if {@code Variant} is not initialized yet (its caller, {@code VariantKind}, sees to it)
   */
  public static Object of(VariantMetadata metadata, byte[] value) {
    Factory f = factory;
    if (f == null) {
      throw new IllegalStateException("the Variant class is not initialized");
    }
    return f.make(metadata, value);
  }
}
