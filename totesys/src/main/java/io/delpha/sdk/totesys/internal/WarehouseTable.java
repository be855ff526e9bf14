package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.RowSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The star schema: each warehouse table's processed-zone schema, keys and foreign keys, in load order
 * (dimensions before the facts that reference them). Every identifier here is a constant.
 */
public enum WarehouseTable {
  DIM_DATE("dim_date", null, RowSchema.builder()
      .required("date_id", ColumnType.DATE)
      .required("year", ColumnType.INT)
      .required("month", ColumnType.INT)
      .required("day", ColumnType.INT)
      .required("day_of_week", ColumnType.INT)
      .required("day_name", ColumnType.STRING)
      .required("month_name", ColumnType.STRING)
      .required("quarter", ColumnType.INT)
      .build(), List.of("date_id"), Map.of()),
  DIM_STAFF("dim_staff", null, RowSchema.builder()
      .required("staff_id", ColumnType.INT)
      .required("first_name", ColumnType.STRING)
      .required("last_name", ColumnType.STRING)
      .required("department_name", ColumnType.STRING)
      .nullable("location", ColumnType.STRING)
      .required("email_address", ColumnType.STRING)
      .build(), List.of("staff_id"), Map.of()),
  DIM_LOCATION("dim_location", null, RowSchema.builder()
      .required("location_id", ColumnType.INT)
      .required("address_line_1", ColumnType.STRING)
      .nullable("address_line_2", ColumnType.STRING)
      .nullable("district", ColumnType.STRING)
      .required("city", ColumnType.STRING)
      .required("postal_code", ColumnType.STRING)
      .required("country", ColumnType.STRING)
      .required("phone", ColumnType.STRING)
      .build(), List.of("location_id"), Map.of()),
  DIM_CURRENCY("dim_currency", null, RowSchema.builder()
      .required("currency_id", ColumnType.INT)
      .required("currency_code", ColumnType.STRING)
      .required("currency_name", ColumnType.STRING)
      .build(), List.of("currency_id"), Map.of()),
  DIM_DESIGN("dim_design", null, RowSchema.builder()
      .required("design_id", ColumnType.INT)
      .required("design_name", ColumnType.STRING)
      .required("file_location", ColumnType.STRING)
      .required("file_name", ColumnType.STRING)
      .build(), List.of("design_id"), Map.of()),
  DIM_COUNTERPARTY("dim_counterparty", null, RowSchema.builder()
      .required("counterparty_id", ColumnType.INT)
      .required("counterparty_legal_name", ColumnType.STRING)
      .required("counterparty_legal_address_line_1", ColumnType.STRING)
      .nullable("counterparty_legal_address_line_2", ColumnType.STRING)
      .nullable("counterparty_legal_district", ColumnType.STRING)
      .required("counterparty_legal_city", ColumnType.STRING)
      .required("counterparty_legal_postal_code", ColumnType.STRING)
      .required("counterparty_legal_country", ColumnType.STRING)
      .required("counterparty_legal_phone_number", ColumnType.STRING)
      .build(), List.of("counterparty_id"), Map.of()),
  DIM_PAYMENT_TYPE("dim_payment_type", null, RowSchema.builder()
      .required("payment_type_id", ColumnType.INT)
      .required("payment_type_name", ColumnType.STRING)
      .build(), List.of("payment_type_id"), Map.of()),
  DIM_TRANSACTION("dim_transaction", null, RowSchema.builder()
      .required("transaction_id", ColumnType.INT)
      .required("transaction_type", ColumnType.STRING)
      .nullable("sales_order_id", ColumnType.INT)
      .nullable("purchase_order_id", ColumnType.INT)
      .build(), List.of("transaction_id"), Map.of()),
  FACT_SALES_ORDER("fact_sales_order", "sales_record_id", RowSchema.builder()
      .required("sales_order_id", ColumnType.INT)
      .required("created_date", ColumnType.DATE)
      .required("created_time", ColumnType.TIME)
      .required("last_updated_date", ColumnType.DATE)
      .required("last_updated_time", ColumnType.TIME)
      .required("sales_staff_id", ColumnType.INT)
      .required("counterparty_id", ColumnType.INT)
      .required("units_sold", ColumnType.INT)
      .required("unit_price", ColumnType.decimal(10, 2))
      .required("currency_id", ColumnType.INT)
      .required("design_id", ColumnType.INT)
      .required("agreed_payment_date", ColumnType.DATE)
      .required("agreed_delivery_date", ColumnType.DATE)
      .required("agreed_delivery_location_id", ColumnType.INT)
      .build(), List.of("sales_order_id", "last_updated_date", "last_updated_time"), Map.of(
          "created_date", "dim_date", "last_updated_date", "dim_date", "sales_staff_id", "dim_staff",
          "counterparty_id", "dim_counterparty", "currency_id", "dim_currency", "design_id", "dim_design",
          "agreed_payment_date", "dim_date", "agreed_delivery_date", "dim_date",
          "agreed_delivery_location_id", "dim_location")),
  FACT_PURCHASE_ORDER("fact_purchase_order", "purchase_record_id", RowSchema.builder()
      .required("purchase_order_id", ColumnType.INT)
      .required("created_date", ColumnType.DATE)
      .required("created_time", ColumnType.TIME)
      .required("last_updated_date", ColumnType.DATE)
      .required("last_updated_time", ColumnType.TIME)
      .required("staff_id", ColumnType.INT)
      .required("counterparty_id", ColumnType.INT)
      .required("item_code", ColumnType.STRING)
      .required("item_quantity", ColumnType.INT)
      .required("item_unit_price", ColumnType.decimal(10, 2))
      .required("currency_id", ColumnType.INT)
      .required("agreed_delivery_date", ColumnType.DATE)
      .required("agreed_payment_date", ColumnType.DATE)
      .required("agreed_delivery_location_id", ColumnType.INT)
      .build(), List.of("purchase_order_id", "last_updated_date", "last_updated_time"), Map.of(
          "created_date", "dim_date", "last_updated_date", "dim_date", "staff_id", "dim_staff",
          "counterparty_id", "dim_counterparty", "currency_id", "dim_currency",
          "agreed_delivery_date", "dim_date", "agreed_payment_date", "dim_date",
          "agreed_delivery_location_id", "dim_location")),
  FACT_PAYMENT("fact_payment", "payment_record_id", RowSchema.builder()
      .required("payment_id", ColumnType.INT)
      .required("created_date", ColumnType.DATE)
      .required("created_time", ColumnType.TIME)
      .required("last_updated_date", ColumnType.DATE)
      .required("last_updated_time", ColumnType.TIME)
      .required("transaction_id", ColumnType.INT)
      .required("counterparty_id", ColumnType.INT)
      .required("payment_amount", ColumnType.decimal(10, 2))
      .required("currency_id", ColumnType.INT)
      .required("payment_type_id", ColumnType.INT)
      .required("paid", ColumnType.BOOLEAN)
      .required("payment_date", ColumnType.DATE)
      .build(), List.of("payment_id", "last_updated_date", "last_updated_time"), Map.of(
          "created_date", "dim_date", "last_updated_date", "dim_date", "transaction_id", "dim_transaction",
          "counterparty_id", "dim_counterparty", "currency_id", "dim_currency",
          "payment_type_id", "dim_payment_type", "payment_date", "dim_date"));

