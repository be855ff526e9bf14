package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.sharing.DeltaSharingClient;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The shared usage table the usage server reads: its coordinates, the column naming each row's organisation and
 * the column holding its date, whose type is looked up once, on first use. Thread-safe.
 */
public final class UsageTable {

  private final DeltaSharingClient client;
  private final String table;
  private final String organisationColumn;
  private final String dateColumn;
  private volatile @Nullable ColumnType dateType;

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
    ColumnType type = dateType;
    if (type == null) {
      type = client.tableMetadata(table).schema().column(dateColumn).type();
      dateType = type;
    }
    return type;
  }
}
