package io.delpha.sdk.aws;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.internal.Listeners;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How {@link AWSManager#loadIntoCassandra} writes a flow run into a table.
 *
 * <pre>{@code
 * LoadOptions options = LoadOptions.builder().createTable(true).primaryKey("Id").maxInFlight(256).build();
 * }</pre>
 *
 * @param createTable whether to create the table from the Parquet schema when it does not exist
 *     ({@code CREATE TABLE IF NOT EXISTS}); otherwise a missing table is an error
 * @param primaryKey the Parquet columns forming the partition key of a created table (Salesforce's
 *     {@code Id} by default); ignored when the table exists
 * @param maxInFlight the most inserts outstanding at once, 1 to 4096 (128 by default)
 * @param listener told when the load starts, as each file starts, and when it ends
 */
public record LoadOptions(boolean createTable, List<String> primaryKey, int maxInFlight, ProgressListener listener) {

  /** Validates the options. */
  public LoadOptions {
    primaryKey = List.copyOf(Objects.requireNonNull(primaryKey, "primaryKey"));
    if (primaryKey.isEmpty()) {
      throw new InvalidInputException("a primary key needs at least one column");
    }
    if (maxInFlight < 1 || maxInFlight > 4096) {
      throw new InvalidInputException("maxInFlight must be 1 to 4096, was " + maxInFlight);
    }
    Objects.requireNonNull(listener, "listener");
  }

  /**
   * @return no table creation, key {@code Id}, 128 inserts in flight, no listener
   */
  public static LoadOptions defaults() {
    return builder().build();
  }

  /**
   * @return a builder starting from {@link #defaults()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return a builder holding these options, the listener included (further {@code listener(..)} calls add to it)
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.createTable = createTable;
    b.primaryKey = primaryKey;
    b.maxInFlight = maxInFlight;
    if (listener != ProgressListener.NONE) {
      b.listeners.add(listener);
    }
    return b;
  }

  /** Builds {@link LoadOptions}. */
  public static final class Builder {
    private boolean createTable;
    private List<String> primaryKey = List.of("Id");
    private int maxInFlight = 128;
    private final List<ProgressListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * @param create whether to create a missing table from the Parquet schema
     * @return this builder
     */
    public Builder createTable(boolean create) {
      this.createTable = create;
      return this;
    }

    /**
     * @param columns the Parquet columns forming the partition key of a created table
     * @return this builder
     */
    public Builder primaryKey(String... columns) {
      this.primaryKey = List.of(columns);
      return this;
    }

    /**
     * @param inserts the most inserts outstanding at once
     * @return this builder
     */
    public Builder maxInFlight(int inserts) {
      this.maxInFlight = inserts;
      return this;
    }

    /**
     * Adds a listener: each call adds one, and every listener hears every event, in the order they were added
     * (as the AWS SDK's {@code addExecutionInterceptor}); one that throws is logged and the others still hear.
     *
     * @param listener told of the load's progress
     * @return this builder
     */
    public Builder listener(ProgressListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * @return the options
     */
    public LoadOptions build() {
      return new LoadOptions(createTable, primaryKey, maxInFlight,
          listeners.isEmpty() ? ProgressListener.NONE : Listeners.composite(ProgressListener.class, listeners));
    }
  }
}
