package io.delpha.sdk.ingest;

/**
 * A customer's ingest app: reads one staged file and writes its rows into the customer's keyspace
 * through the {@link IngestJob}. The manager claims the file, runs the app, waits until every write is
 * acknowledged, then moves the file; an app never moves or deletes files itself.
 *
 * <p>An app throws {@link io.delpha.sdk.core.DataFormatException} to refuse a file whole (it moves to
 * {@code failed/}); single bad rows go to {@link IngestJob#reject}. It must be safe to run again on the
 * same file after a crash, which upserts by primary key are.
 *
 * <pre>{@code
 * BatchIngestor.builder().cassandra(cass).staging(store)
 *     .app("orders-v2", job -> { ... job.writer("orders", List.of("id", "total")).write(line, id, total); ... })
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface IngestApp {

  /** The name of the default app, {@link #csv()}. */
  String CSV = "csv";

  /**
   * Ingests one file.
   *
   * @param job the file and where its rows go
   * @throws Exception on failure; a {@link io.delpha.sdk.core.DataFormatException} refuses the file,
   *     anything else interrupts it (it stays staged and is retried)
   */
  void ingest(IngestJob job) throws Exception;

  /**
   * The default app: a CSV file with a header row goes to the table named after the file ({@code
   * orders.csv} to {@code orders}); header names match the table's columns (case-insensitive) and values
   * are converted with the columns' CQL types. An empty unquoted field leaves the column unset; a quoted
   * empty field is an empty string.
   *
   * @return the app
   */
  static IngestApp csv() {
    return new CsvIngestApp();
  }
}