  /** The staging table's ordinal column: the staged rows' load order. */
  public static final String STAGING_ORDINAL = "_load_ordinal";
  private static final String STAGING_ROUND = "_load_round";

  private final String tableName;
  private final @Nullable String identityColumn;
  private final RowSchema schema;
  private final List<String> key;
  private final Map<String, String> foreignKeys;

  WarehouseTable(String tableName, @Nullable String identityColumn, RowSchema schema, List<String> key,
      Map<String, String> foreignKeys) {
    this.tableName = tableName;
    this.identityColumn = identityColumn;
    this.schema = schema;
    this.key = key;
    this.foreignKeys = foreignKeys;
  }

  /**
   * @return the table's name in the warehouse and its folder in the processed zone
   */
  public String tableName() {
    return tableName;
  }

  /**
   * @return the schema of its processed objects (the warehouse identity column excluded)
   */
  public RowSchema schema() {
    return schema;
  }

  /**
   * @return whether it is a fact table (insert once per version) rather than a dimension (upsert)
   */
  public boolean isFact() {
    return identityColumn != null;
  }

  /**
   * @return the conflict key: the primary key of a dimension, (source id, last_updated date and time) of a fact
   */
  public List<String> key() {
    return key;
  }

  /**
   * @return the {@code CREATE TABLE IF NOT EXISTS} statement
   */
  public String createTable() {
    List<String> parts = new ArrayList<>();
    if (identityColumn != null) { // a fact table
      parts.add(Sql.quote(identityColumn) + " BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY");
    }
    for (Column c : schema.columns()) {
      parts.add(Sql.quote(c.name()) + " " + BinaryCopyWriter.sqlType(c.type()) + (c.nullable() ? "" : " NOT NULL"));
    }
    parts.add((isFact() ? "UNIQUE (" : "PRIMARY KEY (") + Sql.quoteAll(key) + ")");
    for (Column c : schema.columns()) {
      String target = foreignKeys.get(c.name());
      if (target != null) {
        WarehouseTable dim = byName(target);
        parts.add("FOREIGN KEY (" + Sql.quote(c.name()) + ") REFERENCES " + Sql.quote(dim.tableName)
            + " (" + Sql.quote(dim.key.get(0)) + ")");
      }
    }
    return "CREATE TABLE IF NOT EXISTS " + Sql.quote(tableName) + " (" + String.join(", ", parts) + ")";
  }

