package io.delpha.sdk.core.internal.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.JsonSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * The library's one way of reading what a remote peer sends: every byte counted and bounded before it is kept, a
 * deadline on the whole answer and on each read, JSON parsed under {@link StreamReadConstraints} set from the
 * {@link ResponseLimits} on purpose. A breach is a {@link ResponseLimitException} naming the limit.
 *
 * <pre>{@code
 * HttpResponse<InputStream> r = caller.send(what, request, BodyHandlers.ofInputStream());
 * JsonNode page = BoundedBody.readJson(r.body(), what, limits);            // maxBodyBytes, depth, strings, deadline
 * BoundedBody.forEachLine(r.body(), what, limits, line -> ...);            // NDJSON: per line and per answer
 * try (InputStream file = BoundedBody.download(r.body(), what, declaredSize, "declared size", limits)) { ... }
 * }</pre>
 *
 * <p>Time and rate are counted on the wire bytes, before any decompression; progress on what the answer delivers:
 * the bytes it decodes to, or, for an answer read {@link #byRecords}, the records the reader {@link #delivered}. An
 * answer that keeps sending without delivering (empty compressed blocks, blank lines, whitespace, padding) ends at
 * {@link ResponseLimits#maxBytesWithoutProgress()} bytes or {@link ResponseLimits#progressTimeout()} of waiting,
 * whichever comes first; every stream made here keeps both, so a reader gets them by construction.
 *
 * <p>Deadlines are kept by one daemon thread shared by the library ({@code delpha-http-watchdog}): when one passes it
 * closes the peer's stream, which ends a read blocked on it, and the read throws the limit's exception.
 */
public final class BoundedBody {

  private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();
  private static final Map<ResponseLimits, JsonFactory> FACTORIES = new ConcurrentHashMap<>();
  private static final ObjectMapper MAPPER = JsonSupport.MAPPER;

  private BoundedBody() {}

  /** Reads one line of a line-delimited answer. */
  @FunctionalInterface
  public interface LineConsumer {
    /**
     * @param line the line, without its terminator, never blank
     * @param number its number, 1 for the first
     */
    void accept(String line, int number);
  }

  /**
   * Wraps an answer read whole: at most {@link ResponseLimits#maxBodyBytes()}, within {@link
   * ResponseLimits#bodyTimeout()} from now, each read within {@link ResponseLimits#idleTimeout()}.
   *
   * @param body the peer's stream (closed when the result is)
   * @param what the request, for messages (never a credential or a signed URL's query)
   * @param limits the limits
   * @return the bounded stream
   */
  public static InputStream whole(InputStream body, String what, ResponseLimits limits) {
    return whole(body, what, limits.maxBodyBytes(), "maxBodyBytes", limits);
  }

  /**
   * Wraps an answer read whole under a bound of its own (a file read into memory): at most {@code maxBytes}, within
   * {@link ResponseLimits#bodyTimeout()} from now, each read within {@link ResponseLimits#idleTimeout()}.
   *
   * @param body the peer's stream (closed when the result is)
   * @param what the request, for messages
   * @param maxBytes the most bytes allowed
   * @param limitName how the bound is named in the message, e.g. {@code "maxBodyBytes"}
   * @param limits the limits
   * @return the bounded stream
   */
  public static InputStream whole(InputStream body, String what, long maxBytes, String limitName,
      ResponseLimits limits) {
    return new Bounded(body, what, maxBytes, limitName, limits.bodyTimeout(), limits);
  }

  /**
   * Wraps a body of a size the peer declared (a data file, a result set): reading byte {@code declaredSize + 1}
   * throws at once, so no more than the declared size is ever kept; each read within {@link
   * ResponseLimits#idleTimeout()}; no deadline on the whole (a large file takes as long as it takes).
   *
   * @param body the peer's stream (closed when the result is)
   * @param what the request, for messages
   * @param maxBytes the most bytes allowed
   * @param limitName how the bound is named in the message, e.g. {@code "declared size"}
   * @param limits the limits
   * @return the bounded stream
   */
  public static InputStream download(InputStream body, String what, long maxBytes, String limitName,
      ResponseLimits limits) {
    return new Bounded(body, what, maxBytes, limitName, null, limits);
  }

  /**
   * Wraps a body sent with a {@code Content-Encoding}: the peer's bytes as {@link #download} reads them (each read
   * within {@link ResponseLimits#idleTimeout()}, at the minimum rate), and what they decode to counted against {@code
   * maxBytes}: a gzip answer of a few KB that inflates past the bound (a gzip bomb) ends there, the inflated bytes
   * never kept beyond it. {@code identity} (or no header) is {@link #download} itself. The gzip header is read at the
   * first read, not here; a body that is not the gzip it claims fails that read with an {@link IOException} carrying
   * a {@link DataFormatException} ({@link #formatOf}).
   *
   * @param body the peer's stream (closed when the result is)
   * @param contentEncoding the answer's {@code Content-Encoding}, {@code null} when it sent none
   * @param what the request, for messages
   * @param maxBytes the most decoded bytes allowed
   * @param limitName how the bound is named in the message, e.g. {@code "maxBodyBytes"}
   * @param limits the limits
   * @return the decoded, bounded stream
   * @throws DataFormatException if the encoding is neither {@code gzip} nor {@code identity}; nothing is read
   */
  public static InputStream decoded(InputStream body, @Nullable String contentEncoding, String what, long maxBytes,
      String limitName, ResponseLimits limits) {
    if (!gzip(body, contentEncoding, what)) {
      return download(body, what, maxBytes, limitName, limits);
    }
    return gunzip(body, what, maxBytes, limitName, null, limits);
  }

  /**
   * @return whether the answer is gzip ({@code false}: identity)
   * @throws DataFormatException if it is another encoding; the body is closed
   */
  private static boolean gzip(InputStream body, @Nullable String contentEncoding, String what) {
    String encoding = contentEncoding == null ? "identity" : contentEncoding.trim();
    if (encoding.isEmpty() || "identity".equalsIgnoreCase(encoding)) {
      return false;
    }
    if ("gzip".equalsIgnoreCase(encoding) || "x-gzip".equalsIgnoreCase(encoding)) {
      return true;
    }
    try {
      body.close();
    } catch (IOException ignored) {
      // nothing of it is read
    }
    throw new DataFormatException(what + ": the answer is encoded '" + Peers.echo(encoding) + "', which was not "
        + "asked for (only gzip is)");
  }

  /**
   * Wraps an answer read whole that may come with a {@code Content-Encoding} (a Bulk API result page read into
   * memory, an error answer): as {@link #decoded} with {@link ResponseLimits#maxBodyBytes()} decoded bytes, and under
   * {@link ResponseLimits#bodyTimeout()} from now as {@link #whole} is, whatever the encoding: so an answer of empty
   * compressed blocks, whose decoded bytes never grow, still ends at the deadline (and at {@code
   * maxBytesWithoutProgress} wire bytes).
   *
   * @param body the peer's stream (closed when the result is)
   * @param contentEncoding the answer's {@code Content-Encoding}, {@code null} when it sent none
   * @param what the request, for messages
   * @param limits the limits
   * @return the decoded, bounded stream
   * @throws DataFormatException if the encoding is neither {@code gzip} nor {@code identity}; nothing is read
   */
  public static InputStream wholeDecoded(InputStream body, @Nullable String contentEncoding, String what,
      ResponseLimits limits) {
    if (!gzip(body, contentEncoding, what)) {
      return whole(body, what, limits);
    }
    return gunzip(body, what, limits.maxBodyBytes(), "maxBodyBytes", limits.bodyTimeout(), limits);
  }

  private static InputStream gunzip(InputStream body, String what, long maxBytes, String limitName,
      @Nullable Duration total, ResponseLimits limits) {
    Bounded wire = new Bounded(body, what, Long.MAX_VALUE, "no limit", total, limits);
    wire.decoder = true;
    return new Bounded(new Gunzip(wire, what), what, maxBytes, limitName, null, limits, wire);
  }

  /**
   * Reads a stream made here record by record from now on: only {@link #delivered} counts as progress, so bytes that
   * deliver nothing (blank lines, whitespace, padding) count against {@link ResponseLimits#maxBytesWithoutProgress()}
   * and the time they take against {@link ResponseLimits#progressTimeout()}. A stream not made here (a page already
   * in memory) is left as it is.
   *
   * @param body a stream from {@link #download}, {@link #decoded}, {@link #whole} or {@link #wholeDecoded}
   */
  public static void byRecords(InputStream body) {
    if (body instanceof Bounded bounded) {
      bounded.meter().byRecords = true;
    }
  }

  /**
   * Tells a stream read {@link #byRecords} that a record (a row, a line, a value) was handed to the caller: the
   * bytes and the waiting without progress start again from zero.
   *
   * @param body the stream
   */
  public static void delivered(InputStream body) {
    if (body instanceof Bounded bounded) {
      bounded.meter().delivered();
    }
  }

  /**
   * @param e a failure from reading a stream made here (or anything else)
   * @return the {@link DataFormatException} it carries (a {@link ResponseLimitException} is one), if any
   */
  public static @Nullable DataFormatException formatOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DataFormatException format) {
        return format;
      }
    }
    return null;
  }

  /** Inflates a gzip body, its header read at the first read; corrupt input is a {@link DataFormatException}. */
  private static final class Gunzip extends InputStream {
    private final InputStream wire;
    private final String what;
    private @Nullable GZIPInputStream inflater;

    Gunzip(InputStream wire, String what) {
      this.wire = wire;
      this.what = what;
    }

    private GZIPInputStream inflater() throws IOException {
      GZIPInputStream in = inflater;
      if (in == null) {
        try {
          in = new GZIPInputStream(wire, 64 * 1024);
        } catch (ZipException e) {
          throw corrupt(e);
        }
        inflater = in;
      }
      return in;
    }

    private IOException corrupt(ZipException e) {
      return new IOException(e.getMessage(), new DataFormatException(what + ": the answer says it is gzip but is "
          + "not (" + Peers.echo(e.getMessage()) + "); nothing of it was used", e));
    }

    @Override
    public int read() throws IOException {
      try {
        return inflater().read();
      } catch (ZipException e) {
        throw corrupt(e);
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return inflater().read(buffer, offset, length);
      } catch (ZipException e) {
        throw corrupt(e);
      }
    }

    @Override
    public void close() throws IOException {
      GZIPInputStream in = inflater;
      if (in != null) {
        in.close();
      } else {
        wire.close();
      }
    }
  }

  /**
   * Checks a size a peer declared for something the library will spool to disk, before a byte is read: at most
   * {@link ResponseLimits#maxDeclaredBytes()}, and leaving at least {@link ResponseLimits#minFreeDiskBytes()} free on
   * the spool's disk. Read the body with {@link #download} bounded by the same size, so a peer that sends more than
   * it declared is cut off there.
   *
   * @param declared the size the peer declared
   * @param spool where it would be spooled (a folder or a file in it), {@code null} when it is kept in memory
   * @param what the request, for messages
   * @param limits the limits
   * @throws ResponseLimitException ({@code maxDeclaredBytes}, or {@code minFreeDiskBytes} for a disk too full) if the
   *     size cannot be taken; never retried
   * @throws DataFormatException if the declared size is negative
   */
  public static void requireSpoolable(long declared, @Nullable Path spool, String what,
      ResponseLimits limits) {
    if (declared < 0) {
      throw new DataFormatException(what + ": the peer declared a negative size (" + declared + ")");
    }
    if (declared > limits.maxDeclaredBytes()) {
      throw new ResponseLimitException("maxDeclaredBytes", what + ": the peer declared " + declared + " bytes, more "
          + "than " + limits.maxDeclaredBytes() + " (ResponseLimits.maxDeclaredBytes); nothing was downloaded", null);
    }
    if (spool == null) {
      return;
    }
    Path at = spool;
    while (at != null && !Files.exists(at)) {
      at = at.getParent();
    }
    if (at == null) {
      return;
    }
    long free;
    try {
      free = Files.getFileStore(at).getUsableSpace();
    } catch (IOException e) {
      return; // a store whose space cannot be read is not refused for it; the write fails on its own if full
    }
    if (declared > free - limits.minFreeDiskBytes()) {
      throw new ResponseLimitException("minFreeDiskBytes", what + ": the peer declared " + declared + " bytes and "
          + "the spool's disk has " + free + " bytes free, which would leave less than " + limits.minFreeDiskBytes()
          + " (ResponseLimits.minFreeDiskBytes); nothing was downloaded", null);
    }
  }

  /**
   * Reads a whole answer as JSON, bounded as {@link #whole} and parsed under the limits' depth and string length.
   * Closes the body.
   *
   * @param body the peer's stream
   * @param what the request, for messages
   * @param limits the limits
   * @return the document, a missing node when the body is empty
   * @throws ResponseLimitException if a limit is broken
   * @throws DataFormatException if the body is not JSON
   * @throws ServiceUnavailableException if the peer stops answering mid-body
   */
  public static JsonNode readJson(InputStream body, String what, ResponseLimits limits) {
    try (InputStream in = whole(body, what, limits);
        JsonParser parser = new CountingParser(factory(limits).createParser(in), what, limits)) {
      JsonNode node = MAPPER.readTree(parser);
      return node == null ? MAPPER.missingNode() : node;
    } catch (IOException e) {
      throw jsonFailure(what, limits, e, "the answer is not JSON");
    }
  }

  /**
   * Parses one JSON text already read (a line, a string field holding JSON) under the limits' depth, string length,
   * items and tokens.
   *
   * @param text the text
   * @param what where it came from, for messages
   * @param limits the limits
   * @return the document, a missing node when the text is empty
   */
  public static JsonNode parseJson(String text, String what, ResponseLimits limits) {
    try (JsonParser parser = new CountingParser(factory(limits).createParser(text), what, limits)) {
      JsonNode node = MAPPER.readTree(parser);
      return node == null ? MAPPER.missingNode() : node;
    } catch (IOException e) {
      throw jsonFailure(what, limits, e, "not JSON");
    }
  }

  /**
   * A parser of bytes already read whole (a page, read record by record), under the limits' depth, string length,
   * items per container and tokens: tokens counted from the start, or from the last {@link #startRecord}. A broken
   * limit surfaces as an {@link IOException} (possibly wrapped by a data binder) that {@link #jsonFailure} maps.
   *
   * @param bytes the text
   * @param what where it came from, for messages
   * @param limits the limits
   * @return the parser
   * @throws IOException if the parser cannot be made
   */
  public static JsonParser parser(byte[] bytes, String what, ResponseLimits limits) throws IOException {
    return new CountingParser(factory(limits).createParser(bytes), what, limits);
  }

  /**
   * Starts counting the tokens of a {@link #parser} again, at the start of each record of a page.
   *
   * @param parser a parser from {@link #parser}
   */
  public static void startRecord(JsonParser parser) {
    if (parser instanceof CountingParser counting) {
      counting.startRecord();
    }
  }

  /**
   * Maps a failure of parsing a peer's JSON: a broken limit is its {@link ResponseLimitException}, a syntax error a
   * {@link DataFormatException}, anything else on the way a {@link ServiceUnavailableException} (the peer stopped
   * answering) or a {@link DataFormatException}.
   *
   * @param what where the JSON came from, for messages
   * @param limits the limits it was read under
   * @param e the failure
   * @param notJson how a syntax error is described, e.g. {@code "the answer is not JSON"}
   * @return the exception to throw
   */
  public static RuntimeException jsonFailure(String what, ResponseLimits limits, IOException e, String notJson) {
    ResponseLimitException limit = limitOf(e);
    if (limit != null) {
      return limit;
    }
    if (e instanceof StreamConstraintsException constraint) {
      return constraint(what, limits, constraint);
    }
    if (e instanceof JsonProcessingException json) {
      return new DataFormatException(what + ": " + notJson + " (" + Peers.echo(json.getOriginalMessage()) + ")", e);
    }
    return cutOff(what, e);
  }

  /**
   * Reads a line-delimited answer line by line, as UTF-8: at most {@link ResponseLimits#maxStreamBytes()} in all,
   * lines of at most {@link ResponseLimits#maxLineBytes()}, at most {@link ResponseLimits#maxLines()} non-blank
   * lines, within {@link ResponseLimits#bodyTimeout()}, each read within {@link ResponseLimits#idleTimeout()}. A
   * line is never held longer than its bound: reading stops at the first byte past it. Blank lines are skipped, and
   * deliver nothing: the answer is read {@link #byRecords}, a non-blank line its progress.
   * Closes the body.
   *
   * @param body the peer's stream
   * @param what the request, for messages
   * @param limits the limits
   * @param consumer takes each line
   * @return the number of lines read
   * @throws ResponseLimitException if a limit is broken (the consumer has seen only lines within the limits, and
   *     the caller must not use what it gathered as the whole answer)
   * @throws ServiceUnavailableException if the peer stops answering mid-body
   */
  public static int forEachLine(InputStream body, String what, ResponseLimits limits, LineConsumer consumer) {
    int lines = 0;
    try (InputStream in = new Bounded(body, what, limits.maxStreamBytes(), "maxStreamBytes", limits.bodyTimeout(),
        limits)) {
      byRecords(in);
      byte[] buffer = new byte[8192];
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            if (line.size() + (i - start) > limits.maxLineBytes()) {
              throw lineTooLong(what, limits, lines + 1);
            }
            line.write(buffer, start, i - start);
            int before = lines;
            lines = emit(line, lines, what, limits, consumer);
            if (lines > before) {
              delivered(in);
            }
            start = i + 1;
          }
        }
        if (line.size() + (n - start) > limits.maxLineBytes()) {
          throw lineTooLong(what, limits, lines + 1);
        }
        line.write(buffer, start, n - start);
      }
      return emit(line, lines, what, limits, consumer);
    } catch (IOException e) {
      throw cutOff(what, e);
    }
  }

  private static int emit(ByteArrayOutputStream buffer, int lines, String what, ResponseLimits limits,
      LineConsumer consumer) {
    String line = buffer.toString(StandardCharsets.UTF_8);
    buffer.reset();
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isBlank()) {
      return lines;
    }
    if (lines >= limits.maxLines()) {
      throw new ResponseLimitException("maxLines", what + ": the answer has more than " + limits.maxLines()
          + " lines (ResponseLimits.maxLines); nothing of it was used", null);
    }
    consumer.accept(line, lines + 1);
    return lines + 1;
  }

  private static ResponseLimitException lineTooLong(String what, ResponseLimits limits, int number) {
    return new ResponseLimitException("maxLineBytes", what + ": line " + number + " of the answer is longer than "
        + limits.maxLineBytes() + " bytes (ResponseLimits.maxLineBytes); nothing of the answer was used", null);
  }

  /**
   * For a caller parsing with a {@link #factory} parser itself (a page read whole as bytes, then record by record).
   *
   * @param what the request, for messages
   * @param limits the limits the parser kept
   * @param e the parser's constraint failure
   * @return the limit it broke, as a {@link ResponseLimitException}
   */
  public static ResponseLimitException constraintBroken(String what, ResponseLimits limits,
      StreamConstraintsException e) {
    return constraint(what, limits, e);
  }

  private static ResponseLimitException constraint(String what, ResponseLimits limits, StreamConstraintsException e) {
    String message = String.valueOf(e.getOriginalMessage());
    String limit = message.contains("depth") ? "maxJsonDepth"
        : message.contains("String value length") || message.contains("Name length") ? "maxStringChars"
        : "JSON constraints";
    String value = switch (limit) {
      case "maxJsonDepth" -> " of " + limits.maxJsonDepth();
      case "maxStringChars" -> " of " + limits.maxStringChars() + " characters";
      default -> "";
    };
    return new ResponseLimitException(limit, what + ": the JSON answer breaks the limit " + limit + value
        + " (ResponseLimits." + limit + ")", e);
  }

  /**
   * @param what the request
   * @param e an I/O failure while reading a body
   * @return the failure to throw: the limit a watchdog enforced, else the peer went away
   */
  private static RuntimeException cutOff(String what, IOException e) {
    if (e.getCause() instanceof ResponseLimitException limit) {
      return limit;
    }
    return new ServiceUnavailableException(what + ": the peer stopped answering mid-body ("
        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + Peers.echo(e.getMessage()))
        + ")", e);
  }

  /**
   * @param limits the limits
   * @return a JSON factory whose parsers keep the limits' depth and string length
   */
  public static JsonFactory factory(ResponseLimits limits) {
    JsonFactory factory = FACTORIES.get(limits);
    if (factory != null) {
      return factory;
    }
    if (FACTORIES.size() > 32) {
      FACTORIES.clear(); // a few distinct limits exist in a process; never let a caller grow this
    }
    return FACTORIES.computeIfAbsent(limits, l -> JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(l.maxJsonDepth())
            .maxStringLength(l.maxStringChars())
            .maxNameLength(Math.min(l.maxStringChars(), 1 << 20))
            .build())
        .build());
  }

  private static ScheduledThreadPoolExecutor watchdog() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "delpha-http-watchdog");
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  /** A counted stream with a deadline on the whole and on each read, enforced by closing the peer's stream. */
  private static final class Bounded extends InputStream {
    private final InputStream in;
    private final String what;
    private final long maxBytes;
    private final String limitName;
    private final long deadline;
    private final @Nullable Duration total;
    private final Duration idle;
    private final @Nullable ScheduledFuture<?> check;
    private long count;
    private volatile long readingSince;
    private volatile @Nullable ResponseLimitException breach;
    private final long minRate;
    private final long window;
    private long waited;
    private long arrived;
    /** The wire stream below a decoded one, {@code null} for the wire stream itself (which keeps time and progress). */
    private final @Nullable Bounded wire;
    /** Whether a decoder reads this wire stream: then progress is what it decodes, not the bytes read here. */
    boolean decoder;
    /** Whether progress is a record {@link #delivered}, rather than bytes handed up. */
    volatile boolean byRecords;
    private final long maxWithoutProgress;
    private final long maxBetweenRecords;
    private final long progressTimeout;
    /** Wire bytes read since the decoder above last decoded a byte. */
    private long wireSinceOutput;
    /** Bytes handed up since the last record delivered ({@link #byRecords}). */
    private long sinceRecord;
    /** Nanoseconds spent in reads since the last progress. */
    private volatile long waitedSinceProgress;

    Bounded(InputStream in, String what, long maxBytes, String limitName, @Nullable Duration total,
        ResponseLimits limits) {
      this(in, what, maxBytes, limitName, total, limits, null);
    }

    /**
     * @param wire the wire stream this one decodes, which keeps deadlines, the rate and progress; {@code null} when
     *     this is the wire stream
     */
    Bounded(InputStream in, String what, long maxBytes, String limitName, @Nullable Duration total,
        ResponseLimits limits, @Nullable Bounded wire) {
      boolean timed = wire == null;
      this.wire = wire;
      this.maxWithoutProgress = limits.maxBytesWithoutProgress();
      this.maxBetweenRecords = Math.max(limits.maxBytesWithoutProgress(), 2L * limits.maxLineBytes());
      this.progressTimeout = limits.progressTimeout().toNanos();
      this.in = in;
      this.what = what;
      this.maxBytes = maxBytes;
      this.limitName = limitName;
      this.total = total;
      this.idle = limits.idleTimeout();
      this.minRate = timed ? limits.minBytesPerSecond() : 0;
      this.window = limits.rateWindow().toNanos();
      this.deadline = total == null ? Long.MAX_VALUE : System.nanoTime() + total.toNanos();
      long period = Math.max(20, Math.min(1000, idle.toMillis() / 4));
      this.check = timed ? WATCHDOG.scheduleWithFixedDelay(this::watch, period, period, TimeUnit.MILLISECONDS) : null;
    }

    private void watch() {
      long now = System.nanoTime();
      long since = readingSince;
      ResponseLimitException reason = null;
      if (now - deadline >= 0) {
        reason = new ResponseLimitException("bodyTimeout", what + ": the answer took longer than " + total
            + " to arrive (ResponseLimits.bodyTimeout); nothing of it was used", null);
      } else if (since != 0 && now - since >= idle.toNanos()) {
        reason = new ResponseLimitException("idleTimeout", what + ": the peer sent nothing for " + idle
            + " (ResponseLimits.idleTimeout); nothing of the answer was used", null);
      } else if (waitedSinceProgress + (since == 0 ? 0 : now - since) >= progressTimeout) {
        reason = noProgressFor();
      }
      if (reason != null && breach == null) {
        breach = reason;
        stopWatching();
        try {
          in.close(); // ends a read blocked on the peer
        } catch (IOException | RuntimeException ignored) {
          // the read that was blocked fails either way
        }
      }
    }

    private ResponseLimitException noProgressFor() {
      return new ResponseLimitException("progressTimeout", what + ": the answer delivered nothing (no "
          + (byRecords ? "record" : "decoded byte") + ") for " + Duration.ofNanos(progressTimeout) + " of waiting "
          + "(ResponseLimits.progressTimeout); reading stopped and nothing of the answer was used", null);
    }

    /** @return the stream that keeps time and progress: the wire stream */
    Bounded meter() {
      return wire != null ? wire : this;
    }

    /** A record was handed to the caller (or, when not read by records, a byte): progress. */
    void delivered() {
      sinceRecord = 0;
      waitedSinceProgress = 0;
    }

    /** On the wire stream: {@code n} bytes were handed up to the caller, or to the parser above. */
    private void handedUp(long n) throws IOException {
      if (!byRecords) {
        delivered();
        return;
      }
      sinceRecord += n;
      if (sinceRecord > maxBetweenRecords) {
        throw breached(new ResponseLimitException("maxBytesWithoutProgress", what + ": the answer sent " + sinceRecord
            + " bytes without a record (blank lines, whitespace or padding), more than " + maxBetweenRecords
            + " (ResponseLimits.maxBytesWithoutProgress, at least twice maxLineBytes); reading stopped and nothing "
            + "of the answer was used", null));
      }
    }

    /** On the wire stream under a decoder: {@code n} wire bytes were read. */
    private void wireRead(long n) throws IOException {
      wireSinceOutput += n;
      if (wireSinceOutput > maxWithoutProgress) {
        throw breached(new ResponseLimitException("maxBytesWithoutProgress", what + ": the answer sent "
            + wireSinceOutput + " compressed bytes that decoded to nothing, more than " + maxWithoutProgress
            + " (ResponseLimits.maxBytesWithoutProgress); reading stopped and nothing of the answer was used", null));
      }
    }

    /** On the wire stream under a decoder: the decoder gave {@code n} bytes. */
    private void decodedOut(long n) throws IOException {
      wireSinceOutput = 0;
      handedUp(n);
    }

    private IOException breached(ResponseLimitException reason) {
      Bounded m = meter();
      if (m.breach == null) {
        m.breach = reason;
      }
      if (breach == null) {
        breach = reason;
      }
      try {
        close();
      } catch (IOException | RuntimeException ignored) {
        // the breach is what is thrown
      }
      return new IOException(reason.getMessage(), reason);
    }

    private void stopWatching() {
      if (check != null) {
        check.cancel(false);
      }
    }

    private void enter() throws IOException {
      ResponseLimitException b = breach;
      if (b == null && wire != null) {
        b = wire.breach;
      }
      if (b != null) {
        throw new IOException(b.getMessage(), b);
      }
      if (wire == null) {
        readingSince = System.nanoTime() | 1;
      }
    }

    private int leave(int n) throws IOException {
      long since = readingSince;
      readingSince = 0;
      if (since != 0) {
        long nanos = System.nanoTime() - since;
        rate(nanos, Math.max(n, 0));
        waitedSinceProgress += nanos;
      }
      if (n > 0) {
        count += n;
        if (count > maxBytes) {
          throw breached(new ResponseLimitException(limitName, what + ": the answer is longer than " + maxBytes
              + " bytes (" + (limitName.startsWith("max") ? "ResponseLimits." + limitName : limitName)
              + "); reading stopped there and nothing of it was used", null));
        }
        if (wire != null) {
          wire.decodedOut(n);
        } else if (decoder) {
          wireRead(n);
        } else {
          handedUp(n);
        }
      }
      Bounded m = meter();
      if (m.waitedSinceProgress >= m.progressTimeout) {
        throw breached(m.noProgressFor());
      }
      return n;
    }

    /**
     * Counts time spent waiting for the peer and what it brought, from its first byte (the wait for the first byte is
     * {@code idleTimeout}'s): once {@code rateWindow} of waiting has passed, the peer must have sent on average at
     * least {@code minBytesPerSecond} a second of waiting since then, at every read. Time the caller spends between
     * reads is not counted, so a slow consumer is never taken for a slow peer.
     */
    private void rate(long nanos, int n) throws IOException {
      if (arrived > 0) {
        waited += nanos;
      }
      arrived += n;
      if (minRate > 0 && waited >= window && arrived < minRate * (waited / 1e9)) {
        throw breached(new ResponseLimitException("minBytesPerSecond", what + ": the peer sent " + arrived
            + " bytes in " + Math.round(waited / 1e9) + " s of waiting, slower than " + minRate
            + " bytes a second (ResponseLimits.minBytesPerSecond, measured after ResponseLimits.rateWindow); reading "
            + "stopped and nothing of the answer was used", null));
      }
    }

    private IOException failed(IOException e) {
      readingSince = 0;
      ResponseLimitException b = breach;
      if (b == null && wire != null) {
        b = wire.breach;
      }
      return b == null ? e : new IOException(b.getMessage(), b);
    }

    @Override
    public int read() throws IOException {
      enter();
      int b;
      try {
        b = in.read();
      } catch (IOException e) {
        throw failed(e);
      }
      if (b < 0) {
        readingSince = 0;
        return b;
      }
      leave(1);
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      enter();
      int n;
      try {
        n = in.read(buffer, offset, length);
      } catch (IOException e) {
        throw failed(e);
      }
      if (n < 0) {
        readingSince = 0;
        return n;
      }
      return leave(n);
    }

    /** @return how many bytes were read so far */
    long count() {
      return count;
    }

    @Override
    public void close() throws IOException {
      stopWatching();
      in.close();
    }
  }

  /**
   * @param e a failure from reading a stream made here (or anything else)
   * @return the {@link ResponseLimitException} it carries, if any
   */
  public static @Nullable ResponseLimitException limitOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ResponseLimitException limit) {
        return limit;
      }
    }
    return null;
  }
}
