package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.security.AuditEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

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

  private static final int MAX_REASON = 1000;

  private final CqlExecutor cass;
  private final String table;
  private final Clock clock;

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
   * @param day a UTC day
   * @return that day's events, oldest first
   */
  public List<AuditEvent> read(LocalDate day) {
    List<AuditEvent> events = new ArrayList<>();
    for (Row r : cass.execute("SELECT event_id, at, key_id, organisation, action, outcome, reason FROM " + table
        + " WHERE day = ?", day)) {
      events.add(new AuditEvent(r.getUuid("event_id"), r.getInstant("at"), r.getString("key_id"),
          r.getString("organisation"), r.getString("action"), r.getString("outcome"), r.getString("reason")));
    }
    return events;
  }
}