  /**
   * @return the name of the temporary table the load stages this table's rows in
   */
  public String stagingTableName() {
    return "totesys_stage_" + tableName;
  }

  /**
   * @return the {@code CREATE TEMP TABLE ... ON COMMIT DROP} statement of the staging table: the ordinal
   *     {@link #STAGING_ORDINAL} (the rows' order across the pending objects, oldest object first), then
   *     the schema's columns with the warehouse's types and no constraint (the target's constraints apply
   *     when the rows move on)
   */
  public String createStagingTable() {
    List<String> parts = new ArrayList<>();
    parts.add(Sql.quote(STAGING_ORDINAL) + " BIGINT NOT NULL");
    for (Column c : schema.columns()) {
      parts.add(Sql.quote(c.name()) + " " + BinaryCopyWriter.sqlType(c.type()));
    }
    return "CREATE TEMP TABLE " + Sql.quote(stagingTableName()) + " (" + String.join(", ", parts) + ") ON COMMIT DROP";
  }

  /**
   * @return the {@code COPY ... FROM STDIN (FORMAT binary)} statement that fills the staging table: the
   *     ordinal, then the schema's columns in order
   */
  public String copyIntoStaging() {
    return "COPY " + Sql.quote(stagingTableName()) + " (" + Sql.quote(STAGING_ORDINAL) + ", "
        + Sql.quoteAll(schema.names()) + ") FROM STDIN (FORMAT binary)";
  }

  /**
   * @return the query giving the largest number of staged rows that share one conflict key: how many
   *     rounds a dimension's upsert needs (see {@link #upsertFromStaging(boolean)})
   */
  public String stagedVersionsPerKey() {
    return "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM " + Sql.quote(stagingTableName())
        + " GROUP BY " + Sql.quoteAll(key) + ") v";
  }

  /**
   * The set-based statement that moves staged rows into the table, with the rules a row-by-row load
   * would follow in ordinal order.
   *
   * <p>A fact inserts its rows in ordinal order and skips versions it already holds ({@code ON CONFLICT
   * DO NOTHING}); a staged row repeating the key of an earlier one is skipped as well, as it would be
   * row by row. A dimension upserts and leaves identical rows untouched ({@code DO UPDATE ... WHERE
   * (columns) IS DISTINCT FROM (EXCLUDED.columns)}). One {@code INSERT ... ON CONFLICT DO UPDATE} may not
   * touch a row twice, so when staged rows repeat a key the dimension is upserted in rounds: round
   * {@code n} (the statement's one parameter) takes the {@code n}-th staged row of each key in ordinal
   * order; keys are independent, so running rounds 1, 2, ... gives the row-by-row result and counts.
   *
   * @param inRounds for a dimension whose staged rows repeat a key; ignored for a fact
   * @return the statement; its update count is the rows inserted or changed
   */
  public String upsertFromStaging(boolean inRounds) {
    List<String> names = schema.names();
    String staged = Sql.quote(stagingTableName());
    String insert = "INSERT INTO " + Sql.quote(tableName) + " AS t (" + Sql.quoteAll(names) + ") SELECT "
        + Sql.quoteAll(names) + " FROM ";
    String conflict = " ON CONFLICT (" + Sql.quoteAll(key) + ")";
    if (isFact()) {
      return insert + staged + " ORDER BY " + Sql.quote(STAGING_ORDINAL) + conflict + " DO NOTHING";
    }
    String source = inRounds
        ? "(SELECT *, row_number() OVER (PARTITION BY " + Sql.quoteAll(key) + " ORDER BY "
            + Sql.quote(STAGING_ORDINAL) + ") AS " + Sql.quote(STAGING_ROUND) + " FROM " + staged + ") s WHERE "
            + Sql.quote(STAGING_ROUND) + " = ?"
        : staged;
    List<String> others = names.stream().filter(n -> !key.contains(n)).toList();
    String targets = others.stream().map(n -> "t." + Sql.quote(n)).collect(Collectors.joining(", "));
    String excluded = others.stream().map(n -> "EXCLUDED." + Sql.quote(n)).collect(Collectors.joining(", "));
    String sets = others.stream().map(n -> Sql.quote(n) + " = EXCLUDED." + Sql.quote(n))
        .collect(Collectors.joining(", "));
    return insert + source + conflict + " DO UPDATE SET " + sets + " WHERE (" + targets + ") IS DISTINCT FROM ("
        + excluded + ")";
  }

