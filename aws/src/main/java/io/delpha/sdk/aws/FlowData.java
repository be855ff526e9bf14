package io.delpha.sdk.aws;

import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.storage.ObjectStore;
import java.io.IOException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The records of one successful flow run: every Parquet file of the run's S3 folder read in turn as
 * typed {@link Row}s. Streaming: one file at a time is copied to a local temporary file and read row
 * group by row group, so a run larger than memory goes through. Not thread-safe; close it (or the
 * {@link #stream()}) to delete the temporary copy.
 *
 * <pre>{@code
 * try (FlowData data = aws.getFlowParquetData("contact-flow")) {
 *   System.out.println(data.execution().executionId() + " " + data.schema());
 *   data.stream().forEach(row -> System.out.println(row.getString("Id")));
 * }
 * }</pre>
 *
 * <p>Every file must have the first file's column names and types: a file that differs is a {@link
 * DataFormatException} naming it. A file that cannot be fetched is a {@link ServiceUnavailableException}
 * naming it.
 */
public final class FlowData implements RowReader {

  private final ObjectStore store;
  private final String flowName;
  private final FlowExecution execution;
  private final List<String> files;
  private final RowSchema schema;
  private @Nullable RowReader current;
  private @Nullable String currentFile;
  private int nextFile;
  private long rowsRead;
  private final ClosedGuard guard = new ClosedGuard("this FlowData");

  private FlowData(ObjectStore store, String flowName, FlowExecution execution, List<String> files) {
    this.store = store;
    this.flowName = flowName;
    this.execution = execution;
    this.files = List.copyOf(files);
    this.schema = openNext().schema();
  }

  /**
   * Opens the first file: how {@link AWSManager} reads a run's data, and how a host's own {@link AppFlowData} (a test
   * double over Parquet objects it wrote to a {@code LocalObjectStore}, say) returns the same reader.
   *
   * @param store the bucket, or any object store
   * @param flowName the flow
   * @param execution the run
   * @param files the run's Parquet objects, at least one
   * @return the reader, positioned before the first row
   * @throws io.delpha.sdk.core.InvalidInputException if no file is given
   */
  public static FlowData open(ObjectStore store, String flowName, FlowExecution execution, List<String> files) {
    Objects.requireNonNull(store, "store");
    if (files.isEmpty()) {
      throw new InvalidInputException("a flow run's data needs at least one file");
    }
    return new FlowData(store, flowName, execution, files);
  }

  /**
   * @return the flow
   */
  public String flowName() {
    guard.check();
    return flowName;
  }

  /**
   * @return the run whose records these are
   */
  public FlowExecution execution() {
    guard.check();
    return execution;
  }

  /**
   * @return the run's Parquet objects (full keys), in the order they are read
   */
  public List<String> files() {
    guard.check();
    return files;
  }

  /**
   * @return the object being read now, {@code null} once every file is read
   */
  public @Nullable String currentFile() {
    guard.check();
    return currentFile;
  }

  /**
   * @return how many rows {@link #next()} has returned so far
   */
  public long rowsRead() {
    guard.check();
    return rowsRead;
  }

  /**
   * @return the first file's schema, which every file shares (names and types)
   */
  @Override
  public RowSchema schema() {
    guard.check();
    return schema;
  }

  @Override
  public boolean hasNext() {
    guard.check();
    while (current != null && !current.hasNext()) {
      current.close();
      current = null;
      currentFile = null;
      if (nextFile < files.size()) {
        openNext();
      }
    }
    return current != null;
  }

  @Override
  public Row next() {
    guard.check();
    if (!hasNext()) {
      throw new NoSuchElementException("every row of flow '" + flowName + "' run "
          + execution.executionId() + " was read");
    }
    Row row = Objects.requireNonNull(current, "hasNext() opened a file").next();
    rowsRead++;
    return row;
  }

  /**
   * @return the remaining rows as a sequential stream; closing the stream closes this reader
   * @throws ClosedException once this reader is closed
   */
  @Override
  public Stream<Row> stream() {
    guard.check();
    return RowReader.super.stream();
  }

  /**
   * Deletes the temporary copy of the file being read. Idempotent; afterwards every method throws {@link
   * ClosedException}.
   */
  @Override
  public void close() {
    if (guard.close() && current != null) {
      current.close();
      current = null;
      currentFile = null;
    }
  }

  @Override
  public String toString() {
    return "FlowData[" + flowName + " run " + execution.executionId() + ", " + files.size() + " files in "
        + store + "]";
  }

  /** Opens the next file, checked against the first file's schema; returns it. */
  private RowReader openNext() {
    String key = files.get(nextFile++);
    RowReader reader;
    try {
      reader = ParquetRows.read(store, key);
    } catch (DelphaException e) {
      if (e.getClass() == DelphaException.class && e.getCause() instanceof IOException) {
        throw new ServiceUnavailableException("lost the connection to " + store.describe() + " while reading "
            + key + " of flow '" + flowName + "': " + e.getCause().getMessage(), e);
      }
      throw e;
    }
    if (schema != null) {
      String problem = difference(schema, reader.schema());
      if (problem != null) {
        reader.close();
        throw new DataFormatException(store.describe() + "/" + key + " of flow '" + flowName + "' run "
            + execution.executionId() + " does not have the run's schema: " + problem
            + " (first file: " + schema + ", this file: " + reader.schema() + ")");
      }
    }
    current = reader;
    currentFile = key;
    return reader;
  }

  private static @Nullable String difference(RowSchema expected, RowSchema actual) {
    if (expected.size() != actual.size()) {
      return "it has " + actual.size() + " columns, the first file " + expected.size();
    }
    for (int i = 0; i < expected.size(); i++) {
      Column e = expected.column(i);
      Column a = actual.column(i);
      if (!e.name().equals(a.name()) || !e.type().equals(a.type())) {
        return "column " + (i + 1) + " is " + a.name() + " " + a.type() + ", the first file has "
            + e.name() + " " + e.type();
      }
    }
    return null;
  }
}
