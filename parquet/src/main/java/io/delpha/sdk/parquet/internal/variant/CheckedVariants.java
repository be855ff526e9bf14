package io.delpha.sdk.parquet.internal.variant;

import io.delpha.sdk.parquet.Variant;
import org.jspecify.annotations.Nullable;

/**
 * Internal: the library's way to a {@link Variant} of bytes it has built and checked itself, without {@code
 * Variant.from}'s second parse of the metadata, second walk over the value and two copies. Its one user is the
 * shredded VARIANT reader ({@code ShreddedVariants}), whose rebuilt value is valid by construction: every residual
 * {@code value} byte it copies was checked by {@link VariantValues#validate} against the same parsed metadata, and
 * everything it writes itself (headers, ids, offsets, typed primitives) is checked as it is written, as {@code
 * validate} would check it. {@code Variant} registers the factory from its static initializer, once: a second
 * registration fails, so nothing else can take its place.
 */
public final class CheckedVariants {

  /** Makes a {@code Variant} of a parsed metadata and a valid value that no one else holds. */
  @FunctionalInterface
  public interface Factory {
    /**
     * @param metadata the value's metadata, parsed and checked (immutable)
     * @param value exactly one value, valid against {@code metadata}, held by no one else
     * @return the variant
     */
    Variant make(VariantMetadata metadata, byte[] value);
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
   * @return the variant, its bytes not checked again
   */
  public static Variant of(VariantMetadata metadata, byte[] value) {
    Factory f = factory;
    if (f == null) {
      try {
        Class.forName(Variant.class.getName(), true, Variant.class.getClassLoader()); // its initializer registers
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      f = java.util.Objects.requireNonNull(factory, "Variant registers its factory");
    }
    return f.make(metadata, value);
  }
}
