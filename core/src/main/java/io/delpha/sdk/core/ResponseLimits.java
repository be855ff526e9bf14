package io.delpha.sdk.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The budget every answer from a remote peer is read under: the one type every client of the library that talks to
 * a peer it does not control (Salesforce REST, Bulk API 2.0 and login; the Delta Sharing server, its storage and OAuth
 * token endpoint; the upload client) takes, so that a hostile or broken peer spends bounded memory, disk and time
 * whatever it sends, and a client added later gets the same bounds by construction. It bounds, while reading:
 * <ul>
 *   <li><b>bytes</b>: per answer, per line, per stream;</li>
 *   <li><b>items</b>: per container (array elements, object fields, CSV columns, schema fields) and tokens per
 *       document, so that a few bytes cannot become millions of objects;</li>
 *   <li><b>pages and requests</b> per paged read, and <b>progress</b>: a page handle (a {@code nextRecordsUrl}, a
 *       Bulk API locator, a page token) seen before in the same read, or {@code maxEmptyPages} pages in a row with
 *       nothing in them, ends the read;</li>
 *   <li><b>time</b>: a deadline for an answer read whole or line by line, an idle timeout per read, and a minimum
 *       rate for every answer, counted on the bytes on the wire (before any decompression);</li>
 *   <li><b>delivery</b>: what an answer hands the caller (its records, lines, values, or the bytes a compressed
 *       answer decodes to) must keep coming: {@code maxBytesWithoutProgress} bytes, or {@code progressTimeout} of
 *       waiting, without a delivery ends the answer, so blank lines, whitespace or empty compressed blocks sent
 *       forever cannot last; a count a page claims is enforced as its records are read (record N+1 past a claim of
 *       N is an error at once);</li>
 *   <li><b>disk</b>: a declared size is capped before anything is spooled, and a peer that sends more than it
 *       declared is cut off there;</li>
 *   <li><b>credentials</b>: none crosses plain {@code http} off loopback unless {@code credentialsOverPlainHttp},
 *       loopback being decided by the address, not by the name;</li>
 *   <li><b>addresses</b>: no request reaches a link-local or cloud metadata address (a storage URL, a redirect, a
 *       profile's endpoint all resolving there) unless {@code linkLocalAddresses}.</li>
 * </ul>
 * A breach is a {@link ResponseLimitException} naming the limit and its setting: typed, never retried, and nothing
 * partial is returned as if it were whole. What the library echoes of a peer in a message is cut to a few hundred
 * characters, control characters replaced.
 *
 * <p>The defaults are generous for real services (a Salesforce query page is at most a few MB, a Delta Sharing
 * query of a table of 100,000 files answers about 100 MB) and every one is settable on the client's builder:
 * <pre>{@code
 * DeltaSharingClient.builder().profile(p)
 *     .responseLimits(l -> l.maxLines(1_000_000).maxStreamBytes(1L << 30))
 *     .build();
 * }</pre>
 *
 * @param maxBodyBytes the largest answer read whole (a JSON document: a Salesforce REST answer or query page, a
 *     sharing server's metadata, a token); default 64 MiB
 * @param maxStreamBytes the largest line-delimited answer (a Delta Sharing query's NDJSON) in all; default 512 MiB
 * @param maxLineBytes the longest line of a line-delimited answer or CSV record; default 16 MiB
 * @param maxLines the most lines of one line-delimited answer; default 500,000
 * @param maxJsonDepth the deepest nesting of arrays and objects in a JSON document or line; default 256
 * @param maxStringChars the longest JSON string or field name, in characters; default 16 Mi
 * @param bodyTimeout how long reading one answer read whole or line by line may take, from its headers to its last
 *     byte (the request timeout covers only the wait for the headers); default 5 minutes
 * @param idleTimeout how long one read of any body may wait for its next bytes, data-file downloads and Bulk API
 *     result streams included (time the caller spends between reads does not count); default 2 minutes
 * @param maxItems the most items in one container of an answer: elements of a JSON array, fields of a JSON object
 *     (a record's fields, a map's keys such as a file's {@code partitionValues}), the columns of a CSV header or
 *     record, the fields of a table schema; default 100,000 (a Salesforce object has at most about 1,000 fields, a
 *     page at most 2,000 records)
 * @param maxTokens the most JSON tokens (field names, values, brackets) of one document read whole, of one line of
 *     a line-delimited answer, and of one record of a page read record by record: what an answer may expand to in
 *     memory, whatever its bytes; default 2,000,000 (a Salesforce describe of an object of 800 fields is about
 *     150,000)
 * @param maxPages the most pages one paged read follows (query pages, Bulk API result pages, sharing list pages);
 *     default 100,000 (200 million Salesforce records at 2,000 a page)
 * @param maxRequests the most requests one paged read sends, retries included; default 200,000
 * @param maxEmptyPages the most pages in a row with nothing in them a paged read accepts before it ends; default 16
 * @param minBytesPerSecond the slowest any answer may arrive once it has started: after {@code rateWindow} of
 *     time spent waiting for the peer since its first byte, it must have sent on average at least this many bytes a
 *     second of waiting, at every read after (a trickle ends, a slow honest stream does not; the wait for the first
 *     byte is {@code idleTimeout}'s, and time the caller spends between reads does not count); default 256 bytes a
 *     second
 * @param rateWindow how much waiting since the first byte comes before {@code minBytesPerSecond} is judged;
 *     default 1 minute
 * @param maxDeclaredBytes the largest size a peer may declare for a file or result the library downloads and spools
 *     to disk; a larger claim is refused before a byte is read, and so is one larger than the free space of the
 *     spool's disk less {@code minFreeDiskBytes}; default 64 GiB
 * @param minFreeDiskBytes the free space a spool leaves on its disk: a declared size that would leave less is
 *     refused before a byte is read; default 256 MiB
 * @param credentialsOverPlainHttp whether a credential (a bearer token, a session, a password, a signed URL) may be
 *     sent over plain {@code http} to a host that is not loopback, for a private network the host trusts; default
 *     {@code false}: refused, typed, when the client is built and again before each request. Loopback is {@code
 *     localhost} resolving to loopback addresses only, or a loopback IP literal: never a name by its spelling ({@code
 *     x.localhost} may resolve anywhere)
 * @param progressTimeout the longest an answer may keep the caller waiting without delivering anything: time spent
 *     in reads since its last record, line or value (an answer read record by record), or since the last byte a
 *     compressed answer decoded to; time the caller spends between reads does not count; default 5 minutes
 * @param maxBytesWithoutProgress the most bytes an answer may send without delivering anything: bytes on the wire
 *     that decode to nothing (empty compressed blocks), or bytes read since the last record, line or value of an
 *     answer read record by record (blank lines, whitespace, padding); between two records at least twice {@code
 *     maxLineBytes} is allowed, so a record as long as a record may be always reads; default 32 MiB
 * @param linkLocalAddresses whether a request may go to a link-local address ({@code 169.254.0.0/16}, {@code
 *     fe80::/10}), a cloud metadata address ({@code 169.254.169.254}, {@code fd00:ec2::254}, {@code
 *     100.100.100.200}, {@code 192.0.0.192}), the unspecified address or a multicast one, however its URL spells it
 *     (judged by every address its host resolves to); for a host whose own services live there. Default {@code
 *     false}: refused, typed, before each request and each redirect hop, so a URL a peer gives (a storage URL, a
 *     redirect, a profile's endpoint) cannot send blind requests into the cloud's metadata service
 */
public record ResponseLimits(long maxBodyBytes, long maxStreamBytes, int maxLineBytes, int maxLines,
    int maxJsonDepth, int maxStringChars, Duration bodyTimeout, Duration idleTimeout, int maxItems, long maxTokens,
    int maxPages, int maxRequests, int maxEmptyPages, long minBytesPerSecond, Duration rateWindow,
    long maxDeclaredBytes, long minFreeDiskBytes, boolean credentialsOverPlainHttp, Duration progressTimeout,
    long maxBytesWithoutProgress, boolean linkLocalAddresses) {

  private static final ResponseLimits DEFAULTS = new ResponseLimits(64L << 20, 512L << 20, 16 << 20, 500_000, 256,
      16 << 20, Duration.ofMinutes(5), Duration.ofMinutes(2), 100_000, 2_000_000L, 100_000, 200_000, 16, 256L,
      Duration.ofMinutes(1), 64L << 30, 256L << 20, false, Duration.ofMinutes(5), 32L << 20, false);

  /**
   * Validates the limits: every size and count at least 1 ({@code minFreeDiskBytes} at least 0), every duration
   * positive.
   */
  public ResponseLimits {
    Objects.requireNonNull(bodyTimeout, "bodyTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(rateWindow, "rateWindow");
    Objects.requireNonNull(progressTimeout, "progressTimeout");
    StringBuilder wrong = new StringBuilder();
    long[] sizes = {maxBodyBytes, maxStreamBytes, maxLineBytes, maxLines, maxJsonDepth, maxStringChars, maxItems,
        maxTokens, maxPages, maxRequests, maxEmptyPages, minBytesPerSecond, maxDeclaredBytes, maxBytesWithoutProgress};
    String[] names = {"maxBodyBytes", "maxStreamBytes", "maxLineBytes", "maxLines", "maxJsonDepth", "maxStringChars",
        "maxItems", "maxTokens", "maxPages", "maxRequests", "maxEmptyPages", "minBytesPerSecond", "maxDeclaredBytes",
        "maxBytesWithoutProgress"};
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] < 1) {
        wrong.append(", ").append(names[i]).append(' ').append(sizes[i]).append(" (at least 1)");
      }
    }
    if (minFreeDiskBytes < 0) {
      wrong.append(", minFreeDiskBytes ").append(minFreeDiskBytes).append(" (at least 0)");
    }
    for (Duration d : new Duration[] {bodyTimeout, idleTimeout, rateWindow, progressTimeout}) {
      if (d.isNegative() || d.isZero()) {
        wrong.append(", a duration of ").append(d).append(" (bodyTimeout, idleTimeout, rateWindow and progressTimeout "
            + "are positive)");
      }
    }
    if (wrong.length() > 0) {
      throw new InvalidInputException("response limits out of range: " + wrong.substring(2));
    }
  }

  /**
   * The limits without {@code linkLocalAddresses}, which is {@code false}.
   *
   * @param maxBodyBytes see the class description
   * @param maxStreamBytes see the class description
   * @param maxLineBytes see the class description
   * @param maxLines see the class description
   * @param maxJsonDepth see the class description
   * @param maxStringChars see the class description
   * @param bodyTimeout see the class description
   * @param idleTimeout see the class description
   * @param maxItems see the class description
   * @param maxTokens see the class description
   * @param maxPages see the class description
   * @param maxRequests see the class description
   * @param maxEmptyPages see the class description
   * @param minBytesPerSecond see the class description
   * @param rateWindow see the class description
   * @param maxDeclaredBytes see the class description
   * @param minFreeDiskBytes see the class description
   * @param credentialsOverPlainHttp see the class description
   * @param progressTimeout see the class description
   * @param maxBytesWithoutProgress see the class description
   */
  public ResponseLimits(long maxBodyBytes, long maxStreamBytes, int maxLineBytes, int maxLines,
      int maxJsonDepth, int maxStringChars, Duration bodyTimeout, Duration idleTimeout, int maxItems, long maxTokens,
      int maxPages, int maxRequests, int maxEmptyPages, long minBytesPerSecond, Duration rateWindow,
      long maxDeclaredBytes, long minFreeDiskBytes, boolean credentialsOverPlainHttp, Duration progressTimeout,
      long maxBytesWithoutProgress) {
    this(maxBodyBytes, maxStreamBytes, maxLineBytes, maxLines, maxJsonDepth, maxStringChars, bodyTimeout, idleTimeout,
        maxItems, maxTokens, maxPages, maxRequests, maxEmptyPages, minBytesPerSecond, rateWindow, maxDeclaredBytes,
        minFreeDiskBytes, credentialsOverPlainHttp, progressTimeout, maxBytesWithoutProgress, false);
  }

  /**
   * The limits without the delivery bounds, {@code progressTimeout} and {@code maxBytesWithoutProgress} at their
   * defaults.
   *
   * @param maxBodyBytes see the class description
   * @param maxStreamBytes see the class description
   * @param maxLineBytes see the class description
   * @param maxLines see the class description
   * @param maxJsonDepth see the class description
   * @param maxStringChars see the class description
   * @param bodyTimeout see the class description
   * @param idleTimeout see the class description
   * @param maxItems see the class description
   * @param maxTokens see the class description
   * @param maxPages see the class description
   * @param maxRequests see the class description
   * @param maxEmptyPages see the class description
   * @param minBytesPerSecond see the class description
   * @param rateWindow see the class description
   * @param maxDeclaredBytes see the class description
   * @param minFreeDiskBytes see the class description
   * @param credentialsOverPlainHttp see the class description
   */
  public ResponseLimits(long maxBodyBytes, long maxStreamBytes, int maxLineBytes, int maxLines,
      int maxJsonDepth, int maxStringChars, Duration bodyTimeout, Duration idleTimeout, int maxItems, long maxTokens,
      int maxPages, int maxRequests, int maxEmptyPages, long minBytesPerSecond, Duration rateWindow,
      long maxDeclaredBytes, long minFreeDiskBytes, boolean credentialsOverPlainHttp) {
    this(maxBodyBytes, maxStreamBytes, maxLineBytes, maxLines, maxJsonDepth, maxStringChars, bodyTimeout, idleTimeout,
        maxItems, maxTokens, maxPages, maxRequests, maxEmptyPages, minBytesPerSecond, rateWindow, maxDeclaredBytes,
        minFreeDiskBytes, credentialsOverPlainHttp, DEFAULTS.progressTimeout, DEFAULTS.maxBytesWithoutProgress);
  }

  /**
   * The limits on bytes, depth and time alone, every other limit at its default.
   *
   * @param maxBodyBytes see the class description
   * @param maxStreamBytes see the class description
   * @param maxLineBytes see the class description
   * @param maxLines see the class description
   * @param maxJsonDepth see the class description
   * @param maxStringChars see the class description
   * @param bodyTimeout see the class description
   * @param idleTimeout see the class description
   */
  public ResponseLimits(long maxBodyBytes, long maxStreamBytes, int maxLineBytes, int maxLines, int maxJsonDepth,
      int maxStringChars, Duration bodyTimeout, Duration idleTimeout) {
    this(maxBodyBytes, maxStreamBytes, maxLineBytes, maxLines, maxJsonDepth, maxStringChars, bodyTimeout, idleTimeout,
        DEFAULTS.maxItems, DEFAULTS.maxTokens, DEFAULTS.maxPages, DEFAULTS.maxRequests, DEFAULTS.maxEmptyPages,
        DEFAULTS.minBytesPerSecond, DEFAULTS.rateWindow, DEFAULTS.maxDeclaredBytes, DEFAULTS.minFreeDiskBytes,
        DEFAULTS.credentialsOverPlainHttp, DEFAULTS.progressTimeout, DEFAULTS.maxBytesWithoutProgress,
        DEFAULTS.linkLocalAddresses);
  }

  /** @return the defaults (see the class description) */
  public static ResponseLimits defaults() {
    return DEFAULTS;
  }

  /** @return a builder starting from {@link #defaults()} */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** @return a builder starting from these limits */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds {@link ResponseLimits}; every setter keeps the others as they are. */
  public static final class Builder {
    private long maxBodyBytes;
    private long maxStreamBytes;
    private int maxLineBytes;
    private int maxLines;
    private int maxJsonDepth;
    private int maxStringChars;
    private Duration bodyTimeout;
    private Duration idleTimeout;
    private int maxItems;
    private long maxTokens;
    private int maxPages;
    private int maxRequests;
    private int maxEmptyPages;
    private long minBytesPerSecond;
    private Duration rateWindow;
    private long maxDeclaredBytes;
    private long minFreeDiskBytes;
    private boolean credentialsOverPlainHttp;
    private Duration progressTimeout;
    private long maxBytesWithoutProgress;
    private boolean linkLocalAddresses;

    private Builder(ResponseLimits from) {
      maxBodyBytes = from.maxBodyBytes;
      maxStreamBytes = from.maxStreamBytes;
      maxLineBytes = from.maxLineBytes;
      maxLines = from.maxLines;
      maxJsonDepth = from.maxJsonDepth;
      maxStringChars = from.maxStringChars;
      bodyTimeout = from.bodyTimeout;
      idleTimeout = from.idleTimeout;
      maxItems = from.maxItems;
      maxTokens = from.maxTokens;
      maxPages = from.maxPages;
      maxRequests = from.maxRequests;
      maxEmptyPages = from.maxEmptyPages;
      minBytesPerSecond = from.minBytesPerSecond;
      rateWindow = from.rateWindow;
      maxDeclaredBytes = from.maxDeclaredBytes;
      minFreeDiskBytes = from.minFreeDiskBytes;
      credentialsOverPlainHttp = from.credentialsOverPlainHttp;
      progressTimeout = from.progressTimeout;
      maxBytesWithoutProgress = from.maxBytesWithoutProgress;
      linkLocalAddresses = from.linkLocalAddresses;
    }

    /**
     * @param value the largest answer read whole (a JSON document: a Salesforce REST answer or query page, a
     *     sharing server's metadata, a token)
     * @return this builder
     */
    public Builder maxBodyBytes(long value) {
      this.maxBodyBytes = value;
      return this;
    }

    /**
     * @param value the largest line-delimited answer (a Delta Sharing query's NDJSON) in all
     * @return this builder
     */
    public Builder maxStreamBytes(long value) {
      this.maxStreamBytes = value;
      return this;
    }

    /**
     * @param value the longest line of a line-delimited answer or CSV record
     * @return this builder
     */
    public Builder maxLineBytes(int value) {
      this.maxLineBytes = value;
      return this;
    }

    /**
     * @param value the most lines of one line-delimited answer
     * @return this builder
     */
    public Builder maxLines(int value) {
      this.maxLines = value;
      return this;
    }

    /**
     * @param value the deepest nesting of arrays and objects in a JSON document or line
     * @return this builder
     */
    public Builder maxJsonDepth(int value) {
      this.maxJsonDepth = value;
      return this;
    }

    /**
     * @param value the longest JSON string or field name, in characters
     * @return this builder
     */
    public Builder maxStringChars(int value) {
      this.maxStringChars = value;
      return this;
    }

    /**
     * @param value how long reading one answer read whole or line by line may take, from its headers to its last
     *     byte (the request timeout covers only the wait for the headers)
     * @return this builder
     */
    public Builder bodyTimeout(Duration value) {
      this.bodyTimeout = Objects.requireNonNull(value, "bodyTimeout");
      return this;
    }

    /**
     * @param value how long one read of any body may wait for its next bytes, data-file downloads and Bulk API
     *     result streams included (time the caller spends between reads does not count)
     * @return this builder
     */
    public Builder idleTimeout(Duration value) {
      this.idleTimeout = Objects.requireNonNull(value, "idleTimeout");
      return this;
    }

    /**
     * @param value the most items in one container of an answer: elements of a JSON array, fields of a JSON object
     *     (a record's fields, a map's keys such as a file's {@code partitionValues}), the columns of a CSV header or
     *     record, the fields of a table schema
     * @return this builder
     */
    public Builder maxItems(int value) {
      this.maxItems = value;
      return this;
    }

    /**
     * @param value the most JSON tokens (field names, values, brackets) of one document read whole, of one line of
     *     a line-delimited answer, and of one record of a page read record by record: what an answer may expand to in
     *     memory, whatever its bytes
     * @return this builder
     */
    public Builder maxTokens(long value) {
      this.maxTokens = value;
      return this;
    }

    /**
     * @param value the most pages one paged read follows (query pages, Bulk API result pages, sharing list pages)
     * @return this builder
     */
    public Builder maxPages(int value) {
      this.maxPages = value;
      return this;
    }

    /**
     * @param value the most requests one paged read sends, retries included
     * @return this builder
     */
    public Builder maxRequests(int value) {
      this.maxRequests = value;
      return this;
    }

    /**
     * @param value the most pages in a row with nothing in them a paged read accepts before it ends
     * @return this builder
     */
    public Builder maxEmptyPages(int value) {
      this.maxEmptyPages = value;
      return this;
    }

    /**
     * @param value the slowest an answer may arrive once started, in bytes a second of waiting
     * @return this builder
     */
    public Builder minBytesPerSecond(long value) {
      this.minBytesPerSecond = value;
      return this;
    }

    /**
     * @param value how much waiting since the first byte comes before {@code minBytesPerSecond} is judged
     * @return this builder
     */
    public Builder rateWindow(Duration value) {
      this.rateWindow = Objects.requireNonNull(value, "rateWindow");
      return this;
    }

    /**
     * @param value the largest size a peer may declare for a file or result the library downloads and spools to
     *     disk; a larger claim is refused before a byte is read, and so is one larger than the free space of the
     *     spool's disk less {@code minFreeDiskBytes}
     * @return this builder
     */
    public Builder maxDeclaredBytes(long value) {
      this.maxDeclaredBytes = value;
      return this;
    }

    /**
     * @param value the free space a spool leaves on its disk: a declared size that would leave less is refused
     *     before a byte is read
     * @return this builder
     */
    public Builder minFreeDiskBytes(long value) {
      this.minFreeDiskBytes = value;
      return this;
    }

    /**
     * @param value whether a credential (a bearer token, a session, a password, a signed URL) may be sent over
     *     plain {@code http} to a host that is not loopback, for a private network the host trusts
     * @return this builder
     */
    public Builder credentialsOverPlainHttp(boolean value) {
      this.credentialsOverPlainHttp = value;
      return this;
    }

    /**
     * @param value the longest an answer may keep the caller waiting without delivering anything (a record, a line,
     *     a value, or a byte a compressed answer decodes to), counted in reads only
     * @return this builder
     */
    public Builder progressTimeout(Duration value) {
      this.progressTimeout = Objects.requireNonNull(value, "progressTimeout");
      return this;
    }

    /**
     * @param value the most bytes an answer may send without delivering anything (wire bytes that decode to nothing,
     *     or bytes between two records of an answer read record by record; at least twice {@code maxLineBytes} is
     *     allowed between two records)
     * @return this builder
     */
    public Builder maxBytesWithoutProgress(long value) {
      this.maxBytesWithoutProgress = value;
      return this;
    }

    /**
     * @param value whether a request may go to a link-local, cloud metadata, unspecified or multicast address, for a
     *     host whose own services live there (judged by every address a URL's host resolves to, before each request
     *     and each redirect hop)
     * @return this builder
     */
    public Builder linkLocalAddresses(boolean value) {
      this.linkLocalAddresses = value;
      return this;
    }

    /**
     * @return the limits
     * @throws InvalidInputException if a limit is out of range
     */
    public ResponseLimits build() {
      return new ResponseLimits(maxBodyBytes, maxStreamBytes, maxLineBytes, maxLines, maxJsonDepth, maxStringChars,
          bodyTimeout, idleTimeout, maxItems, maxTokens, maxPages, maxRequests, maxEmptyPages, minBytesPerSecond,
          rateWindow, maxDeclaredBytes, minFreeDiskBytes, credentialsOverPlainHttp, progressTimeout,
          maxBytesWithoutProgress, linkLocalAddresses);
    }
  }
}
