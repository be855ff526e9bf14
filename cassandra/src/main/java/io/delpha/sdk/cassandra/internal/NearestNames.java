package io.delpha.sdk.cassandra.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Orders known names by closeness to a name that was not found, for "did you mean" messages. */
public final class NearestNames {

  private NearestNames() {}

  /**
   * @param wanted the name asked for
   * @param known the names that exist
   * @return the known names, closest (edit distance) first, at most 10
   */
  public static List<String> nearestFirst(@Nullable String wanted, List<String> known) {
    List<String> sorted = new ArrayList<>(known);
    String w = wanted == null ? "" : wanted.toLowerCase();
    sorted.sort(Comparator.comparingInt((String k) -> distance(w, k.toLowerCase())).thenComparing(k -> k));
    return sorted.subList(0, Math.min(10, sorted.size()));
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
