package io.delpha.sdk.changes.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The column values of one change event, held by the slots of its schema's columns ({@link EventSchema#slot}): a
 * read-only map of the columns the event sets, by CQL name, in schema order. {@link TableWriter} binds them by slot,
 * without a lookup by name a value. Filled by {@link EventDecoder} only, then handed out read-only.
 */
final class EventValues extends AbstractMap<String, @Nullable Object> {

  private final EventSchema schema;
  private final @Nullable Object[] values;
  private final boolean[] set;
  private int size;

  EventValues(EventSchema schema) {
    this.schema = schema;
    int slots = schema.columns().size();
    this.values = new Object[slots];
    this.set = new boolean[slots];
  }

  /** Sets a column (a later value of the same column replaces the earlier one). */
  void set(int slot, @Nullable Object value) {
    if (!set[slot]) {
      set[slot] = true;
      size++;
    }
    values[slot] = value;
  }

  /**
   * @return the schema whose slots these are
   */
  EventSchema schema() {
    return schema;
  }

  /**
   * @param slot a slot
   * @return whether the event sets that column
   */
  boolean isSet(int slot) {
    return set[slot];
  }

  /**
   * @param slot a slot the event sets
   * @return its value, {@code null} to set the column to null
   */
  @Nullable Object value(int slot) {
    return values[slot];
  }

  /**
   * @return the number of slots (the schema's columns)
   */
  int slots() {
    return set.length;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object key) {
    int slot = key instanceof String s ? schema.slot(s) : -1;
    return slot >= 0 && set[slot];
  }

  @Override
  public @Nullable Object get(Object key) {
    int slot = key instanceof String s ? schema.slot(s) : -1;
    return slot >= 0 && set[slot] ? values[slot] : null;
  }

  @Override
  public Set<Map.Entry<String, @Nullable Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<String, @Nullable Object>> iterator() {
        return new Iterator<>() {
          private int next = advance(0);

          private int advance(int from) {
            int i = from;
            while (i < set.length && !set[i]) {
              i++;
            }
            return i;
          }

          @Override
          public boolean hasNext() {
            return next < set.length;
          }

          @Override
          public Map.Entry<String, @Nullable Object> next() {
            if (next >= set.length) {
              throw new NoSuchElementException();
            }
            int slot = next;
            next = advance(slot + 1);
            return new AbstractMap.SimpleImmutableEntry<>(schema.slotName(slot), values[slot]);
          }
        };
      }
    };
  }
}
