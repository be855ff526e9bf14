package io.delpha.sdk.usage.internal;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.server.HttpException;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.DeltaSharingClient;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared usage table the usage server reads: its coordinates, the column naming each row's organisation and
 * the column holding its date, whose schema is looked up once, on first use. Thread-safe.
 */
public final class UsageTable {

  private static final Logger LOG = LoggerFactory.getLogger(UsageTable.class);

  private final DeltaSharingClient client;
  private final String table;
  private final String organisationColumn;
  private final String dateColumn;
  private volatile @Nullable RowSchema schema;

  /**
   * @param client the client reading the table
   * @param table the table, {@code share.schema.table}
   * @param organisationColumn the column holding each row's organisation
   * @param dateColumn the column holding each row's date (DATE, TIMESTAMP or ISO date text)
   */
  public UsageTable(DeltaSharingClient client, String table, String organisationColumn, String dateColumn) {
    this.client = Objects.requireNonNull(client, "client");
    this.table = Objects.requireNonNull(table, "table");
    this.organisationColumn = Objects.requireNonNull(organisationColumn, "organisationColumn");
    this.dateColumn = Objects.requireNonNull(dateColumn, "dateColumn");
  }

  /** @return the client reading the table */
  public DeltaSharingClient client() {
    return client;
  }

  /** @return the table's coordinates */
  public String table() {
    return table;
  }

  /** @return the column holding each row's organisation */
  public String organisationColumn() {
    return organisationColumn;
  }

  /** @return the column holding each row's date */
  public String dateColumn() {
    return dateColumn;
  }

  /** @return the date column's type, read from the table's metadata the first time */
  public ColumnType dateType() {
    return schema().column(dateColumn).type();
  }

  /** @return the table's schema, read from its metadata the first time */
  public RowSchema schema() {
    RowSchema s = schema;
    if (s == null) {
      s = client.tableMetadata(table).schema();
      schema = s;
    }
    return s;
  }

  /**
   * The answer to a request whose read of the table failed, logged: 503 if the sharing server is unreachable, else
   * 502. The message names neither the server nor the cause. An {@link HttpException} is an answer already decided
   * during the read (a 413 for too many rows, a 503 of a closing cache) and is returned as it is, not logged: it is
   * a {@link DelphaException} too, and mapping it here would make it a 502.
   *
   * @param e what the read threw
   * @return the error to throw
   */
  public HttpException unreadable(DelphaException e) {
    if (e instanceof HttpException answer) {
      return answer;
    }
    if (e instanceof ServiceUnavailableException) {
      LOG.warn("sharing server unavailable: {}", e.getMessage());
      return new HttpException(503, "unavailable", "the usage data cannot be reached right now; retry later");
    }
    LOG.warn("reading {} failed: {}", table, e.getMessage());
    return new HttpException(502, "upstream", "the usage data could not be read");
  }
}
