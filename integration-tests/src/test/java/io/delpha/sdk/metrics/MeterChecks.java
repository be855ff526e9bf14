package io.delpha.sdk.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a {@code SimpleMeterRegistry} the way the metrics tests assert on it. */
public final class MeterChecks {

  /** Every tag the library's own meters may carry, with every value it may take. */
  static final Map<String, Set<String>> ALLOWED = Map.of(
      "outcome", Set.of("processed", "failed", "interrupted", "ok", "refused", "success", "failure", "malformed",
          "unknown", "wrong_secret", "revoked", "expired", "superseded", "throttled", "error", "invalid_input",
          "data_format", "not_found", "access_denied", "authentication", "rate_limited", "unavailable", "conflict",
          "closed"),
      "operation", Set.of("query", "query_all", "stream", "stream_all", "bulk_query", "bulk_query_all",
          "describe_global", "describe", "get", "create", "update", "delete", "upsert", "create_all", "update_all",
          "upsert_all", "delete_all", "api_usage", "start_flow", "describe_flow_execution_records", "describe_flow",
          "update_flow", "load_into_cassandra", "list_shares", "list_schemas", "list_tables", "list_all_tables",
          "table_version", "table_metadata", "changes", "read_schema"),
      "step", Set.of("extract", "transform", "load"),
      "stage", Set.of("extracted", "transformed", "loaded", "rejected"),
      "action", Set.of("authenticate", "open", "statement", "session_check"),
      "service", Set.of("upload-endpoint", "usage-analytics", "salesforce", "appflow", "delta-sharing", "cassandra"),
      "method", Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "OTHER"),
      "route", Set.of("unmatched", "/constraints", "/uploads", "/uploads/{id}/files/{name}", "/uploads/{id}/commit",
          "/api/v1/usage"),
      "status", Set.of("1xx", "2xx", "3xx", "4xx", "5xx", "aborted"));

  /** The driver's endpoint: {@code host/address:port}, the address {@code <unresolved>} for unresolved contact points. */
  private static final Pattern NODE = Pattern.compile("[\\w.\\-\\[\\]:]*/?(<unresolved>|[\\w.\\-\\[\\]:]+):[0-9]+");
  private static final Pattern SESSION = Pattern.compile("s[0-9]+");

  private MeterChecks() {}

  /**
   * @return the sum of the counters of that name whose tags include the given ones (0 when none)
   */
  public static double count(MeterRegistry registry, String name, String... tags) {
    return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  /**
   * @return the number of events of the timers of that name whose tags include the given ones (0 when none)
   */
  public static long timed(MeterRegistry registry, String name, String... tags) {
    return registry.find(name).tags(tags).timers().stream().mapToLong(Timer::count).sum();
  }

  /**
   * @return how many calls of a client's operation ended with that outcome ({@code delpha.client.calls})
   */
  public static long calls(MeterRegistry registry, String service, String operation, String outcome) {
    return timed(registry, "delpha.client.calls", "service", service, "operation", operation, "outcome", outcome);
  }

  /**
   * Asserts every meter of the registry carries bounded tags only: the library's {@code delpha.*} meters the
   * values above (plus {@code customer} where allowed), the driver's {@code delpha.cassandra.*} a session name and
   * a node address; none a value from {@code forbidden} (ids, names, secrets used by the test).
   */
  public static void assertBoundedTags(MeterRegistry registry, boolean customerAllowed, String... forbidden) {
    assertThat(registry.getMeters()).isNotEmpty();
    for (Meter m : registry.getMeters()) {
      String name = m.getId().getName();
      for (Tag t : m.getId().getTags()) {
        for (String f : forbidden) {
          assertThat(t.getValue()).as("tag %s of %s", t.getKey(), name).doesNotContain(f);
        }
        if (name.startsWith("delpha.cassandra.")) {
          assertThat(t.getKey()).as(name).isIn("session", "node");
          assertThat(t.getValue()).as(name).matches(t.getKey().equals("node") ? NODE : SESSION);
        } else if (t.getKey().equals("customer")) {
          assertThat(customerAllowed).as("customer tag on %s", name).isTrue();
          assertThat(name).startsWith("delpha.ingest.");
        } else {
          assertThat(name).startsWith("delpha.");
          assertThat(ALLOWED).as("tag key of %s", name).containsKey(t.getKey());
          assertThat(t.getValue()).as("tag %s of %s", t.getKey(), name).isIn(ALLOWED.get(t.getKey()));
        }
      }
    }
  }
}
