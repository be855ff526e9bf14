package io.delpha.sdk.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.testing.HostileAnswers;
import io.delpha.sdk.testing.HostilePeer;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Salesforce's query pages and Bulk API 2.0 results as Salesforce documents them, served by a wire-level loopback
 * peer ({@link HostilePeer}) and mutated per seed ({@link HostileAnswers}) the ways a hostile or broken peer would: a
 * page handle repeated or renewed forever, empty pages forever, a record widened to thousands of fields, records or
 * columns multiplied, JSON nested deep, an answer cut mid-body or trickled, a page redirected to another host, a
 * handle of megabytes, a row count that lies, a job that never completes, an error of megabytes. Every case ends in a
 * typed error (naming the limit where it is a breach) or the whole, correct result; the second host (the thief)
 * never receives a request, so the session token went nowhere else.
 *
 * <p>Seed {@code s} tries mutation {@code s mod (number of mutations)}, so the default seeds try each a few times;
 * {@code -Dhostile.count=N} (or {@code -Dhostile.sf.query.count}, {@code -Dhostile.sf.bulk.count}) runs more seeds,
 * and a failing seed prints its replay command.
 */
@Timeout(120)
@DisplayName("Salesforce facing generated hostile answers: a typed error naming the limit, or the whole result")
class SalesforceHostileAnswersTest {

  private static final String API = "/services/data/v60.0";
  private static final String TOKEN = "00Dx0000000hostile!answersToken7788";
  private static final String JOB = "750R0000000zlh9IAA";
  private static final String SOQL = "SELECT Id, Name FROM Contact";
  private static final String NEXT = API + "/query/01gD0000002HU6KIAW-";
  private static final String RESULTS = API + "/jobs/query/" + JOB + "/results";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Small enough that a hostile seed breaks a limit in a few pages and a fraction of a second. */
  private static final ResponseLimits LIMITS = ResponseLimits.builder().maxItems(1000).maxJsonDepth(64).maxPages(40)
      .maxEmptyPages(5).maxRequests(100).minBytesPerSecond(2000).rateWindow(Duration.ofMillis(300)).build();

  private enum QueryMutation {
    NONE, REPEAT_HANDLE, RENEW_HANDLE, EMPTY_PAGES, WIDEN_RECORD, MULTIPLY_RECORDS, DEEPEN, CUT, TRICKLE, REDIRECT,
    HUGE_HANDLE, HUGE_ERROR
  }

  private enum BulkMutation {
    NONE, REPEAT_LOCATOR, RENEW_LOCATOR, EMPTY_PAGES, WIDE_HEADER, WIDE_ROW, MULTIPLY_ROWS, COUNT_LIE, CUT, TRICKLE,
    REDIRECT, HUGE_LOCATOR, POLL_FOREVER, FAILED_ECHO
  }

  @Test
  @DisplayName("query pages: each hostile mutation of a valid answer is a typed error or the whole result")
  void queryPages() {
    long[] seed = {Long.getLong("hostile.sf.query.seed", 58_000L)};
    HostileAnswers.run(getClass(), "queryPages", "hostile.sf.query.seed", "hostile.sf.query.count", 36, random -> {
      QueryMutation m = QueryMutation.values()[(int) Math.floorMod(seed[0]++, QueryMutation.values().length)];
      try (HostilePeer salesforce = HostilePeer.start(); HostilePeer thief = HostilePeer.start()) {
        login(salesforce);
        List<List<ObjectNode>> pages = validPages(random);
        Expect expect = serveQuery(random, m, pages, salesforce, thief);
        List<Map<String, Object>> got = new ArrayList<>();
        Throwable thrown = null;
        boolean streamed = random.nextBoolean();
        Iterator<Map<String, Object>> records = null;
        try (SalesforceManager sf = builder(salesforce).build()) {
          if (streamed) {
            records = sf.stream(SOQL).iterator();
            while (records.hasNext()) {
              got.add(records.next());
            }
          } else {
            got.addAll(sf.query(SOQL).records());
          }
        } catch (Throwable e) {
          thrown = e;
        }
        String as = m + (streamed ? " (stream)" : " (query)");
        expect.check(as, thrown, () -> assertThat(ids(got)).as(as).isEqualTo(expect.ids));
        if (thrown != null && records != null) {
          Iterator<Map<String, Object>> broken = records;
          // a broken read stays broken: it never ends quietly as if it were whole
          assertThatThrownBy(broken::hasNext).as(as).isInstanceOf(thrown.getClass());
        }
        if (m == QueryMutation.RENEW_HANDLE || m == QueryMutation.EMPTY_PAGES) {
          // the login, then at most maxPages pages
          assertThat(salesforce.requests()).as(as).hasSizeLessThanOrEqualTo(1 + LIMITS.maxPages());
        }
        nothingStolen(salesforce, thief);
      }
    });
  }

