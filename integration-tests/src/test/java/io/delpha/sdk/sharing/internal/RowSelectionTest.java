package io.delpha.sdk.sharing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.sharing.internal.DeltaFileReader.RowSelection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cursors that pick a file's rows batch by batch (deletion vectors, change feed pairs) against a model: a plain
 * set of positions asked row by row. Seeded; a failure names the seed and the command that replays it.
 */
class RowSelectionTest {

  @Test
  @DisplayName("dropping and keeping cursors pick exactly the rows a set of positions says, over random batch sizes")
  void cursorsAgreeWithASetOfPositions() {
    long base = Long.getLong("rowselection.seed", 37_000L);
    int runs = Integer.getInteger("rowselection.runs", 500);
    for (long seed = base; seed < base + runs; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      int rows = random.nextInt(5) == 0 ? random.nextInt(3) : random.nextInt(20_000);
      int density = 1 + random.nextInt(6);
      TreeSet<Long> positions = new TreeSet<>();
      for (long p = 0; p < rows; p++) {
        // runs of positions and lone ones, the first and last rows included sometimes
        if (random.nextInt(density * 3) == 0 || (p == 0 || p == rows - 1) && random.nextBoolean()) {
          positions.add(p);
        }
      }
      long[] sorted = positions.stream().mapToLong(Long::longValue).toArray();
      RowSelection dropping = RowSelection.dropping(Arrays.stream(sorted).iterator());
      RowSelection keeping = RowSelection.keeping(sorted);
      List<Long> dropped = new ArrayList<>();
      List<Long> kept = new ArrayList<>();
      List<Long> expectedKept = new ArrayList<>();
      List<Long> expectedDropped = new ArrayList<>();
      long first = 0;
      while (first < rows) {
        int batch = (int) Math.min(rows - first, 1 + random.nextInt(random.nextBoolean() ? 8 : 4096));
        int[] out = new int[batch];
        int n = dropping.select(first, batch, out);
        for (int i = 0; i < n; i++) {
          dropped.add(first + out[i]);
        }
        n = keeping.select(first, batch, out);
        for (int i = 0; i < n; i++) {
          kept.add(first + out[i]);
        }
        for (long p = first; p < first + batch; p++) {
          (positions.contains(p) ? expectedKept : expectedDropped).add(p);
        }
        first += batch;
      }
      String replay = "seed " + seed + "; replay: mvn -B -ntp -q test -Dtest=RowSelectionTest -Drowselection.seed="
          + seed + " -Drowselection.runs=1";
      assertThat(dropped).as("rows left by a dropping cursor, " + replay).isEqualTo(expectedDropped);
      assertThat(kept).as("rows picked by a keeping cursor, " + replay).isEqualTo(expectedKept);
    }
  }
}
