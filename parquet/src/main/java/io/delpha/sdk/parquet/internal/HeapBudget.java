package io.delpha.sdk.parquet.internal;

import io.delpha.sdk.core.InsufficientMemoryException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Asks whether the heap can still give an allocation the reader is about to make (a decompressed page, a
 * dictionary, a vector's bytes, a String), and refuses it with an {@link InsufficientMemoryException} before the
 * allocation rather than after, as an {@link OutOfMemoryError}.
 *
 * <p>Only allocations of {@link #CHECKED_BYTES} or more are checked: below, the check is one comparison and
 * the JVM's own collector handles the heap. A larger one is compared with the room for one object: the heap's
 * maximum less what it uses, no more than the emptiest generation can take (a collector with generations places
 * an array in one of them), and under G1 less what the gaps between large arrays may take. Garbage counts as
 * used, so when the allocation seems not to fit the budget asks for a full collection ({@link System#gc()}) and
 * measures again: it refuses only what does not fit after that. Under {@code -XX:+DisableExplicitGC} that
 * collection does not happen and garbage may make it refuse an allocation the JVM would have made. A heap more
 * fragmented than the estimate allows can still fail the JVM's way. Thread-safe.
 */
public final class HeapBudget {

  /** Allocations below this are not checked. */
  public static final long CHECKED_BYTES = 8L << 20;

  /** The running JVM's heap. */
  static final HeapBudget JVM = new HeapBudget(HeapBudget::roomForOneObject, () -> Runtime.getRuntime().maxMemory(),
      System::gc);

  private final LongSupplier room;
  private final LongSupplier maxHeap;
  private final Runnable collect;

  /**
   * @param room the bytes one new object may take now
   * @param maxHeap the heap's maximum, for the message
   * @param collect a full collection, run before a refusal
   */
  HeapBudget(LongSupplier room, LongSupplier maxHeap, Runnable collect) {
    this.room = room;
    this.maxHeap = maxHeap;
    this.collect = collect;
  }

  /**
   * Checks that the heap can give {@code bytes} for one object.
   *
   * @param bytes the size of the allocation about to be made
   * @param what what it holds, for the message ("a decompressed BROTLI page")
   * @throws InsufficientMemoryException if it cannot, even after a full collection
   */
  public static void require(long bytes, String what) {
    if (bytes >= CHECKED_BYTES) {
      JVM.check(bytes, what);
    }
  }

  /**
   * The size to grow an array to: {@code preferred} if the heap can give it, else the {@code needed} minimum if
   * it can give that.
   *
   * @param needed the least the array must hold
   * @param preferred the size the caller would grow to, at least {@code needed}
   * @param what what it holds, for the message
   * @return {@code preferred} or {@code needed}
   * @throws InsufficientMemoryException if the heap cannot give even {@code needed}
   */
  public static long grow(long needed, long preferred, String what) {
    if (preferred < CHECKED_BYTES) {
      return preferred;
    }
    return JVM.fit(needed, preferred, what);
  }

  /** {@link #require} on this budget, whatever the size. */
  void check(long bytes, String what) {
    fit(bytes, bytes, what);
  }

  /** {@link #grow} on this budget, whatever the size. */
  long fit(long needed, long preferred, String what) {
    long free = room.getAsLong();
    if (preferred <= free) {
      return preferred;
    }
    if (needed > free) {
      collect.run();
      free = room.getAsLong();
    }
    if (preferred <= free) {
      return preferred;
    }
    if (needed <= free) {
      return needed;
    }
    long max = maxHeap.getAsLong();
    long given = Math.max(free, 0);
    throw new InsufficientMemoryException(what + " needs " + size(needed) + ", more than the heap can give ("
        + size(given) + " for one array, of its " + size(max) + " maximum); give the JVM a larger heap (-Xmx)",
        needed, given, null);
  }

  /**
   * Whether the collector is G1, which places a large array in contiguous regions and never moves it. In a holder
   * of its own: asking the management beans loads about a hundred classes (15 ms of a JVM's first file), paid only
   * when a large array is checked.
   */
  private static final class Collector {
    static final boolean G1 = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .anyMatch(collector -> collector.getName().startsWith("G1 "));

    private Collector() {}
  }

  /**
   * The heap's maximum less what it uses, and no more than the generation with the most room left. Under G1 the
   * arrays already there split the free regions into gaps that no collection closes: the room is the free bytes
   * less as many as are used, up to half of them (on an empty heap, all of it; on a heap half full, half).
   */
  private static long roomForOneObject() {
    Runtime runtime = Runtime.getRuntime();
    long used = runtime.totalMemory() - runtime.freeMemory();
    long free = runtime.maxMemory() - used;
    if (Collector.G1) {
      free -= Math.min(used, free / 2);
    }
    long generation = -1;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        MemoryUsage usage = pool.getUsage();
        if (usage.getMax() >= 0) {
          generation = Math.max(generation, usage.getMax() - usage.getUsed());
        }
      }
    }
    return generation < 0 ? free : Math.min(free, generation);
  }

  /** A size in bytes and in binary units: {@code "1073741828 bytes (1.0 GiB)"}. */
  static String size(long bytes) {
    return bytes + " bytes (" + human(bytes) + ")";
  }

  private static String human(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