  @Test
  @DisplayName("Bulk API 2.0 results: each hostile mutation of a valid job is a typed error or the whole result; "
      + "a repeated locator ends the read before a row is handed out twice")
  void bulkResults() {
    long[] seed = {Long.getLong("hostile.sf.bulk.seed", 58_000L)};
    HostileAnswers.run(getClass(), "bulkResults", "hostile.sf.bulk.seed", "hostile.sf.bulk.count", 42, random -> {
      BulkMutation m = BulkMutation.values()[(int) Math.floorMod(seed[0]++, BulkMutation.values().length)];
      try (HostilePeer salesforce = HostilePeer.start(); HostilePeer thief = HostilePeer.start()) {
        login(salesforce);
        List<List<String[]>> pages = validRows(random);
        Expect expect = serveBulk(random, m, pages, salesforce, thief);
        List<Map<String, String>> got = new ArrayList<>();
        Throwable thrown = null;
        Iterator<Map<String, String>> rows = null;
        try (SalesforceManager sf = builder(salesforce).build();
            Stream<Map<String, String>> stream = sf.bulkQuery(SOQL)) {
          rows = stream.iterator();
          while (rows.hasNext()) {
            got.add(rows.next());
          }
        } catch (Throwable e) {
          thrown = e;
        }
        String as = m.toString();
        expect.check(as, thrown, () -> assertThat(got).as(as).isEqualTo(expect.rows));
        if (thrown != null && expect.rowsBeforeFailure != null) {
          assertThat(got).as(as + ": the rows handed out before the failure").isEqualTo(expect.rowsBeforeFailure);
        }
        if (thrown != null && rows != null) {
          Iterator<Map<String, String>> broken = rows;
          // a broken read stays broken: it never ends quietly as if it were whole
          assertThatThrownBy(broken::hasNext).as(as).isInstanceOf(thrown.getClass());
        }
        nothingStolen(salesforce, thief);
      }
    });
  }

  /** The answers of the "delivers nothing" and "count claimed then exceeded" classes, on every Salesforce surface. */
  private enum Undelivered {
    BULK_PADDED, BULK_OVERCLAIMED, QUERY_PADDED, LOGIN_PADDED
  }

  /** The test's delivery bounds: small, so that padding ends after a megabyte. */
  private static final ResponseLimits DELIVERY = LIMITS.toBuilder().maxBytesWithoutProgress(1 << 20)
      .maxBodyBytes(4 << 20).maxLineBytes(64 << 10).build();

  @Test
  @DisplayName("answers that deliver nothing forever (blank lines, whitespace, empty gzip blocks) or more records than "
      + "they claim end typed, with bounded bytes and no record past the claim, streamed or read whole")
  void undeliveredAndOverclaimed() {
    long[] seed = {Long.getLong("hostile.sf.nothing.seed", 58_000L)};
    HostileAnswers.run(getClass(), "undeliveredAndOverclaimed", "hostile.sf.nothing.seed", "hostile.sf.nothing.count",
        8, random -> {
          Undelivered attack = Undelivered.values()[(int) Math.floorMod(seed[0]++, Undelivered.values().length)];
          boolean parallel = random.nextBoolean();
          String as = attack + (parallel ? " (parallel)" : " (sequential)");
          try (HostilePeer salesforce = HostilePeer.start(); HostilePeer thief = HostilePeer.start()) {
            List<Map<String, String>> before = new ArrayList<>();
            // a quarter of the padded pages come slowly: then the deadlines end them, not the bytes
            Duration gap = attack == Undelivered.BULK_PADDED && random.nextInt(4) == 0 ? Duration.ofMillis(20)
                : Duration.ZERO;
            String[] limits = serveUndelivered(random, attack, parallel, gap, salesforce, thief, before);
            List<Map<String, String>> got = new ArrayList<>();
            Throwable thrown = null;
            ResponseLimits bounds = gap.isZero() ? DELIVERY : DELIVERY.toBuilder()
                .progressTimeout(Duration.ofMillis(400)).bodyTimeout(Duration.ofMillis(800)).build();
            try (SalesforceManager sf = builder(salesforce).responseLimits(bounds)
                .bulkParallelDownloads(parallel ? 2 : 1).build()) {
              if (attack == Undelivered.QUERY_PADDED || attack == Undelivered.LOGIN_PADDED) {
                Iterator<Map<String, Object>> records = sf.stream(SOQL).iterator();
                while (records.hasNext()) {
                  records.next();
                }
              } else {
                try (Stream<Map<String, String>> rows = sf.bulkQuery(SOQL)) {
                  rows.forEach(got::add);
                }
              }
            } catch (Throwable e) {
              thrown = e;
            }
            HostileAnswers.endsUndelivered(thrown, limits);
            assertThat(got).as(as + ": the records handed out, none past a claim nor after the padding")
                .isEqualTo(before);
            salesforce.close();
            assertThat(salesforce.bytesSent()).as(as + ": bytes the peer got out: the bounds and socket buffers")
                .isLessThan(64L << 20);
            nothingStolen(salesforce, thief);
          }
        });
  }

