package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.Map;

/** One scoped session's statements that passed its checks, least recently used evicted first. */
final class PreparedCache {

  private final Map<String, PreparedStatement> entries;

  PreparedCache(int capacity) {
    this.entries = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized PreparedStatement get(String cql) {
    return entries.get(cql);
  }

  synchronized void put(String cql, PreparedStatement prepared) {
    entries.put(cql, prepared);
  }
}
