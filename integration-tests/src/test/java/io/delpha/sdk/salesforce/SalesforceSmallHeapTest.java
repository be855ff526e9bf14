package io.delpha.sdk.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.testing.HostilePeer;
import io.delpha.sdk.testing.JavaProcess;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 58, judged in a child JVM of 256 MiB with the client's <em>default</em> limits: a query page whose one record
 * has 4,000,000 fields (40 MB, inside {@code maxBodyBytes}), and a Bulk API 2.0 result whose header names 1,000,000
 * distinct columns (11 MB, inside {@code maxLineBytes}) with rows as wide, each made the client run out of memory
 * building the record or the header; now each stops at {@code maxItems} before it is built. To see the heap run out
 * without the bounds, {@code -Dsalesforce.maxItems=2147483647} sets the child's {@code maxItems} and {@code maxTokens}
 * (which would stop the record next) to that.
 */
@Tag("process")
class SalesforceSmallHeapTest {

  private static final String API = "/services/data/v60.0";
  private static final String JOB = "750R0000000zlh9IAA";

  /** Reads the wide page and the wide result in the child JVM and prints what happened to each. */
  public static final class Reader {
    public static void main(String[] args) {
      SalesforceManagerBuilder b = SalesforceManager.builder().loginUrl(args[0])
          .clientId(SalesforceStubs.CLIENT_ID).clientSecret(SalesforceStubs.CLIENT_SECRET)
          .username(SalesforceStubs.USERNAME).password(SalesforceStubs.PASSWORD)
          .bulkPolling(p -> p.initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)));
      if (args.length > 1) { // to see what the bound stops
        b.responseLimits(l -> l.maxItems(Integer.parseInt(args[1])).maxTokens(Integer.parseInt(args[1])));
      }
      try (SalesforceManager sf = b.build()) {
        report("query", () -> sf.query("SELECT Id FROM Contact").records().size());
        report("bulk", () -> {
          try (Stream<Map<String, String>> rows = sf.bulkQuery("SELECT Id FROM Contact")) {
            return rows.count();
          }
        });
      }
    }

    private static void report(String what, Supplier<Object> read) {
      try {
        System.out.println("RESULT " + what + " read-whole " + read.get());
      } catch (ResponseLimitException e) {
        System.out.println("RESULT " + what + " limit=" + e.limit());
      } catch (DelphaException e) {
        System.out.println("RESULT " + what + " failed " + e);
      }
    }
  }

  @Test
  @DisplayName("at -Xmx256m and the default limits, a record of 4,000,000 fields and a CSV header of 1,000,000 names "
      + "end in maxItems, not an OutOfMemoryError")
  void wideRecordAndHeaderAtSmallHeap() {
    try (HostilePeer salesforce = HostilePeer.start()) {
      salesforce.on("POST", "/services/oauth2/token", HostilePeer.json(200, "{\"access_token\":\"00Dx!smallHeap\","
          + "\"instance_url\":\"" + salesforce.uri("") + "\",\"token_type\":\"Bearer\"}"));
      StringBuilder page = new StringBuilder("{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":"
          + "\"Contact\",\"url\":\"" + API + "/sobjects/Contact/003D00000000000001\"},\"Id\":\"003D00000000000001\"");
      for (int i = 0; i < 4_000_000; i++) {
        page.append(",\"").append(Integer.toString(i, 36)).append("\":1");
      }
      salesforce.on("GET", API + "/query/", HostilePeer.json(200, page.append("}]}").toString()));
      page = null;
      salesforce.on("POST", API + "/jobs/query", HostilePeer.json(200, "{\"id\":\"" + JOB + "\",\"state\":"
          + "\"UploadComplete\"}"));
      salesforce.on("GET", API + "/jobs/query/" + JOB, HostilePeer.json(200, "{\"id\":\"" + JOB + "\",\"state\":"
          + "\"JobComplete\"}"));
      StringBuilder csv = new StringBuilder("Id");
      for (int i = 1; i < 1_000_000; i++) {
        csv.append(",C").append(i).append("__c");
      }
      csv.append('\n');
      for (int r = 0; r < 3; r++) {
        csv.append("001D0000000000000").append(r).append(",x".repeat(999_999)).append('\n');
      }
      byte[] results = csv.toString().getBytes(StandardCharsets.UTF_8);
      csv = null;
      // an org that does not offer resultPages: the default parallel read falls back to the streamed locator paging
      salesforce.on("GET", API + "/jobs/query/" + JOB + "/resultPages", HostilePeer.json(404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]"));
      salesforce.on("GET", API + "/jobs/query/" + JOB + "/results", (request, out) -> {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/csv");
        headers.put("Sforce-Locator", "null");
        headers.put("Sforce-NumberOfRecords", "3");
        headers.put("Content-Length", String.valueOf(results.length));
        HostilePeer.head(out, 200, headers);
        write(out, results);
      });
      String maxItems = System.getProperty("salesforce.maxItems");
      String login = salesforce.uri("").toString();
      try (JavaProcess child = JavaProcess.start(Reader.class, List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
          maxItems == null ? new String[] {login} : new String[] {login, maxItems})) {
        String query = child.awaitLine(l -> l.startsWith("RESULT") || l.contains("OutOfMemoryError"),
            Duration.ofMinutes(5));
        System.out.println("maxItems=" + (maxItems == null ? "default" : maxItems) + " " + query);
        assertThat(query).isEqualTo("RESULT query limit=maxItems");
        String bulk = child.awaitLine(l -> l.startsWith("RESULT") || l.contains("OutOfMemoryError"),
            Duration.ofMinutes(5));
        System.out.println("maxItems=" + (maxItems == null ? "default" : maxItems) + " " + bulk);
        assertThat(bulk).isEqualTo("RESULT bulk limit=maxItems");
        assertThat(child.awaitExit(Duration.ofMinutes(1))).isZero();
      }
    }
  }

  private static void write(OutputStream out, byte[] bytes) throws java.io.IOException {
    for (int at = 0; at < bytes.length; at += 1 << 16) {
      out.write(bytes, at, Math.min(1 << 16, bytes.length - at));
    }
  }
}
