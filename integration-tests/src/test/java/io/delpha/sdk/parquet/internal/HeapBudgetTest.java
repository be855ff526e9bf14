package io.delpha.sdk.parquet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.InsufficientMemoryException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("HeapBudget: an allocation the heap cannot give is refused before it is made")
class HeapBudgetTest {

  private static final long MIB = 1L << 20;

  private final AtomicLong room = new AtomicLong();
  private final AtomicLong roomAfterCollection = new AtomicLong();
  private final AtomicInteger collections = new AtomicInteger();
  private final HeapBudget budget = new HeapBudget(room::get, () -> 1024 * MIB, () -> {
    collections.incrementAndGet();
    room.set(roomAfterCollection.get());
  });

  @Test
  @DisplayName("what fits is allowed without a collection")
  void fits() {
    room.set(100 * MIB);
    budget.check(100 * MIB, "a page");
    assertThat(collections).hasValue(0);
  }

  @Test
  @DisplayName("what fits only once garbage is collected is allowed after one collection")
  void fitsAfterCollection() {
    room.set(10 * MIB);
    roomAfterCollection.set(200 * MIB);
    budget.check(100 * MIB, "a page");
    assertThat(collections).hasValue(1);
  }

  @Test
  @DisplayName("what does not fit after a collection is an InsufficientMemoryException naming the sizes and -Xmx")
  void refused() {
    room.set(10 * MIB);
    roomAfterCollection.set(50 * MIB);
    assertThatThrownBy(() -> budget.check(100 * MIB, "a decompressed BROTLI page"))
        .isInstanceOfSatisfying(InsufficientMemoryException.class, e -> {
          assertThat(e.neededBytes()).isEqualTo(100 * MIB);
          assertThat(e.availableBytes()).isEqualTo(50 * MIB);
        })
        .hasMessage("a decompressed BROTLI page needs 104857600 bytes (100.0 MiB), more than the heap can give "
            + "(52428800 bytes (50.0 MiB) for one array, of its 1073741824 bytes (1.0 GiB) maximum); give the JVM a "
            + "larger heap (-Xmx)");
    assertThat(collections).hasValue(1);
  }

  @Test
  @DisplayName("an array grows by less than it would like, to what it needs, when only that fits")
  void growsToWhatFits() {
    room.set(150 * MIB);
    assertThat(budget.fit(100 * MIB, 200 * MIB, "values")).isEqualTo(100 * MIB);
    assertThat(budget.fit(100 * MIB, 120 * MIB, "values")).isEqualTo(120 * MIB);
    assertThat(collections).hasValue(0);
    roomAfterCollection.set(150 * MIB);
    assertThatThrownBy(() -> budget.fit(160 * MIB, 200 * MIB, "values"))
        .isInstanceOf(InsufficientMemoryException.class);
  }

  @Test
  @DisplayName("allocations below the checked size are not measured; the running JVM gives what it has room for")
  void smallAndReal() {
    HeapBudget.require(HeapBudget.CHECKED_BYTES - 1, "small");
    HeapBudget.require(HeapBudget.CHECKED_BYTES, "a checked size that fits any test heap");
    assertThatThrownBy(() -> HeapBudget.require(Runtime.getRuntime().maxMemory() + 1, "more than the heap"))
        .isInstanceOf(InsufficientMemoryException.class).hasMessageContaining("more than the heap needs");
  }
}
