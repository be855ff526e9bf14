package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.delpha.sdk.cassandra.internal.CqlNames;
import io.delpha.sdk.cassandra.internal.QuorumExecutor;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.security.AuditEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only audit table: partitions per UTC day and hour ({@code ((day, hour), event_id)}), rows
 * clustered by a time-based UUID, written with plain inserts of fresh ids and never updated or deleted by the
 * library.
 *
 * <p>What key holders cause (authentications, refusals of their keys and statements) is bounded: refusals of
 * unauthenticated keys by a budget per minute ({@value #FAILURE_BUDGET} per real key id, and as many for keys of
 * no known organisation), and everything a budget's keys cause by a cap of {@value #HOURLY_CAP} rows per hour (an
 * organisation's own events, its authenticated keys', have a budget that no unauthenticated refusal spends);
 * beyond either, events are counted by action and outcome and written as one {@link #AGGREGATED} row when the
 * window ends (at the next such event of a later window, or at {@link #flush()}). These rows are written
 * asynchronously, so a refusal answers in the same time whether or not it is written (no timing tells a known key
 * id from an unknown one); {@link #stream} first waits for this process's writes in flight. The host's own actions
 * (issue, revoke, assign) are written synchronously and never capped.
 */
public final class AuditLog {

  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  /** The outcome of an allowed action. */
  public static final String GRANTED = "GRANTED";
  /** The outcome of a refused action. */
  public static final String DENIED = "DENIED";
  /** The outcome of an attempt refused unchecked because its key id failed too often. */
  public static final String THROTTLED = "THROTTLED";

  /** The outcome of a summary row counting events not recorded one by one. */
  public static final String AGGREGATED = "AGGREGATED";

  private static final int MAX_REASON = 1000;
  /** Refusals of unauthenticated keys recorded one by one per budget and minute. */
  static final int FAILURE_BUDGET = 100;
  static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
  /** Rows a budget's keys may cause per hour, all kinds together. */
  static final int HOURLY_CAP = 1000;
  /** Writes in flight at most; beyond, events are counted instead (a stalled cluster cannot fill the heap). */
  private static final int MAX_IN_FLIGHT = 1000;

  private final CqlExecutor cass;
  private final String table;
  private final Clock clock;
  private @Nullable Instant windowStart;
  private @Nullable Instant hourStart;
  /** Refusals written one by one in this minute, per budget (unknown keys; each organisation's keys). */
  private final Map<String, Integer> recordedInWindow = new HashMap<>();
  /** Rows written this hour, per budget. */
  private final Map<String, Integer> recordedInHour = new HashMap<>();
  private final Map<String, Integer> suppressedInWindow = new TreeMap<>();
  private final Map<String, Integer> suppressedInHour = new TreeMap<>();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * @param cass where the table lives
   * @param keyspace the security keyspace
   * @param clock the time written to each event
   */
  public AuditLog(CqlExecutor cass, String keyspace, Clock clock) {
    this.cass = cass;
    this.table = CqlNames.qualified(keyspace, "audit_events");
    this.clock = clock;
  }

  /**
   * @return the statement creating the table
   */
  public String createTable() {
    return "CREATE TABLE IF NOT EXISTS " + table + " (day date, hour tinyint, event_id timeuuid, at timestamp, "
        + "key_id text, organisation text, action text, outcome text, reason text, "
        + "PRIMARY KEY ((day, hour), event_id)) WITH CLUSTERING ORDER BY (event_id ASC) AND "
        + QuorumExecutor.TABLE_OPTIONS;
  }

  /**
   * Appends one event of the host's own (issue, revoke, assign, ...), synchronously and uncapped. The reason is
   * redacted of anything shaped like an access key and cut to 1000 characters.
   *
   * @param keyId the key concerned, or {@code null}
   * @param organisation its organisation, or {@code null}
   * @param action what was attempted
   * @param outcome {@link #GRANTED}, {@link #DENIED} or {@link #THROTTLED}
   * @param reason why
   */
  public void record(@Nullable String keyId, @Nullable String organisation, String action, String outcome, String reason) {
    Instant now = clock.instant();
    cass.execute(insert(), values(now, keyId, organisation, action, outcome, reason));
  }

  /**
   * Appends an event a key holder caused (an authentication, a refusal of an authenticated key's statement or
   * session), within its organisation's hourly cap, asynchronously.
   *
   * @param keyId the key concerned
   * @param organisation its organisation
   * @param action what was attempted
   * @param outcome {@link #GRANTED}, {@link #DENIED} or {@link #THROTTLED} (an open beyond the organisation's
   *     session bounds)
   * @param reason why
   */
  public void recordHolder(String keyId, String organisation, String action, String outcome, String reason) {
    admit(keyId, organisation, action, outcome, reason, false);
  }

  /**
   * Appends a refusal of an unauthenticated key ({@link #DENIED} or {@link #THROTTLED}) within a budget: the
   * first {@value #FAILURE_BUDGET} of each one-minute window are written one by one (and at most {@value
   * #HOURLY_CAP} an hour with the budget's other events); later ones are only counted, by action and outcome, and
   * written as one {@link #AGGREGATED} row when the window ends. Keys of no known organisation (unknown ids,
   * malformed keys) share one budget, and each real key id has a budget of its own, so a flood of made-up keys
   * cannot hide attempts on a real organisation's keys, and wrong secrets for one key id never spend the budget of
   * its organisation's own events. Counts not yet written are lost if the
   * process stops without {@link #flush()}.
   *
   * @param keyId the key concerned, or {@code null}
   * @param organisation its organisation, or {@code null}
   * @param action what was attempted
   * @param outcome {@link #DENIED} or {@link #THROTTLED}
   * @param reason why
   */
  public void recordFailure(@Nullable String keyId, @Nullable String organisation, String action, String outcome, String reason) {
    admit(keyId, organisation, action, outcome, reason, true);
  }

  private void admit(@Nullable String keyId, @Nullable String organisation, String action, String outcome, String reason,
      boolean failure) {
    Map<String, Integer> minuteSummary = null;
    Map<String, Integer> hourSummary = null;
    boolean write;
    Instant now = clock.instant();
    synchronized (this) {
      if (windowStart == null || !now.isBefore(windowStart.plus(FAILURE_WINDOW))) {
        if (!suppressedInWindow.isEmpty()) {
          minuteSummary = new TreeMap<>(suppressedInWindow);
          suppressedInWindow.clear();
        }
        windowStart = now;
        recordedInWindow.clear();
      }
      Instant hour = now.truncatedTo(ChronoUnit.HOURS);
      if (hourStart == null || !hour.equals(hourStart)) {
        if (!suppressedInHour.isEmpty()) {
          hourSummary = new TreeMap<>(suppressedInHour);
          suppressedInHour.clear();
        }
        hourStart = hour;
        recordedInHour.clear();
      }
      String budget = budget(keyId, organisation, failure);
      String what = action + " " + outcome + (organisation == null ? "" : " for " + organisation);
      int inHour = recordedInHour.getOrDefault(budget, 0);
      int inWindow = recordedInWindow.getOrDefault(budget, 0);
      if (inHour >= HOURLY_CAP) {
        suppressedInHour.merge(what, 1, Integer::sum);
        write = false;
      } else if (failure && inWindow >= FAILURE_BUDGET) {
        suppressedInWindow.merge(what, 1, Integer::sum);
        write = false;
      } else {
        recordedInHour.put(budget, inHour + 1);
        if (failure) {
          recordedInWindow.put(budget, inWindow + 1);
        }
        write = true;
      }
    }
    if (minuteSummary != null) {
      writeAsync(now, null, null, "AUDIT_BUDGET", AGGREGATED, "refusals beyond " + FAILURE_BUDGET + " a minute per "
          + "budget, counted but not recorded one by one: " + minuteSummary);
    }
    if (hourSummary != null) {
      writeAsync(now, null, null, "AUDIT_BUDGET", AGGREGATED, "events beyond " + HOURLY_CAP + " an hour per "
          + "organisation, counted but not recorded one by one: " + hourSummary);
    }
    if (write) {
      writeAsync(now, keyId, organisation, action, outcome, reason);
    }
  }

  /**
   * Whose budget an event spends. A refusal of an unauthenticated key never spends its organisation's: anyone who
   * knows a key id can present wrong secrets for it, so those spend the key id's own budget (or, for ids of no
   * known key, the one budget of unknown keys), and the organisation's own events stay recorded one by one.
   */
  private static String budget(@Nullable String keyId, @Nullable String organisation, boolean failure) {
    if (failure) {
      return organisation == null || keyId == null ? "" : "key " + keyId;
    }
    return organisation == null ? "" : "organisation " + organisation;
  }

  /**
   * Writes the counts of events not yet summarised and waits (up to 10 s) for this process's writes in flight.
   */
  public void flush() {
    Map<String, Integer> pending = new TreeMap<>();
    synchronized (this) {
      suppressedInWindow.forEach((k, v) -> pending.merge(k, v, Integer::sum));
      suppressedInHour.forEach((k, v) -> pending.merge(k, v, Integer::sum));
      suppressedInWindow.clear();
      suppressedInHour.clear();
    }
    if (!pending.isEmpty()) {
      writeAsync(clock.instant(), null, null, "AUDIT_BUDGET", AGGREGATED, "events beyond the audit budgets, counted "
          + "but not recorded one by one: " + pending);
    }
    awaitInFlight();
  }

  private void awaitInFlight() {
    CompletableFuture<?>[] all = inFlight.toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(all).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // a failed write was logged when it failed; a slow one is not waited for longer
    }
  }

  private void writeAsync(Instant at, @Nullable String keyId, @Nullable String organisation, String action, String outcome,
      String reason) {
    if (inFlight.size() >= MAX_IN_FLIGHT) {
      synchronized (this) {
        suppressedInHour.merge("audit writes beyond " + MAX_IN_FLIGHT + " in flight", 1, Integer::sum);
      }
      return;
    }
    CompletableFuture<?> f;
    try {
      f = cass.executeAsync(insert(), values(at, keyId, organisation, action, outcome, reason)).toCompletableFuture();
    } catch (RuntimeException e) {
      LOG.warn("an audit event could not be written ({})", e.getClass().getSimpleName());
      return;
    }
    inFlight.add(f);
    f.whenComplete((ok, error) -> {
      inFlight.remove(f);
      if (error != null) {
        LOG.warn("an audit event could not be written ({})", error.getClass().getSimpleName());
      }
    });
  }

  private String insert() {
    return "INSERT INTO " + table + " (day, hour, event_id, at, key_id, organisation, action, outcome, reason) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  }

  private static @Nullable Object[] values(Instant now, @Nullable String keyId, @Nullable String organisation, String action, String outcome,
      String reason) {
    String safe = KeyCodec.redact(reason);
    if (safe != null && safe.length() > MAX_REASON) {
      safe = safe.substring(0, MAX_REASON) + "...";
    }
    return new Object[] {LocalDate.ofInstant(now, ZoneOffset.UTC), (byte) now.atOffset(ZoneOffset.UTC).getHour(),
        Uuids.timeBased(), now, keyId, organisation, action, outcome, safe};
  }

  /**
   * @param day a UTC day
   * @return that day's events, oldest first (hour by hour), read page by page as the stream is consumed (close
   *     it); this process's writes in flight are waited for first
   */
  public Stream<AuditEvent> stream(LocalDate day) {
    awaitInFlight();
    return IntStream.range(0, 24).boxed().flatMap(h -> cass.stream("SELECT event_id, at, key_id, organisation, "
        + "action, outcome, reason FROM " + table + " WHERE day = ? AND hour = ?", day, (byte) (int) h))
        .map(r -> new AuditEvent(written(r.getUuid("event_id"), "event_id"), written(r.getInstant("at"), "at"),
            r.getString("key_id"), r.getString("organisation"), written(r.getString("action"), "action"),
            written(r.getString("outcome"), "outcome"), written(r.getString("reason"), "reason")));
  }

  /** A column {@link #values} writes with every event. */
  private static <T> T written(@Nullable T value, String column) {
    return Objects.requireNonNull(value, () -> "audit column " + column + " is unset");
  }
}