  /**
   * Serves one answer of the class: a valid job whose result page {@code hit} (sequential or parallel) pads forever
   * after its rows or claims fewer rows than it sends; or a query page or a login answer padded forever.
   *
   * @param before filled with the rows a reader may be handed before the failure
   * @return the limits any of which may end it
   */
  private static String[] serveUndelivered(Random random, Undelivered attack, boolean parallel, Duration gap,
      HostilePeer salesforce, HostilePeer thief, List<Map<String, String>> before) {
    HostileAnswers.Padding padding = HostileAnswers.pick(random, attack == Undelivered.BULK_PADDED
        ? new HostileAnswers.Padding[] {HostileAnswers.Padding.BLANK_LINES, HostileAnswers.Padding.CRLF_LINES}
        : HostileAnswers.Padding.JSON);
    if (attack == Undelivered.LOGIN_PADDED) {
      salesforce.on("POST", "/services/oauth2/token", salesforce.padded(200, "application/json",
          "{\"access_token\":\"" + TOKEN + "\",", padding.text(), HostilePeer.Wire.PLAIN, Duration.ZERO, Map.of()));
      return new String[] {"maxBodyBytes", "bodyTimeout"};
    }
    login(salesforce);
    if (attack == Undelivered.QUERY_PADDED) {
      salesforce.on("GET", API + "/query", salesforce.padded(200, "application/json", "{\"totalSize\":1,\"done\":"
          + "true,\"records\":[" + record(0), padding.text(), HostilePeer.Wire.PLAIN, Duration.ZERO, Map.of()));
      return new String[] {"maxBodyBytes", "bodyTimeout"};
    }
    List<List<String[]>> pages = validRows(random);
    serveBulk(random, BulkMutation.NONE, pages, salesforce, thief); // the job; its results are served below
    List<String> header = List.of("Id", "Name");
    int hit = random.nextInt(pages.size());
    HostilePeer.Wire wire = HostileAnswers.pick(random, HostilePeer.Wire.values());
    boolean endless = random.nextBoolean();
    String[] limits = null;
    Map<String, HostilePeer.Answer> answers = new LinkedHashMap<>();
    StringBuilder list = new StringBuilder("{\"done\":true,\"resultPages\":[");
    for (int p = 0; p < pages.size(); p++) {
      List<String[]> rows = pages.get(p);
      String next = parallel || p + 1 == pages.size() ? "null" : locator(p + 1);
      boolean declare = random.nextBoolean();
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Sforce-Locator", next);
      HostilePeer.Answer answer = resultPage(csv(header, rows), next, declare ? rows.size() : -1);
      List<String[]> handed = rows;
      if (p == hit && attack == Undelivered.BULK_PADDED) {
        if (declare) {
          headers.put("Sforce-NumberOfRecords", String.valueOf(rows.size()));
        }
        answer = salesforce.padded(200, "text/csv", csv(header, rows), padding.text(), wire, gap, headers);
        handed = parallel ? List.of() : rows; // a page read whole fails before a row of it is handed out
        limits = !gap.isZero() ? new String[] {"bodyTimeout", "progressTimeout", "minBytesPerSecond"}
            : parallel ? new String[] {"maxBodyBytes", "maxBytesWithoutProgress", "bodyTimeout"}
            : new String[] {"maxBytesWithoutProgress", "progressTimeout"};
      } else if (p == hit) {
        int claimed = 1 + random.nextInt(3);
        headers.put("Sforce-NumberOfRecords", String.valueOf(claimed));
        List<String[]> sent = new ArrayList<>();
        for (int i = 0, n = claimed + 1 + random.nextInt(1000); i < n; i++) {
          sent.add(new String[] {"001E" + String.format("%014d", i), "Row " + i});
        }
        handed = sent.subList(0, claimed);
        if (endless) {
          String row = csv(header, List.<String[]>of(sent.get(0))).substring("Id,Name\n".length());
          answer = salesforce.endless(200, "text/csv", csv(header, sent), row, headers);
          if (parallel) {
            handed = List.of(); // read whole: it never ends, and no row of it is handed out
          }
          limits = parallel ? new String[] {"maxBodyBytes", "bodyTimeout"} : new String[] {"declared count"};
        } else {
          answer = resultPage(csv(header, sent), next, claimed);
          limits = new String[] {"declared count"};
        }
      }
      if (p <= hit) {
        for (String[] row : handed) {
          Map<String, String> r = new LinkedHashMap<>();
          r.put("Id", row[0]);
          r.put("Name", row[1]);
          before.add(r);
        }
      }
      answers.put(locator(p), answer);
      if (p == 0) {
        answers.put("", answer);
      }
      list.append(p == 0 ? "" : ",").append("{\"resultUrl\":\"").append(RESULTS).append("?locator=")
          .append(locator(p)).append("\"}");
    }
    salesforce.on("GET", RESULTS, byLocator(answers));
    salesforce.on("GET", API + "/jobs/query/" + JOB + "/resultPages", HostilePeer.json(200, list + "]}"));
    return limits;
  }

