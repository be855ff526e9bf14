package io.delpha.sdk.ingest;

import io.delpha.sdk.cassandra.TableDescription;
import java.io.InputStream;
import java.util.List;

/**
 * One staged file handed to an {@link IngestApp}, and the ways to write its rows. Not thread-safe: an
 * app uses it from the thread that called it.
 */
public interface IngestJob {

  /**
   * @return the customer who uploaded the file
   */
  String customer();

  /**
   * @return the customer's keyspace: every table written lives there
   */
  String keyspace();

  /**
   * @return the file's name, e.g. {@code orders.csv}
   */
  String fileName();

  /**
   * @return the file's size in bytes
   */
  long sizeBytes();

  /**
   * Opens the file. Bytes read through the stream count as progress. The caller closes it.
   *
   * @return its content
   */
  InputStream open();

  /**
   * @param table a table of the customer's keyspace
   * @return its description
   * @throws io.delpha.sdk.core.NotFoundException if there is no such table
   */
  TableDescription describe(String table);

  /**
   * A writer of rows into one table of the customer's keyspace, for the given columns in order.
   *
   * @param table the table
   * @param columns the columns each row gives values for; must include the whole primary key
   * @return the writer
   */
  TableWriter writer(String table, List<String> columns);

  /**
   * Sends a row to the file's bad-records file.
   *
   * @param line the line the row starts on (1-based, header included)
   * @param reason why it was rejected
   * @param original the row as written
   */
  void reject(long line, String reason, String original);

  /**
   * Optional part of the role: the tables of the customer's keyspace, which a program app is told of
   * ({@code DELPHA_TABLES}, docs/ingest-apps.md). The library's own jobs list them; a job that wraps another forwards
   * this to the one it wraps.
   *
   * @return the table names, in name order; none by default
   */
  default List<String> tables() {
    return List.of();
  }

  /**
   * Optional part of the role: keeps a file to store beside the staged file when the library moves it
   * ({@code <file><suffix>}), such as a program app's standard error. The library's own jobs keep it; a job that wraps
   * another forwards this to the one it wraps.
   *
   * @param suffix appended to the file's name
   * @param content the content; by default discarded
   */
  default void attach(String suffix, byte[] content) {
  }
}
