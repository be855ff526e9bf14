package io.delpha.sdk.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.salesforce.ApiUsage;
import io.delpha.sdk.salesforce.internal.RestHttp;
import io.delpha.sdk.sharing.internal.BearerTokens;
import io.delpha.sdk.sharing.internal.DeletionVector;
import io.delpha.sdk.sharing.internal.SparkSchema;
import io.delpha.sdk.sharing.internal.Values;
import io.delpha.sdk.testing.HostileAnswers;
import io.delpha.sdk.testing.MutableClock;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 68, "CPU from a few bytes" and "peer numbers in arithmetic": a seeded generator of the numbers a hostile
 * peer sends (huge exponents, huge precision and scale, 10k digits, {@code Long.MAX_VALUE} lifetimes, negatives, NaN
 * and Infinity text, leading zeros, Unicode digits, junk) run against every surface that takes a peer's number: a
 * partition value of each numeric type, a {@code schemaString} decimal type, a deletion vector's sizes, an OAuth
 * token's {@code expires_in} over a real loopback token endpoint, {@code Sforce-Limit-Info}, a Bulk page's
 * {@code Sforce-NumberOfRecords} and a {@code Content-Length}-like size, a change event's field bitmap (as hex), the
 * upload server's constraints. Each ends in
 * a typed error echoing at most {@value Peers#ECHO_CHARS} characters, or in the right value. Work is judged by
 * counting what the parsing thread allocates (a {@code BigInteger.pow} of a peer's exponent allocates megabytes),
 * never by time.
 *
 * <p>{@code -Dhostile.numbers.count=N} runs N seeds; a failure prints its replay command.
 */
@DisplayName("every number a peer sends: a typed error or the right value, at a cost independent of its magnitude")
class PeerNumbersHostileAnswersTest {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** What parsing one peer number may allocate: its text, a message, a value. */
  private static final long MOST_BYTES = 256 << 10;

  @Test
  @DisplayName("hostile numbers against partition values, schema types, vector sizes, Salesforce headers and "
      + "constraints: typed or right, each parse allocating at most 256 KiB")
  void hostileNumbersAreTypedOrRight() {
    HostileAnswers.run(getClass(), "hostileNumbersAreTypedOrRight", "hostile.numbers.seed", "hostile.numbers.count",
        300, random -> {
          String text = hostileNumber(random);
          int precision = 1 + random.nextInt(38);
          int scale = random.nextInt(precision + 1);
          ColumnType decimal = ColumnType.decimal(precision, scale);
          // partition values of every numeric type
          check(text, () -> Values.parsePartition(Column.required("d", decimal), text, "file f"), v -> {
            BigDecimal d = (BigDecimal) v;
            assertThat(d.scale()).isEqualTo(scale);
            assertThat(d.precision()).isLessThanOrEqualTo(precision);
            if (d.signum() != 0) { // a zero may carry any exponent ("0E+2147483648"), which BigDecimal refuses
              assertThat(d.compareTo(new BigDecimal(text.trim()))).isZero();
            }
          });
          check(text, () -> Values.parsePartition(Column.required("l", ColumnType.LONG), text, "file f"),
              v -> assertThat(BigInteger.valueOf((Long) v)).isEqualTo(new BigDecimal(text.trim()).toBigIntegerExact()));
          check(text, () -> Values.parsePartition(Column.required("i", ColumnType.INT), text, "file f"),
              v -> assertThat(BigInteger.valueOf((Integer) v)).isEqualTo(new BigDecimal(text.trim())
                  .toBigIntegerExact()));
          check(text, () -> Values.parsePartition(Column.required("x", ColumnType.DOUBLE), text, "file f"),
              v -> assertThat(Double.compare((Double) v, Double.parseDouble(text.trim()))).isZero());
          // a schemaString's decimal type, the number in either place
          String type = random.nextBoolean() ? "decimal(" + text + "," + scale + ")" : "decimal(38," + text + ")";
          check(text, () -> SparkSchema.columnType(type, "c", "s.d.t"), v -> {
            ColumnType t = (ColumnType) v;
            assertThat(t.precision()).isBetween(1, 38);
            assertThat(t.scale()).isBetween(0, t.precision());
          });
          // a deletion vector's sizes, as JSON text and as JSON numbers
          for (JsonNode n : List.of(NODES.textNode(text), jsonNumber(text))) {
            ObjectNode dv = NODES.objectNode().put("storageType", "i").put("pathOrInlineDv", "00000")
                .put("sizeInBytes", 4).put("cardinality", 0);
            dv.set(HostileAnswers.pick(random, "sizeInBytes", "cardinality", "offset"), n);
            check(text, () -> DeletionVector.parse(dv, null, 3L, "s.d.t"), v -> {
              DeletionVector d = (DeletionVector) v;
              assertThat(d.sizeInBytes()).isGreaterThanOrEqualTo(4);
              assertThat(d.cardinality()).isBetween(0L, 3L);
            });
          }
          // Salesforce's Sforce-Limit-Info, and a count or size header as Bulk pages and storage send them
          check(text, () -> RestHttp.parseLimitInfo("api-usage=" + text + "/5000"), v -> {
            @SuppressWarnings("unchecked") Optional<ApiUsage> u = (Optional<ApiUsage>) v;
            u.ifPresent(usage -> assertThat(usage.used()).isNotNegative());
          });
          check(text, () -> PeerNumbers.parseLong(text, 0, Long.MAX_VALUE, "Sforce-NumberOfRecords"),
              v -> assertThat((Long) v).isNotNegative());
          // a change event's bitmap (the hex of a big-endian number), against the JDK's BigInteger read of it
          check(text, () -> io.delpha.sdk.changes.internal.FieldBitmap.parse(List.of("0x" + text),
              io.delpha.sdk.changes.internal.FieldBitmap.MAX_BITS + 1, "changedFields"),
              v -> assertThat(((io.delpha.sdk.changes.internal.FieldBitmap) v).top())
                  .isEqualTo(io.delpha.sdk.changes.internal.ChangeEventDecodingTest.bigIntegerBits(text)));
          // the upload server's constraints
          check(text, () -> IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":3,"
              + "\"data_sizes\":" + jsonNumber(text) + "}"), v -> assertThat(((IngestionConstraints) v).maxFileBytes())
              .isPositive());
        });
  }

  @Test
  @DisplayName("an OAuth token endpoint answering hostile expires_in: a typed AuthenticationException or a token "
      + "renewed within a day, never an overflow")
  void hostileTokenLifetimes() throws Exception {
    AtomicReference<String> answer = new AtomicReference<>();
    AtomicInteger asked = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", exchange -> {
      asked.incrementAndGet();
      byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
      HttpCaller http = new HttpCaller(HttpCaller.newClient(Duration.ofSeconds(5), HttpClient.Redirect.NEVER, null),
          "the token endpoint", Duration.ofSeconds(10), Retrier.of(RetryPolicy.builder().maxAttempts(1).build()));
      HostileAnswers.run(getClass(), "hostileTokenLifetimes", "hostile.numbers.seed", "hostile.numbers.count", 30,
          random -> {
            String text = random.nextInt(4) == 0 ? HostileAnswers.pick(random, "9223372036854775807",
                "-9223372036854775808", "1e400", "\"9223372036854775807\"", "-1", "0") : hostileNumber(random);
            boolean quoted = text.startsWith("\"") || random.nextBoolean();
            String bare = text.replace("\"", "");
            JsonNode node = quoted ? NODES.textNode(bare) : jsonNumber(bare);
            String field = node.toString();
            answer.set("{\"access_token\":\"tok\",\"token_type\":\"Bearer\",\"expires_in\":" + field + "}");
            MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
            BearerTokens tokens = BearerTokens.oauthClientCredentials(http, endpoint, "c", Secret.of("s"), null, clock,
                ResponseLimits.defaults());
            int before = asked.get();
            try {
              assertThat(tokens.current().reveal()).isEqualTo("tok");
            } catch (DelphaException e) {
              assertThat(e).isInstanceOf(AuthenticationException.class);
              assertThat(e.getMessage()).hasSizeLessThan(600);
              return;
            }
            tokens.current();
            boolean none = (node.isTextual() ? Double.parseDouble(bare) : node.doubleValue()) == 0;
            assertThat(asked.get() - before).as("asked again at once only for a lifetime of 0").isEqualTo(none ? 2 : 1);
            clock.advance(Duration.ofDays(1));
            tokens.current();
            assertThat(asked.get() - before).as("renewed within a day, whatever the lifetime").isEqualTo(none ? 3 : 2);
          });
    } finally {
      server.stop(0);
    }
  }

  // ------------------------------------------------------------------------------------------------- generator

  /** A number's text as a hostile (or a valid) peer sends it. */
  static String hostileNumber(Random random) {
    String digits = digits(random, 1 + random.nextInt(20));
    return switch (random.nextInt(14)) {
      case 0 -> digits + (random.nextBoolean() ? "E+" : "e") + (random.nextBoolean() ? "99999999" : digits(random,
          6 + random.nextInt(12)));
      case 1 -> "1E-" + digits(random, 5 + random.nextInt(10));
      case 2 -> digits(random, 1001 + random.nextInt(9000));
      case 3 -> "0".repeat(random.nextInt(990)) + digits;
      case 4 -> HostileAnswers.pick(random, "9223372036854775807", "9223372036854775808", "-9223372036854775808",
          "-9223372036854775809", "2147483647", "2147483648", "-2147483649", "99999999999", "18446744073709551616");
      case 5 -> "-" + digits;
      case 6 -> HostileAnswers.pick(random, "NaN", "-NaN", "Infinity", "-Infinity", "+Infinity", "inf", "1e309",
          "4.9e-325", "-0", "0.0", "0E+2147483648");
      case 7 -> HostileAnswers.pick(random, "\u0661\u0662\u0663", "\uFF11\uFF12", "\u0967\u0968", "1\u00A02",
          "\u0661E+99999999");
      case 8 -> HostileAnswers.pick(random, "0x1p3", "1d", "12L", "1_000", "1,5", "--1", ".", "", " ", "e5", "1e",
          "1.2.3", "\u202e1", "1\n2");
      case 9 -> digits + "." + digits(random, 1 + random.nextInt(40));
      case 10 -> "0." + "0".repeat(random.nextInt(50)) + digits;
      case 11 -> (random.nextBoolean() ? "-" : "") + digits.substring(0, Math.min(digits.length(), 5)) + "."
          + digits(random, random.nextInt(4));
      case 12 -> String.valueOf(random.nextInt(100));
      default -> String.valueOf(random.nextLong());
    };
  }

  private static String digits(Random random, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append((char) ('0' + random.nextInt(10)));
    }
    return b.toString();
  }

  /** @return the text as a JSON number where JSON has one (Jackson's own limits apply), else as a string */
  private static JsonNode jsonNumber(String text) {
    try {
      JsonNode n = JsonSupport.MAPPER.readTree(text);
      return n != null && n.isNumber() ? n : NODES.textNode(text);
    } catch (Exception e) {
      return NODES.textNode(text);
    }
  }

  /**
   * Runs a surface on the text: a typed error whose message echoes at most {@value Peers#ECHO_CHARS} characters of
   * it, or a value {@code right} accepts; either way at most {@link #MOST_BYTES} allocated.
   */
  private static void check(String text, Supplier<Object> surface, java.util.function.Consumer<Object> right) {
    try {
      surface.get(); // classes loaded and code compiled: the measured run below counts the parse alone
    } catch (RuntimeException e) {
      // judged below
    }
    long before = THREADS.getCurrentThreadAllocatedBytes();
    Object value = null;
    RuntimeException error = null;
    try {
      value = surface.get();
    } catch (RuntimeException e) {
      error = e;
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated for '%s'", Peers.echo(text)).isLessThan(MOST_BYTES + 24L * text.length());
    if (error != null) {
      assertThat(error).as("'%s'", Peers.echo(text)).isInstanceOfAny(DataFormatException.class,
          InvalidInputException.class);
      assertThat(error.getMessage()).hasSizeLessThan(2 * Peers.ECHO_CHARS + 400)
          .doesNotContain(text.length() > Peers.ECHO_CHARS ? text : "\u0000");
      return;
    }
    if (value == null) {
      assertThat(text).as("only an empty partition value is null").isEmpty();
      return;
    }
    right.accept(value);
  }

}