  // ---- query pages ----

  /** 1 to 3 pages of 1 to 4 Contacts, as a query of a few records answers. */
  private static List<List<ObjectNode>> validPages(Random random) {
    List<List<ObjectNode>> pages = new ArrayList<>();
    int n = 0;
    for (int p = 0, count = 1 + random.nextInt(3); p < count; p++) {
      List<ObjectNode> records = new ArrayList<>();
      for (int r = 0, size = 1 + random.nextInt(4); r < size; r++) {
        records.add(record(n++));
      }
      pages.add(records);
    }
    return pages;
  }

  private static String id(int n) {
    return String.format("003D%014d", n);
  }

  /** A record as a query page lists it: {@code attributes} ({@code type}, {@code url}), then its fields. */
  private static ObjectNode record(int n) {
    ObjectNode r = NODES.objectNode();
    r.putObject("attributes").put("type", "Contact").put("url", API + "/sobjects/Contact/" + id(n));
    r.put("Id", id(n));
    r.put("Name", "Contact \"" + n + "\", Ltd\n");
    return r;
  }

  /** A query page: {@code totalSize}, {@code done}, {@code nextRecordsUrl} when not done, {@code records}. */
  private static String page(int total, List<ObjectNode> records, String next) {
    ObjectNode page = NODES.objectNode();
    page.put("totalSize", total);
    page.put("done", next == null);
    if (next != null) {
      page.put("nextRecordsUrl", next);
    }
    ArrayNode list = page.putArray("records");
    records.forEach(list::add);
    return page.toString();
  }

  private static String handleOf(int page) {
    return NEXT + (page * 2000);
  }

