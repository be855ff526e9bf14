package io.delpha.sdk.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How much the library reads of what a remote peer sends before it stops: the bounds every HTTP client of the
 * library (Salesforce REST, Bulk API 2.0 and login; the Delta Sharing server, its storage and OAuth token
 * endpoint; the upload client) applies to an answer <em>while</em> reading it, so that a hostile or broken peer
 * (an answer that never ends, one endless line, JSON nested 100,000 deep, a body trickled a byte a minute) costs
 * bounded memory, disk and time. A breach is a {@link ResponseLimitException} naming the limit: typed, never
 * retried, and nothing partial is returned as if it were whole.
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
 * @param maxLineBytes the longest line of a line-delimited answer; default 16 MiB
 * @param maxLines the most lines of one line-delimited answer; default 500,000
 * @param maxJsonDepth the deepest nesting of arrays and objects in a JSON document or line; default 256
 * @param maxStringChars the longest JSON string or field name, in characters; default 16 Mi
 * @param bodyTimeout how long reading one answer read whole or line by line may take, from its headers to its
 *     last byte (the request timeout covers only the wait for the headers); default 5 minutes
 * @param idleTimeout how long one read of any body may wait for its next bytes, data-file downloads and Bulk API
 *     result streams included (time the caller spends between reads does not count); default 2 minutes
 */
public record ResponseLimits(long maxBodyBytes, long maxStreamBytes, int maxLineBytes, int maxLines,
    int maxJsonDepth, int maxStringChars, Duration bodyTimeout, Duration idleTimeout) {

  private static final ResponseLimits DEFAULTS = new ResponseLimits(64L << 20, 512L << 20, 16 << 20, 500_000, 256,
      16 << 20, Duration.ofMinutes(5), Duration.ofMinutes(2));

  /** Validates the limits: every size and count at least 1, every duration positive. */
  public ResponseLimits {
    Objects.requireNonNull(bodyTimeout, "bodyTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (maxBodyBytes < 1 || maxStreamBytes < 1 || maxLineBytes < 1 || maxLines < 1 || maxJsonDepth < 1
        || maxStringChars < 1) {
      throw new InvalidInputException("response limits must be at least 1: " + describe(maxBodyBytes,
          maxStreamBytes, maxLineBytes, maxLines, maxJsonDepth, maxStringChars));
    }
    if (bodyTimeout.isNegative() || bodyTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new InvalidInputException("response timeouts must be positive, were bodyTimeout " + bodyTimeout
          + " and idleTimeout " + idleTimeout);
    }
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

  private static String describe(long body, long stream, int line, int lines, int depth, int chars) {
    return "maxBodyBytes " + body + ", maxStreamBytes " + stream + ", maxLineBytes " + line + ", maxLines " + lines
        + ", maxJsonDepth " + depth + ", maxStringChars " + chars;
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

    private Builder(ResponseLimits from) {
      maxBodyBytes = from.maxBodyBytes;
      maxStreamBytes = from.maxStreamBytes;
      maxLineBytes = from.maxLineBytes;
      maxLines = from.maxLines;
      maxJsonDepth = from.maxJsonDepth;
      maxStringChars = from.maxStringChars;
      bodyTimeout = from.bodyTimeout;
      idleTimeout = from.idleTimeout;
    }

    /**
     * @param bytes the largest answer read whole
     * @return this builder
     */
    public Builder maxBodyBytes(long bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * @param bytes the largest line-delimited answer in all
     * @return this builder
     */
    public Builder maxStreamBytes(long bytes) {
      this.maxStreamBytes = bytes;
      return this;
    }

    /**
     * @param bytes the longest line of a line-delimited answer
     * @return this builder
     */
    public Builder maxLineBytes(int bytes) {
      this.maxLineBytes = bytes;
      return this;
    }

    /**
     * @param lines the most lines of one line-delimited answer
     * @return this builder
     */
    public Builder maxLines(int lines) {
      this.maxLines = lines;
      return this;
    }

    /**
     * @param depth the deepest nesting of a JSON document
     * @return this builder
     */
    public Builder maxJsonDepth(int depth) {
      this.maxJsonDepth = depth;
      return this;
    }

    /**
     * @param chars the longest JSON string, in characters
     * @return this builder
     */
    public Builder maxStringChars(int chars) {
      this.maxStringChars = chars;
      return this;
    }

    /**
     * @param timeout how long reading one answer may take, headers to last byte
     * @return this builder
     */
    public Builder bodyTimeout(Duration timeout) {
      this.bodyTimeout = Objects.requireNonNull(timeout, "bodyTimeout");
      return this;
    }

    /**
     * @param timeout how long one read of a body may wait for its next bytes
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout, "idleTimeout");
      return this;
    }

    /** @return the limits */
    public ResponseLimits build() {
      return new ResponseLimits(maxBodyBytes, maxStreamBytes, maxLineBytes, maxLines, maxJsonDepth, maxStringChars,
          bodyTimeout, idleTimeout);
    }
  }
}
