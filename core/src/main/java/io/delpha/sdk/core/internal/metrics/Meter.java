package io.delpha.sdk.core.internal.metrics;

import org.jspecify.annotations.Nullable;

/**
 * Every meter the library records, in one place: its name, kind and meaning (the same as {@code
 * docs/metrics.md}, which a test compares with this list). Tags are documented there.
 */
public enum Meter {
  /** Files an ingestion run concluded or was interrupted on; tag {@code outcome}. */
  INGEST_FILES("delpha.ingest.files", Kind.COUNTER, null, "files ingested, by outcome"),
  /** Rows written from concluded files. */
  INGEST_ROWS("delpha.ingest.rows", Kind.COUNTER, "rows", "rows written to Cassandra from concluded files"),
  /** Rows of concluded files written to their bad-records file instead of Cassandra. */
  INGEST_ROWS_REJECTED("delpha.ingest.rows.rejected", Kind.COUNTER, "rows", "rows rejected (bad records)"),
  /** Bytes of concluded files. */
  INGEST_BYTES("delpha.ingest.bytes", Kind.COUNTER, "bytes", "bytes of the files concluded"),
  /** Time to ingest one file; tag {@code outcome}. */
  INGEST_FILE_DURATION("delpha.ingest.file.duration", Kind.TIMER, null, "time to ingest one file"),
  /** Customer logins of the fetch and the upload endpoint; tag {@code outcome}. */
  INGEST_LOGINS("delpha.ingest.logins", Kind.COUNTER, null, "customer logins (fetch, upload endpoint), by outcome"),
  /** Totesys pipeline steps; tags {@code step}, {@code outcome}. */
  TOTESYS_STEP_DURATION("delpha.totesys.step.duration", Kind.TIMER, null, "time of a totesys pipeline step"),
  /** Totesys rows by stage; tag {@code stage}. */
  TOTESYS_ROWS("delpha.totesys.rows", Kind.COUNTER, "rows", "rows the totesys pipeline moved, by stage"),
  /** Key checks; tags {@code action}, {@code outcome}. */
  SECURITY_AUTHENTICATIONS("delpha.security.authentications", Kind.COUNTER, null,
      "access key checks, by action and outcome"),
  /** Refusals of authenticated keys; tag {@code action}. */
  SECURITY_DENIALS("delpha.security.denials", Kind.COUNTER, null,
      "refusals of an authenticated key (a statement outside its organisation, a revoked session)"),
  /** Requests of the library's HTTP services; tags {@code service}, {@code method}, {@code route}, {@code status}. */
  HTTP_SERVER_REQUESTS("delpha.http.server.requests", Kind.TIMER, null,
      "requests answered by the library's HTTP services"),
  /** Calls of the library's clients to a service; tags {@code service}, {@code operation}, {@code outcome}. */
  CLIENT_CALLS("delpha.client.calls", Kind.TIMER, null,
      "calls of the library's clients (Salesforce, AppFlow, Delta Sharing), by operation and outcome"),
  /** Records a client call read or wrote; tags {@code service}, {@code operation}. */
  CLIENT_RECORDS("delpha.client.records", Kind.COUNTER, "records",
      "records the library's clients read or wrote, by operation"),
  /** A change stream's lag: from the commit of an answer's newest change to its writes acknowledged. */
  CHANGES_LAG("delpha.changes.lag", Kind.TIMER, null,
      "time from a Salesforce change's commit to its row written, one per answer of events applied");

  /** How a meter measures. */
  public enum Kind {
    /** a monotonic count */
    COUNTER,
    /** a count, a total time and a maximum */
    TIMER
  }

  private final String meterName;
  private final Kind kind;
  private final @Nullable String baseUnit;
  private final String description;

  Meter(String meterName, Kind kind, @Nullable String baseUnit, String description) {
    this.meterName = meterName;
    this.kind = kind;
    this.baseUnit = baseUnit;
    this.description = description;
  }

  /** @return the dotted name, {@code delpha.*} */
  public String meterName() {
    return meterName;
  }

  /** @return counter or timer */
  public Kind kind() {
    return kind;
  }

  /** @return the base unit of a counter, or {@code null} */
  public @Nullable String baseUnit() {
    return baseUnit;
  }

  /** @return one line of meaning */
  public String description() {
    return description;
  }
}