  private static Expect serveQuery(Random random, QueryMutation m, List<List<ObjectNode>> pages, HostilePeer salesforce,
      HostilePeer thief) {
    int total = pages.stream().mapToInt(List::size).sum();
    int hit = random.nextInt(pages.size());
    Map<String, HostilePeer.Answer> routes = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    boolean breach = false;
    for (int p = 0; p < pages.size(); p++) {
      List<ObjectNode> records = new ArrayList<>(pages.get(p));
      String next = p + 1 < pages.size() ? handleOf(p + 1) : null;
      if (p == hit && m == QueryMutation.WIDEN_RECORD) {
        int at = random.nextInt(records.size());
        int fields = random.nextInt(4) == 0 ? 200_000 : 900 + random.nextInt(300);
        records.set(at, HostileAnswers.widen(records.get(at), fields));
        breach = records.get(at).size() > LIMITS.maxItems();
      } else if (p == hit && m == QueryMutation.MULTIPLY_RECORDS) {
        ArrayNode many = HostileAnswers.multiply(NODES.arrayNode().addAll(records), 900 + random.nextInt(300));
        records = new ArrayList<>();
        for (var r : many) {
          records.add((ObjectNode) r);
        }
        breach = records.size() > LIMITS.maxItems();
      } else if (p == hit && m == QueryMutation.DEEPEN) {
        int at = random.nextInt(records.size());
        int depth = random.nextBoolean() ? 5 + random.nextInt(50) : 100 + random.nextInt(10_000);
        ObjectNode deep = records.get(at).deepCopy();
        deep.putRawValue("Deep", new RawValue(HostileAnswers.deep(depth)));
        records.set(at, deep);
        breach = 3 + depth > LIMITS.maxJsonDepth(); // the page, its records and the record hold the arrays
      } else if (p == hit && m == QueryMutation.HUGE_HANDLE) {
        next = NEXT + HostileAnswers.handle(random, random.nextBoolean() ? 3000 : 1 << 20);
      }
      records.forEach(r -> ids.add(r.path("Id").asText()));
      String body = page(total, records, next);
      HostilePeer.Answer answer = HostilePeer.json(200, body);
      if (p == hit && m == QueryMutation.CUT) {
        answer = cut(random, body, Map.of("Content-Type", "application/json"));
      } else if (p == hit && m == QueryMutation.TRICKLE) {
        answer = salesforce.trickle(200, "application/json", body + " ".repeat(4000), Duration.ofMillis(5));
      } else if (p == hit && m == QueryMutation.REDIRECT) {
        answer = HostilePeer.redirect(HostileAnswers.pick(random, 301, 302, 303, 307, 308),
            thief.uri("/steal").toString());
      } else if (p == hit && m == QueryMutation.HUGE_ERROR) {
        StringBuilder errors = new StringBuilder("[");
        for (int i = 0, n = 1 + random.nextInt(50); i < n; i++) {
          errors.append(i == 0 ? "" : ",").append("{\"message\":\"")
              .append(jsonText(HostileAnswers.handle(random, random.nextBoolean() ? 300 : 60_000)))
              .append("\\r\\n\\u001b[2J\",\"errorCode\":\"MALFORMED_QUERY\",\"fields\":[\"Name\"]}");
        }
        answer = HostilePeer.json(400, errors.append(']').toString());
      }
      routes.put(p == 0 ? API + "/query/?q=" : handleOf(p), answer);
    }
    if (m == QueryMutation.REPEAT_HANDLE) {
      // the first page names page 1, which names itself again, with or without records
      List<ObjectNode> again = random.nextBoolean() ? pages.get(0) : List.of();
      routes.clear();
      routes.put(API + "/query/?q=", HostilePeer.json(200, page(total, pages.get(0), handleOf(1))));
      routes.put(handleOf(1), HostilePeer.json(200, page(total, again, handleOf(1))));
    } else if (m == QueryMutation.RENEW_HANDLE || m == QueryMutation.EMPTY_PAGES) {
      // every page names a new one, forever
      List<ObjectNode> each = m == QueryMutation.RENEW_HANDLE ? List.of(record(7)) : List.of();
      routes.clear();
      routes.put(API + "/query/?q=", HostilePeer.json(200, page(total, each, handleOf(1))));
      routes.put(NEXT, (request, out) -> {
        int at = Integer.parseInt(request.target().substring(NEXT.length()));
        HostilePeer.json(200, page(total, each, NEXT + (at + 2000))).write(request, out);
      });
    }
    routes.forEach((prefix, answer) -> salesforce.on("GET", prefix, answer));
    Expect expect = new Expect(ids, null, null);
    return switch (m) {
      case NONE -> expect;
      case REPEAT_HANDLE -> expect.breach("page handle");
      case RENEW_HANDLE -> expect.breach("maxPages");
      case EMPTY_PAGES -> expect.breach("maxEmptyPages");
      case WIDEN_RECORD, MULTIPLY_RECORDS -> breach ? expect.breach("maxItems") : expect;
      case DEEPEN -> breach ? expect.breach("maxJsonDepth") : expect;
      case CUT -> expect.fails(ServiceUnavailableException.class);
      case TRICKLE -> expect.breach("minBytesPerSecond");
      case REDIRECT -> expect.fails(DataFormatException.class, "redirects are not followed");
      case HUGE_HANDLE -> expect.fails(DataFormatException.class, "not a plain path");
      case HUGE_ERROR -> expect.fails(InvalidInputException.class);
    };
  }

  private static List<String> ids(List<Map<String, Object>> records) {
    List<String> ids = new ArrayList<>();
    for (Map<String, Object> r : records) {
      ids.add(String.valueOf(r.get("Id")));
    }
    return ids;
  }

  // ---- Bulk API 2.0 ----

  /** 1 to 3 result pages of 1 to 4 rows {@code Id, Name}, names with quotes, commas and line breaks. */
  private static List<List<String[]>> validRows(Random random) {
    List<List<String[]>> pages = new ArrayList<>();
    int n = 0;
    for (int p = 0, count = 1 + random.nextInt(3); p < count; p++) {
      List<String[]> rows = new ArrayList<>();
      for (int r = 0, size = 1 + random.nextInt(4); r < size; r++, n++) {
        rows.add(new String[] {"001D" + String.format("%014d", n), random.nextBoolean() ? "Acme " + n
            : "Acme, \"" + n + "\"\nLtd"});
      }
      pages.add(rows);
    }
    return pages;
  }

