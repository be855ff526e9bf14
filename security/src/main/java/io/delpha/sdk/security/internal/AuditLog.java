package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.cassandra.QuorumExecutor;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.security.AuditEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
 * <p><b>Budgets.</b> What key holders cause is written one by one within budgets, and two kinds of events never
 * share one:
 * <ul>
 *   <li>attempts that fail authentication ({@link #recordFailure}: a wrong secret, an unknown or malformed key, a
 *       revoked or expired key, a throttled id) spend the budget of the key id presented, {@value #FAILURE_BUDGET}
 *       rows a minute, or, for ids of no known key, the one budget of unknown keys; anyone who knows a key id (it
 *       is public) can present wrong secrets for it, so these never spend what the key holder's own events have;
 *   <li>events of an authenticated key ({@link #recordHolder}: its authentications, its opens, its refused
 *       statements and session checks) spend its organisation's budget only;
 * </ul>
 * and every budget has a cap of {@value #HOURLY_CAP} rows an hour. Budgets are counted in memory by {@link
 * FailureThrottle}s, bounded like the failure throttle ({@value FailureThrottle#MAX_TRACKED} budgets at most): the
 * refused attempts of a real key id beyond that bound spend the budget of unknown keys, so memory stays flat
 * whatever the number of ids flooded.
 *
 * <p><b>What a budget drops is counted, not lost.</b> Each event beyond a budget (or beyond {@value
 * #MAX_IN_FLIGHT} writes in flight) is counted by its group: the key id and organisation of a real key's refused
 * attempts, the organisation of an authenticated key's events, or neither for unknown keys, and its action. When
 * the minute of the configured clock changes (at the next event of a later minute), and at {@link #flush()} (which
 * {@code AccessKeys.close()} calls), each group's count is written as one row with the outcome {@link #AGGREGATED},
 * the group's key id, organisation and action, the number of events it stands for ({@code events}), the times of
 * the first and the last of them ({@code window_start}, {@code window_end}) and a reason such as "150 refused
 * attempts for key K between T1 and T2 (DENIED=5, THROTTLED=145)". A row written one by one has {@code events} 1.
 * So for every group, the rows written one by one plus the {@code events} of its summary rows equal the events
 * that happened; counts not yet written are lost only if the process stops without {@link #flush()}.
 *
 * <p>These rows are written asynchronously, so a refusal answers in the same time whether or not it is written (no
 * timing tells a known key id from an unknown one); {@link #stream} first waits for this process's writes in
 * flight. The host's own actions (issue, revoke, assign) are written synchronously and never capped. No row holds a
 * secret: reasons are redacted of anything shaped like an access key.
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
  /** Refused attempts recorded one by one per key id (or for all unknown keys together) and minute. */
  static final int FAILURE_BUDGET = 100;
  static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
  /** Rows a budget's events may cause per hour, all kinds together. */
  static final int HOURLY_CAP = 1000;
  /** Writes in flight at most; beyond, events are counted instead (a stalled cluster cannot fill the heap). */
  private static final int MAX_IN_FLIGHT = 1000;
  /** The budget of refused attempts for ids of no known key (and real ids beyond the bound of budgets held). */
  private static final String UNKNOWN_KEYS = "unknown keys";

  /** Which budget an event spends, and how much is left. */
  private enum Spend { SPENT, EXHAUSTED, UNTRACKED }

  /**
   * The events one summary row counts: a real key's refused attempts ({@code keyId} and {@code organisation}), an
   * organisation's own events ({@code organisation} only) or refused attempts for unknown keys (neither), by action.
   */
  private record Group(@Nullable String keyId, @Nullable String organisation, String action) {}

  /** Events of one group counted and not yet written. */
  private static final class Tally {
    private final Instant first;
    private Instant last;
    private int events;
    private final Map<String, Integer> byOutcome = new TreeMap<>();

    Tally(Instant first) {
      this.first = first;
      this.last = first;
    }

    void add(String outcome, int n, Instant at) {
      events += n;
      byOutcome.merge(outcome, n, Integer::sum);
      if (at.isAfter(last)) {
        last = at;
      }
    }
  }

  private final CqlExecutor cass;
  private final String keyspace;
  private final String table;
  private final Clock clock;
  /** Refused attempts written one by one this minute, per budget ("key K", or the budget of unknown keys). */
  private final FailureThrottle minuteBudgets;
  /** Rows written this hour, per budget (those above and "organisation O"). */
  private final FailureThrottle hourlyCaps;
  /** Events counted and not yet written, per group; written when the minute changes and at {@link #flush()}. */
  private final Map<Group, Tally> counted = new LinkedHashMap<>();
  private @Nullable Instant countingMinute;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * @param cass where the table lives
   * @param keyspace the security keyspace
   * @param clock the time written to the host's events and to summary rows
   */
  public AuditLog(CqlExecutor cass, String keyspace, Clock clock) {
    this(cass, keyspace, clock, FailureThrottle.MAX_TRACKED);
  }

  /** @param maxBudgets budgets counted at once (tests of the bound set it small) */
  AuditLog(CqlExecutor cass, String keyspace, Clock clock, int maxBudgets) {
    this.cass = cass;
    this.keyspace = keyspace;
    this.table = CqlNames.qualified(keyspace, "audit_events");
    this.clock = clock;
    this.minuteBudgets = new FailureThrottle(FAILURE_BUDGET, FAILURE_WINDOW, maxBudgets);
    this.hourlyCaps = new FailureThrottle(HOURLY_CAP, Duration.ofHours(1), maxBudgets);
  }

  /**
   * Creates the table if missing, and adds the columns of summary rows ({@code events}, {@code window_start},
   * {@code window_end}) to a table created by an earlier version.
   */
  public void createTable() {
    cass.execute("CREATE TABLE IF NOT EXISTS " + table + " (day date, hour tinyint, event_id timeuuid, at timestamp, "
        + "key_id text, organisation text, action text, outcome text, reason text, "
        + "events int, window_start timestamp, window_end timestamp, "
        + "PRIMARY KEY ((day, hour), event_id)) WITH CLUSTERING ORDER BY (event_id ASC) AND "
        + QuorumExecutor.TABLE_OPTIONS);
    Set<String> columns = new HashSet<>();
    for (Row r : cass.execute("SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND "
        + "table_name = 'audit_events'", keyspace)) {
      columns.add(r.getString(0));
    }
    for (String column : List.of("events int", "window_start timestamp", "window_end timestamp")) {
      if (!columns.contains(column.substring(0, column.indexOf(' ')))) {
        try {
          cass.execute("ALTER TABLE " + table + " ADD " + column);
        } catch (InvalidInputException e) {
          // another process added it since the read: the column is there either way
        }
      }
    }
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
    cass.execute(insert(), values(clock.instant(), keyId, organisation, action, outcome, reason, 1, null, null));
  }

  /**
   * Appends an event of an authenticated key (its authentication, a refusal of its statement or session, an open
   * beyond its organisation's bounds) within its organisation's budget, asynchronously; beyond it, counted into a
   * summary row (see the class comment).
   *
   * @param keyId the key concerned
   * @param organisation its organisation
   * @param action what was attempted
   * @param outcome {@link #GRANTED}, {@link #DENIED} or {@link #THROTTLED} (an open beyond the organisation's
   *     session bounds)
   * @param reason why
   * @param at when it happened
   */
  public void recordHolder(String keyId, String organisation, String action, String outcome, String reason, Instant at) {
    admit(keyId, organisation, action, outcome, reason, false, at);
  }

  /**
   * Appends an attempt that failed authentication ({@link #DENIED} or {@link #THROTTLED}) within the budget of its
   * key id (or of unknown keys), asynchronously; beyond it, counted into a summary row (see the class comment). It
   * never spends the budget of the key's organisation.
   *
   * @param keyId the key id presented, or {@code null} when none was readable
   * @param organisation the organisation of that id, or {@code null} when no key has it
   * @param action what was attempted
   * @param outcome {@link #DENIED} or {@link #THROTTLED}
   * @param reason why (never the secret presented)
   * @param at when it happened
   */
  public void recordFailure(@Nullable String keyId, @Nullable String organisation, String action, String outcome,
      String reason, Instant at) {
    admit(keyId, organisation, action, outcome, reason, true, at);
  }

  private void admit(@Nullable String keyId, @Nullable String organisation, String action, String outcome, String reason,
      boolean failure, Instant at) {
    Map<Group, Tally> due = null;
    Group group;
    boolean write;
    synchronized (this) {
      Instant minute = at.truncatedTo(ChronoUnit.MINUTES);
      if (countingMinute != null && !minute.equals(countingMinute) && !counted.isEmpty()) {
        due = new LinkedHashMap<>(counted);
        counted.clear();
      }
      countingMinute = minute;
      String budget;
      Spend spend = Spend.SPENT;
      if (!failure) {
        budget = "organisation " + organisation;
        group = new Group(null, organisation, action);
      } else if (keyId != null && organisation != null) {
        budget = "key " + keyId;
        group = new Group(keyId, organisation, action);
        spend = spend(minuteBudgets, budget, at);
        if (spend == Spend.UNTRACKED) { // beyond the bound of budgets held: the shared budget of unknown keys
          budget = UNKNOWN_KEYS;
          group = new Group(null, null, action);
          spend = spend(minuteBudgets, budget, at);
        }
      } else {
        budget = UNKNOWN_KEYS;
        group = new Group(null, null, action);
        spend = spend(minuteBudgets, budget, at);
      }
      if (spend == Spend.SPENT) {
        spend = spend(hourlyCaps, budget, at);
      }
      write = spend == Spend.SPENT;
      if (!write) {
        count(group, outcome, 1, at, at);
      }
    }
    if (due != null) {
      due.forEach(this::writeSummary);
    }
    if (write && !writeAsync(values(at, keyId, organisation, action, outcome, reason, 1, null, null))) {
      synchronized (this) {
        count(group, outcome, 1, at, at);
      }
    }
  }

  private static Spend spend(FailureThrottle budgets, String budget, Instant at) {
    if (budgets.isThrottled(budget, at)) {
      return Spend.EXHAUSTED;
    }
    return budgets.recordFailure(budget, at) ? Spend.SPENT : Spend.UNTRACKED;
  }

  /** Counts events of a group not written one by one; the caller holds this object's lock. */
  private void count(Group group, String outcome, int n, Instant first, Instant last) {
    Tally t = counted.computeIfAbsent(group, g -> new Tally(first));
    t.add(outcome, n, last);
  }

  /** Writes one group's count; if it cannot be written now (too many writes in flight), it is counted again. */
  private void writeSummary(Group group, Tally t) {
    String whose = group.keyId() != null ? "refused attempts for key " + group.keyId()
        : group.organisation() != null ? "events of keys of organisation " + group.organisation()
        : "refused attempts for unknown keys";
    String reason = t.events + " " + whose + " between " + t.first + " and " + t.last + " (" + group.action() + " "
        + t.byOutcome.toString().replace("{", "").replace("}", "") + "), counted and not recorded one by one: beyond "
        + "the audit budget (" + FAILURE_BUDGET + " refused attempts a minute per key id, " + HOURLY_CAP
        + " rows an hour per budget)";
    if (!writeAsync(values(clock.instant(), group.keyId(), group.organisation(), group.action(), AGGREGATED, reason,
        t.events, t.first, t.last))) {
      synchronized (this) {
        t.byOutcome.forEach((outcome, n) -> count(group, outcome, n, t.first, t.last));
      }
    }
  }

  /** @return how many budgets are counted now and how many groups wait to be written (both bounded) */
  synchronized int[] heldForTesting() {
    return new int[] {minuteBudgets.tracked(), hourlyCaps.tracked(), counted.size()};
  }

  /**
   * Writes the counts of events not yet written (as summary rows) and waits (up to 10 s) for this process's writes
   * in flight.
   */
  public void flush() {
    Map<Group, Tally> due;
    synchronized (this) {
      due = new LinkedHashMap<>(counted);
      counted.clear();
    }
    due.forEach(this::writeSummary);
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

  /** @return whether the row was handed to the driver ({@code false}: too many in flight, count it instead) */
  private boolean writeAsync(@Nullable Object[] values) {
    if (inFlight.size() >= MAX_IN_FLIGHT) {
      return false;
    }
    CompletableFuture<?> f;
    try {
      f = cass.executeAsync(insert(), values).toCompletableFuture();
    } catch (RuntimeException e) {
      LOG.warn("an audit event could not be written ({})", e.getClass().getSimpleName());
      return true;
    }
    inFlight.add(f);
    f.whenComplete((ok, error) -> {
      inFlight.remove(f);
      if (error != null) {
        LOG.warn("an audit event could not be written ({})", error.getClass().getSimpleName());
      }
    });
    return true;
  }

  private String insert() {
    return "INSERT INTO " + table + " (day, hour, event_id, at, key_id, organisation, action, outcome, reason, events, "
        + "window_start, window_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  }

  private static @Nullable Object[] values(Instant now, @Nullable String keyId, @Nullable String organisation,
      String action, String outcome, String reason, int events, @Nullable Instant windowStart,
      @Nullable Instant windowEnd) {
    String safe = KeyCodec.redact(reason);
    if (safe != null && safe.length() > MAX_REASON) {
      safe = safe.substring(0, MAX_REASON) + "...";
    }
    return new Object[] {LocalDate.ofInstant(now, ZoneOffset.UTC), (byte) now.atOffset(ZoneOffset.UTC).getHour(),
        Uuids.timeBased(), now, keyId, organisation, action, outcome, safe, events, windowStart, windowEnd};
  }

  /**
   * @param day a UTC day
   * @return that day's events, oldest first (hour by hour), read page by page as the stream is consumed (close
   *     it); this process's writes in flight are waited for first
   */
  public Stream<AuditEvent> stream(LocalDate day) {
    awaitInFlight();
    return IntStream.range(0, 24).boxed().flatMap(h -> cass.stream("SELECT event_id, at, key_id, organisation, "
        + "action, outcome, reason, events, window_start, window_end FROM " + table + " WHERE day = ? AND hour = ?",
        day, (byte) (int) h))
        .map(r -> new AuditEvent(written(r.getUuid("event_id"), "event_id"), written(r.getInstant("at"), "at"),
            r.getString("key_id"), r.getString("organisation"), written(r.getString("action"), "action"),
            written(r.getString("outcome"), "outcome"), written(r.getString("reason"), "reason"),
            r.isNull("events") ? 1 : r.getInt("events"), r.getInstant("window_start"), r.getInstant("window_end")));
  }

  /** A column {@link #values} writes with every event. */
  private static <T> T written(@Nullable T value, String column) {
    return Objects.requireNonNull(value, () -> "audit column " + column + " is unset");
  }
}
