package io.delpha.sdk.sharing;

import io.delpha.sdk.core.InvalidInputException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import java.util.Objects;

/**
 * What to read of a table: a filter, a row limit, and a version or timestamp to travel to.
 *
 * <pre>{@code
 * QueryOptions opts = QueryOptions.builder().filter(Filter.eq("org", "acme")).limit(1000).version(12L).build();
 * }</pre>
 *
 * <p>The filter and limit are sent as hints ({@code jsonPredicateHints}, {@code limitHint}) and applied
 * again by the client, since servers apply them only best effort.
 *
 * @param filter rows to keep, {@code null} for all
 * @param limit the most rows to return, {@code null} for all
 * @param version the table version to read, {@code null} for the current one
 * @param timestamp the time to read the table as of, {@code null} for now; exclusive with {@code version}
 */
public record QueryOptions(@Nullable Filter filter, @Nullable Long limit, @Nullable Long version, @Nullable Instant timestamp) {

  /** Validates the options. */
  public QueryOptions {
    if (limit != null && limit < 0) {
      throw new InvalidInputException("limit must be >= 0, was " + limit);
    }
    if (version != null && version < 0) {
      throw new InvalidInputException("version must be >= 0, was " + version);
    }
    if (version != null && timestamp != null) {
      throw new InvalidInputException("read either a version or a timestamp, not both");
    }
  }

  /**
   * @return every row of the current version
   */
  public static QueryOptions all() {
    return new QueryOptions(null, null, null, null);
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return a builder holding these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.filter = filter;
    b.limit = limit;
    b.version = version;
    b.timestamp = timestamp;
    return b;
  }

  /** Builds {@link QueryOptions}. */
  public static final class Builder {
    private @Nullable Filter filter;
    private @Nullable Long limit;
    private @Nullable Long version;
    private @Nullable Instant timestamp;

    private Builder() {}

    /**
     * @param filter rows to keep
     * @return this builder
     */
    public Builder filter(Filter filter) {
      Objects.requireNonNull(filter, "filter");
      this.filter = filter;
      return this;
    }

    /**
     * @param limit the most rows to return
     * @return this builder
     */
    public Builder limit(long limit) {
      this.limit = limit;
      return this;
    }

    /**
     * @param version the table version to read (history sharing must be enabled on the table)
     * @return this builder
     */
    public Builder version(long version) {
      this.version = version;
      return this;
    }

    /**
     * @param timestamp the time to read the table as of (history sharing must be enabled)
     * @return this builder
     */
    public Builder timestamp(Instant timestamp) {
      Objects.requireNonNull(timestamp, "timestamp");
      this.timestamp = timestamp;
      return this;
    }

    /**
     * @return the options
     */
    public QueryOptions build() {
      return new QueryOptions(filter, limit, version, timestamp);
    }
  }
}