  private static String csv(List<String> header, List<String[]> rows) {
    StringBuilder b = new StringBuilder(String.join(",", header)).append('\n');
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        String v = row[i];
        b.append(i == 0 ? "" : ",");
        b.append(v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** Salesforce's locator of a page: base64 of the offset of its first row, as {@code MTAwMDA} is of 10000. */
  private static String locator(int page) {
    return Base64.getEncoder().withoutPadding().encodeToString(String.valueOf(page * 10_000)
        .getBytes(StandardCharsets.US_ASCII));
  }

  /** A result page's answer: {@code text/csv}, {@code Sforce-Locator} ({@code null} on the last), the row count. */
  private static HostilePeer.Answer resultPage(String csv, String next, long declared) {
    byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
    return (request, out) -> {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", "text/csv");
      headers.put("Sforce-Locator", next);
      if (declared >= 0) {
        headers.put("Sforce-NumberOfRecords", String.valueOf(declared));
      }
      headers.put("Content-Length", String.valueOf(bytes.length));
      HostilePeer.head(out, 200, headers);
      out.write(bytes);
    };
  }

  /** Answers each results request by its {@code locator}: the first page without one. */
  private static HostilePeer.Answer byLocator(Map<String, HostilePeer.Answer> pages) {
    return (request, out) -> {
      String target = request.target();
      int at = target.indexOf("locator=");
      String key = at < 0 ? "" : URLDecoder.decode(target.substring(at + 8).split("&")[0], StandardCharsets.UTF_8);
      HostilePeer.Answer answer = pages.get(key);
      (answer != null ? answer : HostilePeer.json(404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"no such "
          + "locator\"}]")).write(request, out);
    };
  }

  private static Expect serveBulk(Random random, BulkMutation m, List<List<String[]>> pages, HostilePeer salesforce,
      HostilePeer thief) {
    salesforce.on("POST", API + "/jobs/query", HostilePeer.json(200, "{\"id\":\"" + JOB + "\",\"operation\":\"query\","
        + "\"object\":\"Contact\",\"createdById\":\"005R0000000UyrWIAS\","
        + "\"createdDate\":\"2026-11-26T09:00:00.000+0000\","
        + "\"state\":\"UploadComplete\",\"concurrencyMode\":\"Parallel\",\"contentType\":\"CSV\",\"apiVersion\":60.0,"
        + "\"lineEnding\":\"LF\",\"columnDelimiter\":\"COMMA\"}"));
    AtomicInteger polls = new AtomicInteger();
    int processed = pages.stream().mapToInt(List::size).sum();
    String failedMessage = "INVALID_FIELD: " + jsonText(HostileAnswers.handle(random, 1 << 20)) + "\\r\\n\\u001b[2J";
    salesforce.on("GET", API + "/jobs/query/" + JOB, (request, out) -> {
      int poll = polls.incrementAndGet();
      String state = m == BulkMutation.POLL_FOREVER || poll == 1 ? "InProgress"
          : m == BulkMutation.FAILED_ECHO ? "Failed" : "JobComplete";
      HostilePeer.json(200, "{\"id\":\"" + JOB + "\",\"operation\":\"query\",\"object\":\"Contact\",\"state\":\""
          + state + "\"" + (state.equals("Failed") ? ",\"errorMessage\":\"" + failedMessage + "\"" : "")
          + ",\"numberRecordsProcessed\":" + processed + "}").write(request, out);
    });
    // an org that does not offer resultPages: the default parallel read falls back to the locator paging, whose
    // answers are mutated below (undeliveredAndOverclaimed serves its own resultPages over this)
    salesforce.on("GET", API + "/jobs/query/" + JOB + "/resultPages", HostilePeer.json(404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]"));
    List<String> header = new ArrayList<>(List.of("Id", "Name"));
    int hit = random.nextInt(pages.size());
    boolean declare = random.nextInt(4) != 0;
    int columns = 0;
    if (m == BulkMutation.WIDE_HEADER) {
      columns = random.nextInt(4) == 0 ? 1_000_000 : 900 + random.nextInt(300);
      for (int i = header.size(); i < columns; i++) {
        header.add("C" + i + "__c");
      }
      List<List<String[]>> wide = new ArrayList<>();
      for (List<String[]> rows : pages) {
        List<String[]> w = new ArrayList<>();
        for (String[] row : rows) {
          String[] r = java.util.Arrays.copyOf(row, header.size());
          java.util.Arrays.fill(r, 2, r.length, "x");
          w.add(r);
        }
        wide.add(w);
      }
      pages = columns == 1_000_000 ? List.of(List.of()) : wide;
      hit = 0;
    }
    List<Map<String, String>> expected = new ArrayList<>();
    List<Map<String, String>> beforeFailure = null;
    int extra = 0;
    boolean plainLocator = false;
    Map<String, HostilePeer.Answer> answers = new LinkedHashMap<>();
    for (int p = 0; p < pages.size(); p++) {
      List<String[]> rows = new ArrayList<>(pages.get(p));
      String next = p + 1 < pages.size() ? locator(p + 1) : "null";
      long declared = declare ? rows.size() : -1;
      String text = csv(header, rows);
      if (p == hit && m == BulkMutation.MULTIPLY_ROWS) {
        for (int i = 0, n = 100 + random.nextInt(3000); i < n; i++) {
          rows.add(rows.get(0));
        }
        declared = rows.size();
        text = csv(header, rows);
      } else if (p == hit && m == BulkMutation.WIDE_ROW) {
        StringBuilder row = new StringBuilder("001D99999999999999,Wide");
        extra = random.nextBoolean() ? 1000 + random.nextInt(4000) : 1 + random.nextInt(5);
        for (int i = 0; i < extra; i++) {
          row.append(",x");
        }
        text = text + row + "\n";
        declared = declare ? rows.size() + 1 : -1;
      } else if (p == hit && m == BulkMutation.COUNT_LIE) {
        declared = Math.max(0, rows.size() + HostileAnswers.pick(random, -1, 1, 2, 1000));
        if (declared == rows.size()) {
          declared++;
        }
      } else if (p == hit && m == BulkMutation.HUGE_LOCATOR) {
        plainLocator = random.nextBoolean();
        next = plainLocator ? "A".repeat(3000 + random.nextInt(100_000))
            : HostileAnswers.handle(random, random.nextBoolean() ? 3000 : 2 << 20);
      }
      for (String[] row : rows) {
        Map<String, String> r = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
          r.put(header.get(i), row[i]);
        }
        expected.add(r);
      }
      HostilePeer.Answer answer = resultPage(text, next, declared);
      if (p == hit && m == BulkMutation.CUT) {
        answer = cut(random, text, Map.of("Content-Type", "text/csv", "Sforce-Locator", next));
      } else if (p == hit && m == BulkMutation.TRICKLE) {
        answer = salesforce.trickle(200, "text/csv", text + "001D00000000000000,padding\n".repeat(200),
            Duration.ofMillis(5));
      } else if (p == hit && m == BulkMutation.REDIRECT) {
        answer = HostilePeer.redirect(HostileAnswers.pick(random, 301, 302, 303, 307, 308),
            thief.uri("/steal").toString());
      }
      answers.put(p == 0 ? "" : locator(p), answer);
    }
    switch (m) {
      case REPEAT_LOCATOR -> {
        // page 1 names itself again, with or without rows; declared, the repeat ends the read at its headers
        List<String[]> again = random.nextBoolean() ? pages.get(0) : List.of();
        answers.put("", resultPage(csv(header, pages.get(0)), locator(1), declare ? pages.get(0).size() : -1));
        answers.put(locator(1), resultPage(csv(header, again), locator(1), declare ? again.size() : -1));
        List<Map<String, String>> first = List.copyOf(expected.subList(0, pages.get(0).size()));
        beforeFailure = new ArrayList<>(first);
        if (!declare) {
          beforeFailure.addAll(first.subList(0, again.size())); // undeclared, the repeat is known at its end
        }
      }
      case RENEW_LOCATOR, EMPTY_PAGES -> {
        List<String[]> each = m == BulkMutation.RENEW_LOCATOR ? List.<String[]>of(pages.get(0).get(0)) : List.of();
        String text = csv(header, each);
        long declared = declare ? each.size() : -1;
        salesforce.on("GET", RESULTS, (request, out) -> {
          int at = request.target().indexOf("locator=");
          int page = at < 0 ? 0 : Integer.parseInt(new String(Base64.getDecoder().decode(
              URLDecoder.decode(request.target().substring(at + 8), StandardCharsets.UTF_8)),
              StandardCharsets.US_ASCII)) / 10_000;
          resultPage(text, locator(page + 1), declared).write(request, out);
        });
      }
      default -> { }
    }
    if (m != BulkMutation.RENEW_LOCATOR && m != BulkMutation.EMPTY_PAGES) {
      salesforce.on("GET", RESULTS, byLocator(answers));
    }
    Expect expect = new Expect(null, expected, beforeFailure);
    return switch (m) {
      case NONE, MULTIPLY_ROWS -> expect;
      case REPEAT_LOCATOR -> expect.breach("page handle");
      case RENEW_LOCATOR -> expect.breach("maxPages");
      case EMPTY_PAGES -> expect.breach("maxEmptyPages");
      case WIDE_HEADER -> columns > LIMITS.maxItems() ? expect.breach("maxItems") : expect;
      case WIDE_ROW -> 2 + extra > LIMITS.maxItems() ? expect.breach("maxItems")
          : expect.fails(DataFormatException.class, "fields where the header has 2");
      case COUNT_LIE -> expect.fails(DataFormatException.class, "Sforce-NumberOfRecords");
      case CUT -> expect.fails(ServiceUnavailableException.class);
      case TRICKLE -> expect.breach("minBytesPerSecond");
      case REDIRECT -> expect.fails(DataFormatException.class, "redirects are not followed");
      // a plain one is refused before it is sent; one with a control character or of megabytes may be refused by
      // the JDK's client as a malformed or oversized header first
      case HUGE_LOCATOR -> plainLocator ? expect.fails(DataFormatException.class, "not a plain locator")
          : expect.fails(DelphaException.class);
      case POLL_FOREVER -> expect.breach("maxRequests");
      case FAILED_ECHO -> expect.fails(InvalidInputException.class, "INVALID_FIELD");
    };
  }

  // ---- shared ----

  /** @return the text as it stands inside a JSON string: its control character escaped, as Salesforce sends it */
  private static String jsonText(String text) {
    return text.replace("\u001b", "\\u001b");
  }

  /** An answer that declares its whole length and stops part way: the connection closes mid-body. */
  private static HostilePeer.Answer cut(Random random, String body, Map<String, String> headers) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int sent = random.nextInt(bytes.length);
    return (request, out) -> {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put("Content-Length", String.valueOf(bytes.length));
      HostilePeer.head(out, 200, h);
      out.write(bytes, 0, sent);
      out.flush();
    };
  }

  /** What a case must end in: the whole result, or a typed error of a kind (naming a limit for a breach). */
  private record Expect(List<String> ids, List<Map<String, String>> rows,
      List<Map<String, String>> rowsBeforeFailure, String limit, Class<? extends Throwable> type, String says) {

    Expect(List<String> ids, List<Map<String, String>> rows, List<Map<String, String>> rowsBeforeFailure) {
      this(ids, rows, rowsBeforeFailure, null, null, null);
    }

    Expect breach(String limit) {
      return new Expect(ids, rows, rowsBeforeFailure, limit, ResponseLimitException.class,
          limit.equals("page handle") ? "already read in this read" : "ResponseLimits." + limit);
    }

    Expect fails(Class<? extends Throwable> type, String says) {
      return new Expect(ids, rows, rowsBeforeFailure, null, type, says);
    }

    Expect fails(Class<? extends Throwable> type) {
      return fails(type, "");
    }

    void check(String as, Throwable thrown, Runnable whole) {
      if (type == null) {
        assertThat(thrown).as(as + ": a valid answer reads whole").isNull();
        whole.run();
        return;
      }
      assertThat(thrown).as(as + ": a hostile answer fails").isNotNull();
      assertThat(HostileAnswers.typed(thrown)).isTrue();
      assertThat(thrown).as(as).isInstanceOf(type).hasMessageContaining(says);
      assertThat(thrown.getMessage()).as(as + ": what the peer sent is echoed cut and cleaned")
          .doesNotContain("\u001b").doesNotContain("\r").doesNotContain(TOKEN);
      if (limit != null) {
        HostileAnswers.breaks(thrown, limit);
      }
    }
  }

  private static void login(HostilePeer salesforce) {
    salesforce.on("POST", "/services/oauth2/token", HostilePeer.json(200, "{\"access_token\":\"" + TOKEN
        + "\",\"instance_url\":\"" + salesforce.uri("") + "\",\"id\":\"https://login.salesforce.com/id/00Dx0000000"
        + "hostile/005x0000000hostile\",\"token_type\":\"Bearer\",\"issued_at\":\"1764147600000\",\"signature\":"
        + "\"c2lnbmF0dXJl\"}"));
  }

  private static SalesforceManagerBuilder builder(HostilePeer salesforce) {
    return SalesforceManager.builder().loginUrl(salesforce.uri("").toString())
        .clientId(SalesforceStubs.CLIENT_ID).clientSecret(SalesforceStubs.CLIENT_SECRET)
        .username(SalesforceStubs.USERNAME).password(SalesforceStubs.PASSWORD)
        .securityToken(SalesforceStubs.SECURITY_TOKEN).retryPolicy(SalesforceStubs.FAST_RETRY)
        .bulkPolling(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2))
            .jitter(false).build())
        .requestTimeout(Duration.ofSeconds(10)).responseLimits(LIMITS);
  }

  /** Nothing reached the other host; the token went only where it was issued for. */
  private static void nothingStolen(HostilePeer salesforce, HostilePeer thief) {
    assertThat(thief.requests()).as("requests that reached the other host").isEmpty();
    for (HostilePeer.Request r : salesforce.requests()) {
      assertThat(r.target()).doesNotContain(TOKEN);
      if (!r.target().startsWith("/services/oauth2/token")) {
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
      }
    }
  }
}
