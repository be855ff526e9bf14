package io.delpha.sdk.parquet.internal;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What a vector keeps of the dictionary its values' ids refer to: the values made of it so far, one per entry, and the
 * bytes of a dictionary it is bound to; on a dictionary itself (a BINARY vector vectors bind to), its strings, made once
 * and shared by every vector bound to it. State only, kept with its {@code Vector} from batch to batch;
 * {@code LeafValues} decides what goes in it. Not thread-safe.
 */
final class DictionaryCache {

  /** The values made per dictionary id; on a vector bound to a dictionary's strings, that dictionary's array. */
  @Nullable Object[] values = new Object[0];
  /** What {@link #values} were made from (an object standing for a column chunk's dictionary), or {@code null}. */
  @Nullable Object madeFor;
  /** The bytes and offsets of the dictionary the values are bound to, or {@code null}. */
  byte @Nullable [] boundData;
  int @Nullable [] boundOffsets;
  /** The dictionary whose strings {@link #values} is (then shared and never written here), or {@code null}. */
  @Nullable DictionaryCache stringsOf;
  /** On a dictionary, its strings, each made once by the first vector bound to it, or {@code null}. */
  @Nullable Object @Nullable [] strings;

  /**
   * Starts on values of another dictionary: those made for the previous one are dropped (an array of {@code entries}
   * is made when the current one is smaller, or shared).
   */
  void renew(Object dictionary, int entries) {
    if (stringsOf != null || values.length < entries) {
      values = new Object[entries]; // a dictionary's shared strings are never cleared here
    } else {
      Arrays.fill(values, null);
    }
    madeFor = dictionary;
    stringsOf = null;
  }

  /** Ends a binding to a dictionary's bytes (the vector emptied); on a dictionary, drops its strings. */
  void unbind() {
    boundData = null;
    boundOffsets = null;
    strings = null;
  }
}
