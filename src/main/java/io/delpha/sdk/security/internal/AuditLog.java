package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.security.AuditEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The append-only audit table: one partition per UTC day, rows clustered by a time-based UUID, written
 * with plain inserts of fresh ids and never updated or deleted by the library.
 */
public final class AuditLog {

  /** The outcome of an allowed action. */
  public static final String GRANTED = "GRANTED";
  /** The outcome of a refused action. */
  public static final String DENIED = "DENIED";
  /** The outcome of an attempt refused unchecked because its key id failed too often. */
  public static final String THROTTLED = "THROTTLED";

  /** The outcome of a summary row counting refusals not recorded one by one. */
  public static final String AGGREGATED = "AGGREGATED";

  private static final int MAX_REASON = 1000;
  /** Refusals recorded one by one per window; beyond it they are counted into one summary row. */
  static final int FAILURE_BUDGET = 100;
  static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);

  private final CqlExecutor cass;
  private final String table;
  private final Clock clock;
  private Instant windowStart;
  /** Refusals written one by one in this window, per budget (unknown keys; each organisation's keys). */
  private final Map<String, Integer> recordedInWindow = new java.util.HashMap<>();
  private final Map<String, Integer> suppressed = new TreeMap<>();

  /**
   * @param cass where the table lives
   * @param keyspace the security keyspace
   * @param clock the time written to each event
   */
  public AuditLog(CqlExecutor cass, String keyspace, Clock clock) {
    this.cass = cass;
    this.table = keyspace + ".audit_log";
    this.clock = clock;
  }

  /**
   * @return the statement creating the table
   */
  public String createTable() {
    return "CREATE TABLE IF NOT EXISTS " + table + " (day date, event_id timeuuid, at timestamp, key_id text, "
        + "organisation text, action text, outcome text, reason text, PRIMARY KEY ((day), event_id)) "
        + "WITH CLUSTERING ORDER BY (event_id ASC)";
  }

  /**
   * Appends one event. The reason is redacted of anything shaped like an access key and cut to 1000
   * characters.
   *
   * @param keyId the key concerned, or {@code null}
   * @param organisation its organisation, or {@code null}
   * @param action what was attempted
   * @param outcome {@link #GRANTED}, {@link #DENIED} or {@link #THROTTLED}
   * @param reason why
   */
  public void record(String keyId, String organisation, String action, String outcome, String reason) {
    Instant now = clock.instant();
    String safe = KeyCodec.redact(reason);
    if (safe != null && safe.length() > MAX_REASON) {
      safe = safe.substring(0, MAX_REASON) + "...";
    }
    cass.execute("INSERT INTO " + table + " (day, event_id, at, key_id, organisation, action, outcome, reason) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", LocalDate.ofInstant(now, ZoneOffset.UTC), Uuids.timeBased(), now,
        keyId, organisation, action, outcome, safe);
  }

  /**
   * Appends a refusal ({@link #DENIED} or {@link #THROTTLED}) within a budget: the first {@value
   * #FAILURE_BUDGET} of each one-minute window are written one by one; later ones in the window are only
   * counted, by action and outcome, and written as one {@link #AGGREGATED} row when the next refusal
   * arrives in a later window. Keys of no known organisation (unknown ids, malformed keys) share one
   * budget, and the keys of each organisation have a budget of their own, so a flood of made-up keys
   * cannot hide attempts on a real organisation's keys (a wrong secret for a known key id). A flood thus
   * costs at most {@value #FAILURE_BUDGET} writes a minute per organisation under attack plus {@value
   * #FAILURE_BUDGET} for unknown keys, whatever its rate. Counts not yet written are lost if the process
   * stops.
   *
   * @param keyId the key concerned, or {@code null}
   * @param organisation its organisation, or {@code null}
   * @param action what was attempted
   * @param outcome {@link #DENIED} or {@link #THROTTLED}
   * @param reason why
   */
  public void recordFailure(String keyId, String organisation, String action, String outcome, String reason) {
    Map<String, Integer> summary = null;
    boolean individually;
    synchronized (this) {
      Instant now = clock.instant();
      if (windowStart == null || !now.isBefore(windowStart.plus(FAILURE_WINDOW))) {
        if (!suppressed.isEmpty()) {
          summary = new TreeMap<>(suppressed);
          suppressed.clear();
        }
        windowStart = now;
        recordedInWindow.clear();
      }
      String budget = organisation == null ? "" : organisation;
      int recorded = recordedInWindow.getOrDefault(budget, 0);
      individually = recorded < FAILURE_BUDGET;
      if (individually) {
        recordedInWindow.put(budget, recorded + 1);
      } else {
        suppressed.merge(action + " " + outcome + (organisation == null ? "" : " for " + organisation), 1,
            Integer::sum);
      }
    }
    if (summary != null) {
      record(null, null, "AUDIT_BUDGET", AGGREGATED, "refusals beyond " + FAILURE_BUDGET + " a minute per budget, counted "
          + "but not recorded one by one: " + summary);
    }
    if (individually) {
      record(keyId, organisation, action, outcome, reason);
    }
  }

  /**
   * @param day a UTC day
   * @return that day's events, oldest first, read page by page as the stream is consumed (close it)
   */
  public Stream<AuditEvent> stream(LocalDate day) {
    return cass.stream("SELECT event_id, at, key_id, organisation, action, outcome, reason FROM " + table
        + " WHERE day = ?", day)
        .map(r -> new AuditEvent(r.getUuid("event_id"), r.getInstant("at"), r.getString("key_id"),
            r.getString("organisation"), r.getString("action"), r.getString("outcome"), r.getString("reason")));
  }
}
