package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.RowSchema;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The allowlist of totesys tables the pipeline extracts, with the Parquet schema of their ingestion
 * objects (the source's own types). No other table name ever reaches SQL.
 */
public enum SourceTable {
  ADDRESS("address", RowSchema.builder()
      .required("address_id", ColumnType.INT)
      .required("address_line_1", ColumnType.STRING)
      .nullable("address_line_2", ColumnType.STRING)
      .nullable("district", ColumnType.STRING)
      .required("city", ColumnType.STRING)
      .required("postal_code", ColumnType.STRING)
      .required("country", ColumnType.STRING)
      .required("phone", ColumnType.STRING)
      .required("created_at", ColumnType.TIMESTAMP)
      .required("last_updated", ColumnType.TIMESTAMP)
      .build()),
  COUNTERPARTY("counterparty", RowSchema.builder()
      .required("counterparty_id", ColumnType.INT)
      .required("counterparty_legal_name", ColumnType.STRING)
      .required("legal_address_id", ColumnType.INT)
      .nullable("commercial_contact", ColumnType.STRING)
      .nullable("delivery_contact", ColumnType.STRING)
      .required("created_at", ColumnType.TIMESTAMP)
      .required("last_updated", ColumnType.TIMESTAMP)
      .build()),
  CURRENCY("currency", RowSchema.builder()
      .required("currency_id", ColumnType.INT)
      .required("currency_code", ColumnType.STRING)
      .required("created_at", ColumnType.TIMESTAMP)
      .required("last_updated", ColumnType.TIMESTAMP)
      .build()),
  DEPARTMENT("department", RowSchema.builder()
      .required("department_id", ColumnType.INT)
      .required("department_name", ColumnType.STRING)
      .nullable("location", ColumnType.STRING)
      .nullable("manager", ColumnType.STRING)
      .required("created_at", ColumnType.TIMESTAMP)
      .required("last_updated", ColumnType.TIMESTAMP)
      .build()),
  DESIGN("design", RowSchema.builder()
      .required("design_id", ColumnType.INT)
      .required("created_at", ColumnType.TIMESTAMP)
      .required("design_name", ColumnType.STRING)
      .required("file_location", ColumnType.STRING)
      .required("file_name", ColumnType.STRING)
      .required("last_updated", ColumnType.TIMESTAMP)
      .build()),
  PAYMENT("payment", RowSchema.builder()
      .required("payment_id", ColumnType.INT)
      .required("created_at", ColumnType.TIMESTAMP)
      .required("last_updated", ColumnType.TIMESTAMP)
      .required("transaction_id", ColumnType.INT)
      .required("counterparty_id", ColumnType.INT)
      .required("payment_amount", ColumnType.decimal(10, 2))
      .required("currency_id", ColumnType.INT)
      .required("payment_type_id", ColumnType.INT)
      .required("paid", ColumnType.BOOLEAN)
      .required("payment_date", ColumnType.STRING)
      .required("company_ac_number", ColumnType.INT)
      .required("counterparty_ac_number", ColumnType.INT)
      .build()),
  PAYMENT_TYPE("payment_type", RowSchema.builder()
      .required("payment_type_id", ColumnType.INT)
      .required("payment_type_name", ColumnType.STRING)
      .required("created_at", ColumnType.TIMESTAMP)
      .required("last_updated", ColumnType.TIMESTAMP)
      .build()),
  PURCHASE_ORDER("purchase_order", RowSchema.builder()
      .required("purchase_order_id", ColumnType.INT)
      .required("created_at", ColumnType.TIMESTAMP)
      .required("last_updated", ColumnType.TIMESTAMP)
      .required("staff_id", ColumnType.INT)
      .required("counterparty_id", ColumnType.INT)
      .required("item_code", ColumnType.STRING)
      .required("item_quantity", ColumnType.INT)
      .required("item_unit_price", ColumnType.decimal(10, 2))
      .required("currency_id", ColumnType.INT)
      .required("agreed_delivery_date", ColumnType.STRING)
      .required("agreed_payment_date", ColumnType.STRING)
      .required("agreed_delivery_location_id", ColumnType.INT)
      .build()),
  SALES_ORDER("sales_order", RowSchema.builder()
      .required("sales_order_id", ColumnType.INT)
      .required("created_at", ColumnType.TIMESTAMP)
      .required("last_updated", ColumnType.TIMESTAMP)
      .required("design_id", ColumnType.INT)
      .required("staff_id", ColumnType.INT)
      .required("counterparty_id", ColumnType.INT)
      .required("units_sold", ColumnType.INT)
      .required("unit_price", ColumnType.decimal(10, 2))
      .required("currency_id", ColumnType.INT)
      .required("agreed_delivery_date", ColumnType.STRING)
      .required("agreed_payment_date", ColumnType.STRING)
      .required("agreed_delivery_location_id", ColumnType.INT)
      .build()),
  STAFF("staff", RowSchema.builder()
      .required("staff_id", ColumnType.INT)
      .required("first_name", ColumnType.STRING)
      .required("last_name", ColumnType.STRING)
      .required("department_id", ColumnType.INT)
      .required("email_address", ColumnType.STRING)
      .required("created_at", ColumnType.TIMESTAMP)
      .required("last_updated", ColumnType.TIMESTAMP)
      .build()),
  TRANSACTION("transaction", RowSchema.builder()
      .required("transaction_id", ColumnType.INT)
      .required("transaction_type", ColumnType.STRING)
      .nullable("sales_order_id", ColumnType.INT)
      .nullable("purchase_order_id", ColumnType.INT)
      .required("created_at", ColumnType.TIMESTAMP)
      .required("last_updated", ColumnType.TIMESTAMP)
      .build());

  /** The column every table is extracted by. */
  public static final String LAST_UPDATED = "last_updated";

  private final String tableName;
  private final RowSchema schema;

  SourceTable(String tableName, RowSchema schema) {
    this.tableName = tableName;
    this.schema = schema;
  }

  /**
   * @return the table's name in the source (and its folder in the ingestion zone)
   */
  public String tableName() {
    return tableName;
  }

  /**
   * @return the schema of its ingestion objects, in the source's column order
   */
  public RowSchema schema() {
    return schema;
  }

  /**
   * @return its primary key column (always the first column, an integer)
   */
  public String primaryKey() {
    return schema.column(0).name();
  }

  /**
   * @param name a table name
   * @return the allowlisted table of that exact name
   */
  public static Optional<SourceTable> find(String name) {
    return Arrays.stream(values()).filter(t -> t.tableName.equals(name)).findFirst();
  }

  /**
   * @param name a table name from a caller
   * @return the allowlisted table
   * @throws InvalidInputException if the name is not one of the 11 totesys tables
   */
  public static SourceTable require(String name) {
    return find(name).orElseThrow(() -> new InvalidInputException("'" + name
        + "' is not a totesys table; allowed: " + names()));
  }

  /**
   * @return the 11 allowlisted names
   */
  public static List<String> names() {
    return Arrays.stream(values()).map(SourceTable::tableName).toList();
  }
}
