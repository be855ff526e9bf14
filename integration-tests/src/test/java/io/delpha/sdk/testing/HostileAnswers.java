package io.delpha.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ResponseLimitException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generator of hostile answers: takes a valid answer a protocol's peer would send and mutates it the ways a
 * hostile peer would (widen an object to N fields, multiply an array's items, deepen, renew or repeat a page handle,
 * lie about a size), seeded and repeatable. {@link #run} runs a property over many seeds and, for each that fails,
 * prints the command that replays it alone.
 *
 * <pre>{@code
 * HostileAnswers.run(getClass(), "aHostilePageIsTypedOrCorrect", "hostile.sf.seed", "hostile.sf.count", 40, random -> {
 *   ObjectNode page = validPage();
 *   HostileAnswers.Mutation m = HostileAnswers.pick(random, HostileAnswers.Mutation.values());
 *   ...
 * });
 * }</pre>
 *
 * <p>The count is small by default (the main suite) and large in the {@code hostile} profile ({@code -Dhostile.count}
 * sets every generator's count, a generator's own property overrides it).
 */
public final class HostileAnswers {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private HostileAnswers() {}

  /** A case of a generator: given its seed's random, it sends one hostile exchange and checks the outcome. */
  @FunctionalInterface
  public interface Case {
    /**
     * @param random the case's random, from its seed
     * @throws Exception a failure of the property
     */
    void run(Random random) throws Exception;
  }

  /**
   * Runs a case over seeds {@code base .. base + count - 1}; every seed runs, and the failures are reported together,
   * each with its replay command.
   *
   * @param test the test class
   * @param method the test method, for the replay command
   * @param seedProperty the system property of the first seed
   * @param countProperty the system property of the count
   * @param defaultCount the count in the main suite
   * @param c the case
   */
  public static void run(Class<?> test, String method, String seedProperty, String countProperty, int defaultCount,
      Case c) {
    run(test, method, null, seedProperty, countProperty, defaultCount, c);
  }

  /**
   * As {@link #run(Class, String, String, String, int, Case)}, for a test of a profile: the replay command names it.
   *
   * @param test the test class
   * @param method the test method, for the replay command
   * @param profile the Maven profile the test runs in ({@code process}, {@code ring}), or {@code null}
   * @param seedProperty the system property of the first seed
   * @param countProperty the system property of the count
   * @param defaultCount the count in the main suite
   * @param c the case
   */
  public static void run(Class<?> test, String method, String profile, String seedProperty, String countProperty,
      int defaultCount, Case c) {
    long base = Long.getLong(seedProperty, 58_000L);
    int count = Integer.getInteger(countProperty, Integer.getInteger("hostile.count", defaultCount));
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long seed = base + i;
      try {
        c.run(new Random(seed));
      } catch (Throwable e) {
        failures.add("seed " + seed + ": " + e + "\n  replay: mvn -q" + (profile == null ? "" : " -P" + profile)
            + " test -Dtest='" + test.getSimpleName() + "#"
            + method + "' -Dsurefire.failIfNoSpecifiedTests=false -D" + seedProperty + "=" + seed + " -D"
            + countProperty + "=1");
        if (e instanceof VirtualMachineError vm && !(e instanceof OutOfMemoryError)) {
          throw vm;
        }
      }
    }
    assertThat(failures).as("hostile answers of %s (%d seeds from %d)", test.getSimpleName(), count, base).isEmpty();
  }

  /**
   * The outcome every hostile answer must have: a typed error, or a result the caller checks is the right one.
   *
   * @param e what the client threw, {@code null} when it returned
   * @return {@code true} when it threw a typed error (then the caller checks nothing more than its type and message)
   */
  public static boolean typed(Throwable e) {
    if (e == null) {
      return false;
    }
    assertThat(e).as("a hostile answer ends in a typed error").isInstanceOf(DelphaException.class);
    assertThat(e.getMessage()).as("the message echoes at most a few hundred characters of the peer")
        .hasSizeLessThan(2000);
    return true;
  }

  /**
   * @param e what the client threw
   * @param limit the setting the breach must name
   */
  public static void breaks(Throwable e, String limit) {
    assertThat(e).isInstanceOfSatisfying(ResponseLimitException.class, l -> assertThat(l.limit()).isEqualTo(limit));
    assertThat(e.getMessage()).hasSizeLessThan(2000);
  }

  /**
   * What a peer sends to keep an answer open while delivering nothing: the "delivers nothing" class. Each is legal
   * filler somewhere; a surface picks those its format allows ({@link #LINES} where blank lines are skipped, {@link
   * #JSON} inside a JSON document read whole).
   */
  public enum Padding {
    /** blank lines */
    BLANK_LINES("\n"),
    /** blank lines ended CRLF */
    CRLF_LINES("\r\n"),
    /** lines of spaces and tabs (blank once trimmed) */
    WHITESPACE_LINES(" \t \n"),
    /** JSON whitespace between tokens */
    WHITESPACE(" \t\r\n"),
    /** keep-alive padding of one space at a time */
    KEEP_ALIVE(" ");

    /** Paddings a line-delimited answer (NDJSON, CSV records) skips. */
    public static final Padding[] LINES = {BLANK_LINES, CRLF_LINES, WHITESPACE_LINES};
    /** Paddings a JSON document allows between its tokens. */
    public static final Padding[] JSON = {WHITESPACE, KEEP_ALIVE, BLANK_LINES, CRLF_LINES};

    private final String text;

    Padding(String text) {
      this.text = text;
    }

    /** @return the padding's text, sent again and again */
    public String text() {
      return text;
    }
  }

  /**
   * The outcome of an answer that delivers nothing forever: a typed breach of one of the limits that bound it (the
   * delivery bounds, or for an answer read whole its size or deadline), never a hang or a partial result.
   *
   * @param e what the client threw
   * @param limits the limits any of which may be the one named
   */
  public static void endsUndelivered(Throwable e, String... limits) {
    assertThat(e).as("an answer that delivers nothing forever ends").isNotNull();
    assertThat(typed(e)).isTrue();
    assertThat(e).isInstanceOfSatisfying(ResponseLimitException.class,
        l -> assertThat(l.limit()).as("the limit named").isIn((Object[]) limits));
  }

  /**
   * @param random the random
   * @param choices the choices
   * @param <T> their type
   * @return one of them
   */
  @SafeVarargs
  public static <T> T pick(Random random, T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  /**
   * @param record an object
   * @param fields how many fields to add, named {@code f0, f1, ...}
   * @return a copy with that many more fields, each a short string
   */
  public static ObjectNode widen(ObjectNode record, int fields) {
    ObjectNode wide = record.deepCopy();
    for (int i = 0; i < fields; i++) {
      wide.put("f" + i, "v");
    }
    return wide;
  }

  /**
   * @param array an array
   * @param times how many copies of its first element to add
   * @return a copy with that many more items
   */
  public static ArrayNode multiply(ArrayNode array, int times) {
    ArrayNode many = array.deepCopy();
    JsonNode first = array.isEmpty() ? NODES.nullNode() : array.get(0);
    for (int i = 0; i < times; i++) {
      many.add(first.deepCopy());
    }
    return many;
  }

  /**
   * @param depth how deep
   * @return JSON text of arrays nested that deep, e.g. {@code [[[1]]]}
   */
  public static String deep(int depth) {
    return "[".repeat(depth) + "1" + "]".repeat(depth);
  }

  /**
   * @param random the random
   * @param length its length
   * @return a page handle (token, locator) of that length, printable ASCII with a control character in it
   */
  public static String handle(Random random, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + random.nextInt(26)));
    }
    if (length > 2) {
      b.setCharAt(1, '\u001b');
    }
    return b.toString();
  }
}
