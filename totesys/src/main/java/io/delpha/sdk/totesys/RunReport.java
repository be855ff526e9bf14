package io.delpha.sdk.totesys;

import io.delpha.sdk.core.internal.JsonSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.DelphaException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one pipeline run (or one step run alone) did: per-table counts, objects written, each step's
 * duration and, for a failed run, the step that failed and the typed error. Immutable.
 *
 * <pre>{@code
 * RunReport report = pipeline.run();
 * if (!report.succeeded()) alert(report.failure().orElseThrow());
 * System.out.println(report);            // a table for humans
 * String json = report.toJson();         // for logs and dashboards
 * }</pre>
 *
 * @param startedAt when the run started
 * @param succeeded whether every step it ran succeeded
 * @param rowsExtracted row versions written to the ingestion zone, by source table
 * @param rowsTransformed rows written to the processed zone, by warehouse table
 * @param rowsLoaded rows inserted or changed in the warehouse, by warehouse table (rows already there
 *     and unchanged are not counted)
 * @param rejects source rows sent to the processed zone's {@code _rejects/}, by source table
 * @param objectsWritten data objects written to the two zones (state and manifest objects excluded)
 * @param stepDurations how long each step that ran took
 * @param failedStep the step that failed, or {@code null}
 * @param error what went wrong, or {@code null}; never carries a secret
 */
public record RunReport(
    Instant startedAt,
    boolean succeeded,
    Map<String, Long> rowsExtracted,
    Map<String, Long> rowsTransformed,
    Map<String, Long> rowsLoaded,
    Map<String, Long> rejects,
    int objectsWritten,
    Map<Step, Duration> stepDurations,
    @Nullable Step failedStep,
    @Nullable DelphaException error) {

  private static final ObjectMapper JSON = JsonSupport.MAPPER;

  /** The three steps of a run, in order. */
  public enum Step {
    /** Source database to ingestion zone. */
    EXTRACT,
    /** Ingestion zone to processed zone. */
    TRANSFORM,
    /** Processed zone to warehouse. */
    LOAD
  }

  /** Copies the maps, sorted by table. */
  public RunReport {
    rowsExtracted = Collections.unmodifiableMap(new TreeMap<>(rowsExtracted));
    rowsTransformed = Collections.unmodifiableMap(new TreeMap<>(rowsTransformed));
    rowsLoaded = Collections.unmodifiableMap(new TreeMap<>(rowsLoaded));
    rejects = Collections.unmodifiableMap(new TreeMap<>(rejects));
    stepDurations = Collections.unmodifiableMap(stepDurations.isEmpty()
        ? new EnumMap<>(Step.class) : new EnumMap<>(stepDurations));
  }

  /**
   * @return the error of a failed run, empty for a successful one
   */
  public Optional<DelphaException> failure() {
    return Optional.ofNullable(error);
  }

  /**
   * @return all row versions extracted
   */
  public long totalRowsExtracted() {
    return rowsExtracted.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * @return all rows written to the processed zone
   */
  public long totalRowsTransformed() {
    return rowsTransformed.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * @return all rows inserted or changed in the warehouse
   */
  public long totalRowsLoaded() {
    return rowsLoaded.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * @return all rejected rows
   */
  public long totalRejects() {
    return rejects.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * @return the time every step took, together
   */
  public Duration totalDuration() {
    return stepDurations.values().stream().reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * @return the report as one JSON object (durations in milliseconds, the error as its type and message)
   */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("startedAt", startedAt.toString());
    root.put("succeeded", succeeded);
    root.set("rowsExtracted", JSON.valueToTree(rowsExtracted));
    root.set("rowsTransformed", JSON.valueToTree(rowsTransformed));
    root.set("rowsLoaded", JSON.valueToTree(rowsLoaded));
    root.set("rejects", JSON.valueToTree(rejects));
    root.put("objectsWritten", objectsWritten);
    ObjectNode durations = root.putObject("stepDurationsMillis");
    stepDurations.forEach((step, d) -> durations.put(step.name().toLowerCase(), d.toMillis()));
    if (error != null) {
      ObjectNode failure = root.putObject("failure");
      failure.put("step", failedStep == null ? null : failedStep.name().toLowerCase());
      failure.put("type", error.getClass().getSimpleName());
      failure.put("message", error.getMessage());
    }
    return root.toString();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append("totesys run ").append(startedAt).append(": ").append(succeeded ? "SUCCEEDED" : "FAILED");
    stepDurations.forEach((step, d) -> b.append(String.format("  %s %d ms", step.name().toLowerCase(), d.toMillis())));
    b.append(String.format("%n  objects written: %d%n", objectsWritten));
    section(b, "extracted (rows by source table)", rowsExtracted);
    section(b, "transformed (rows by warehouse table)", rowsTransformed);
    section(b, "loaded (rows inserted or changed)", rowsLoaded);
    section(b, "rejected (rows by source table)", rejects);
    if (error != null) {
      b.append(String.format("  failed in %s: %s: %s%n", failedStep == null ? "?" : failedStep.name().toLowerCase(),
          error.getClass().getSimpleName(), error.getMessage()));
    }
    return b.toString();
  }

  private static void section(StringBuilder b, String title, Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return;
    }
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    b.append(String.format("  %s: %d%n", title, total));
    counts.forEach((table, n) -> b.append(String.format("    %-22s %,10d%n", table, n)));
  }
}
