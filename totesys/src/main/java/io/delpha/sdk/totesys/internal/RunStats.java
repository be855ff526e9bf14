package io.delpha.sdk.totesys.internal;

import java.util.Map;
import java.util.TreeMap;

/** What one run has done so far; steps add to it and the pipeline turns it into a report. Not thread-safe. */
public final class RunStats {

  /** Rows extracted, by source table. */
  public final Map<String, Long> rowsExtracted = new TreeMap<>();
  /** Rows written to the processed zone, by warehouse table. */
  public final Map<String, Long> rowsTransformed = new TreeMap<>();
  /** Rows inserted or changed in the warehouse, by warehouse table. */
  public final Map<String, Long> rowsLoaded = new TreeMap<>();
  /** Rows sent to the rejects, by source table. */
  public final Map<String, Long> rejects = new TreeMap<>();
  private int objectsWritten;

  /**
   * @param map one of the counters
   * @param name a table
   * @param count rows to add
   */
  public static void add(Map<String, Long> map, String name, long count) {
    map.merge(name, count, Long::sum);
  }

  /** Counts one more data object written to a zone. */
  public void objectWritten() {
    objectsWritten++;
  }

  /**
   * @return data objects written to the zones (state and manifest objects excluded)
   */
  public int objectsWritten() {
    return objectsWritten;
  }
}
