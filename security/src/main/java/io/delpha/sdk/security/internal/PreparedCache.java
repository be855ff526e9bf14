package io.delpha.sdk.security.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One scoped session's statements that passed its checks, keyed by their text, least recently used evicted first.
 * What it holds is the library's own record of each preparation ({@link KeyScopedSession}'s {@code Checked}), never
 * an object a tenant was given.
 *
 * @param <V> the record kept per text
 */
final class PreparedCache<V> {

  private final Map<String, V> entries;

  PreparedCache(int capacity) {
    this.entries = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized @Nullable V get(String cql) {
    return entries.get(cql);
  }

  synchronized void put(String cql, V checked) {
    entries.put(cql, checked);
  }
}