  /**
   * @return each column that references a dimension, in schema order, with the dimension (empty for a
   *     dimension)
   */
  public Map<String, WarehouseTable> foreignKeys() {
    Map<String, WarehouseTable> result = new LinkedHashMap<>();
    for (String column : schema.names()) {
      String target = foreignKeys.get(column);
      if (target != null) {
        result.put(column, byName(target));
      }
    }
    return result;
  }

  /**
   * @return the name of the temporary table that keeps the references of the fact rows a load inserted
   */
  public String insertedReferencesTableName() {
    return "totesys_inserted_" + tableName;
  }

  /**
   * @return the {@code CREATE TEMP TABLE ... ON COMMIT DROP} statement of that table: one column per
   *     foreign key
   */
  public String createInsertedReferencesTable() {
    String columns = foreignKeys().keySet().stream()
        .map(n -> Sql.quote(n) + " " + BinaryCopyWriter.sqlType(schema.column(n).type()))
        .collect(Collectors.joining(", "));
    return "CREATE TEMP TABLE " + Sql.quote(insertedReferencesTableName()) + " (" + columns + ") ON COMMIT DROP";
  }

  /**
   * @return for a fact: {@link #upsertFromStaging(boolean)}, keeping the foreign keys of the rows it
   *     inserts in {@link #insertedReferencesTableName()}; its update count is the rows inserted
   */
  public String insertFactsKeepingReferences() {
    String columns = Sql.quoteAll(new ArrayList<>(foreignKeys().keySet()));
    return "WITH inserted AS (" + upsertFromStaging(false) + " RETURNING " + columns + ") INSERT INTO "
        + Sql.quote(insertedReferencesTableName()) + " (" + columns + ") SELECT " + columns + " FROM inserted";
  }

  /**
   * @return each dimension a fact references, with the fact's columns that reference it, in schema order
   */
  public Map<WarehouseTable, List<String>> referencedDimensions() {
    Map<WarehouseTable, List<String>> result = new LinkedHashMap<>();
    foreignKeys().forEach((column, dim) -> result.computeIfAbsent(dim, d -> new ArrayList<>()).add(column));
    return result;
  }

  /**
   * The first half of the set-based foreign-key check of {@link #insertFactsKeepingReferences()}'s rows:
   * locks {@code FOR KEY SHARE} the dimension rows they reference, as PostgreSQL's own per-row check does,
   * so none can be deleted or have its key changed before the transaction ends. Rows this transaction
   * wrote itself need no lock (no other transaction can see them, or they wait for it) and are skipped.
   *
   * @return a query of one row, one count per referenced dimension (the rows locked)
   */
  public String lockReferencedRows() {
    List<String> counts = new ArrayList<>();
    referencedDimensions().forEach((dim, columns) -> counts.add("(SELECT count(*) FROM (SELECT 1 FROM "
        + Sql.quote(dim.tableName) + " d WHERE d." + Sql.quote(dim.key.get(0)) + " IN (" + referencedValues(columns, true)
        + ") AND d.xmin <> (SELECT (txid_current() % 4294967296)::text::xid) FOR KEY SHARE OF d) l)"));
    return "SELECT " + String.join(", ", counts);
  }

  /**
   * The second half, once the rows are locked: the referenced keys that no dimension row holds.
   *
   * @return a query of one row, one count per referenced dimension in {@link #referencedDimensions()}
   *     order: the distinct keys missing
   */
  public String missingReferences() {
    List<String> counts = new ArrayList<>();
    referencedDimensions().forEach((dim, columns) -> counts.add("(SELECT count(*) FROM (" + referencedValues(columns,
        false) + ") r (k) WHERE NOT EXISTS (SELECT 1 FROM " + Sql.quote(dim.tableName) + " d WHERE d."
        + Sql.quote(dim.key.get(0)) + " = r.k))"));
    return "SELECT " + String.join(", ", counts);
  }

  /** The values of the columns in the inserted references, as one column: all of them, or each once. */
  private String referencedValues(List<String> columns, boolean all) {
    String references = Sql.quote(insertedReferencesTableName());
    return columns.stream().map(c -> "SELECT " + Sql.quote(c) + " FROM " + references)
        .collect(Collectors.joining(all ? " UNION ALL " : " UNION "));
  }

  /**
   * @param name a warehouse table name
   * @return the table
   */
  public static WarehouseTable byName(String name) {
    for (WarehouseTable t : values()) {
      if (t.tableName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no warehouse table " + name);
  }
}
