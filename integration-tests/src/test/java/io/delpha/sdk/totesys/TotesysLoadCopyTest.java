package io.delpha.sdk.totesys;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.testing.FailingDataSource;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.TotesysFixture;
import io.delpha.sdk.totesys.internal.WarehouseTable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The warehouse load through COPY: exact values, pending objects in time order, a server process killed mid-COPY")
class TotesysLoadCopyTest {

  /** Text that breaks naive text or CSV COPY encoders, and values that look like their NULL markers. */
  static final List<String> NASTY = List.of("tab\there", "new\nline", "carriage\rreturn\r\n", "back\\slash \\\\ \\t",
      "\\N", "\\.", "\\.\nafter", "\"double\" and 'single' quotes", "\"", "'", ",;|", "", " ", "NULL", "null",
      "unicode: é ß 日本語 العربية 🙂 e\u0301 \u00a0nbsp \u2028sep", "\u0001\u001f control",
      "x".repeat(100_000) + "\n" + "y".repeat(40_000));

  static DataSource seed;

  @TempDir
  Path lake;

  @BeforeAll
  static void loadSeed() {
    seed = PostgresServer.shared().createDatabase("totesys_seed");
    TotesysFixture.loadSeed(seed);
  }

  LocalObjectStore processed() {
    return LocalObjectStore.at(lake.resolve("processed"));
  }

  TotesysPipeline pipeline(DataSource warehouse) {
    return TotesysPipeline.builder().source(seed).ingestionZone(LocalObjectStore.at(lake.resolve("ingestion")))
        .processedZone(processed()).warehouse(warehouse).build();
  }

  /** Writes a processed object of a warehouse table, named after a run time of 2024-01-01. */
  void write(WarehouseTable table, String hhmmss, List<Row> rows) {
    ParquetRows.write(processed(), table.tableName() + "/2024/01/01/" + hhmmss + "000000.parquet", table.schema(), rows);
  }

  static Row row(WarehouseTable table, Object... values) {
    return Row.of(table.schema(), values);
  }

  @Test
  @DisplayName("text arrives byte for byte: tabs, newlines, backslashes, quotes, \\N, \\., empty strings apart from NULL, unicode, 140 KB values")
  void textIsExact() throws Exception {
    List<Row> locations = new ArrayList<>();
    List<Row> staff = new ArrayList<>();
    for (int i = 0; i < NASTY.size(); i++) {
      String s = NASTY.get(i);
      locations.add(row(WarehouseTable.DIM_LOCATION, i + 1, s, i % 2 == 0 ? null : s, i % 2 == 0 ? "" : null, s, s, s, s));
      staff.add(row(WarehouseTable.DIM_STAFF, i + 1, s, s, s, i % 2 == 0 ? "" : null, s));
    }
    write(WarehouseTable.DIM_LOCATION, "100000", locations);
    write(WarehouseTable.DIM_STAFF, "100000", staff);
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");

    RunReport report = pipeline(warehouse).load();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.rowsLoaded()).containsEntry("dim_location", (long) NASTY.size())
        .containsEntry("dim_staff", (long) NASTY.size());
    assertThat(read(warehouse, "SELECT location_id, address_line_1, address_line_2, district, city, postal_code,"
        + " country, phone FROM dim_location ORDER BY location_id")).isEqualTo(values(locations));
    assertThat(read(warehouse, "SELECT staff_id, first_name, last_name, department_name, location, email_address"
        + " FROM dim_staff ORDER BY staff_id")).isEqualTo(values(staff));
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM dim_location WHERE address_line_2 IS NULL"))
        .isEqualTo((NASTY.size() + 1) / 2);
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM dim_location WHERE district = ''"))
        .isEqualTo((NASTY.size() + 1) / 2);
  }

  @Test
  @DisplayName("numerics, dates, times and booleans keep their exact values, at the edges of their ranges")
  void typedValuesAreExact() throws Exception {
    List<LocalDate> dates = List.of(LocalDate.of(1, 1, 1), LocalDate.of(1999, 12, 31), LocalDate.of(2000, 1, 1),
        LocalDate.of(2000, 2, 29), LocalDate.of(1969, 12, 31), LocalDate.of(9999, 12, 31));
    List<BigDecimal> amounts = Stream.of("0.00", "0.01", "-0.01", "0.10", "1.00", "12.50", "9999.99", "10000.00",
        "10000.01", "123456.78", "99999999.99", "-99999999.99").map(BigDecimal::new).toList();
    List<LocalTime> times = List.of(LocalTime.MIDNIGHT, LocalTime.of(23, 59, 59, 999_000_000), LocalTime.of(12, 34, 56, 789_000_000),
        LocalTime.of(0, 0, 0, 1_000_000));
    List<Row> days = new ArrayList<>();
    for (LocalDate d : dates) {
      days.add(row(WarehouseTable.DIM_DATE, d, d.getYear(), d.getMonthValue(), d.getDayOfMonth(), d.getDayOfWeek().getValue(),
          "day", "month", (d.getMonthValue() - 1) / 3 + 1));
    }
    write(WarehouseTable.DIM_DATE, "100000", days);
    write(WarehouseTable.DIM_TRANSACTION, "100000", List.of(row(WarehouseTable.DIM_TRANSACTION, 1, "SALE", null, 7),
        row(WarehouseTable.DIM_TRANSACTION, 2, "PURCHASE", Integer.MIN_VALUE, Integer.MAX_VALUE)));
    write(WarehouseTable.DIM_COUNTERPARTY, "100000", List.of(row(WarehouseTable.DIM_COUNTERPARTY, 1, "c", "a", null, null,
        "city", "pc", "country", "phone")));
    write(WarehouseTable.DIM_CURRENCY, "100000", List.of(row(WarehouseTable.DIM_CURRENCY, 1, "GBP", "British Pound")));
    write(WarehouseTable.DIM_PAYMENT_TYPE, "100000", List.of(row(WarehouseTable.DIM_PAYMENT_TYPE, 1, "SALES_RECEIPT")));
    List<Row> payments = new ArrayList<>();
    for (int i = 0; i < amounts.size(); i++) {
      LocalDate d = dates.get(i % dates.size());
      payments.add(row(WarehouseTable.FACT_PAYMENT, i + 1, d, times.get(i % times.size()), dates.get((i + 1) % dates.size()),
          times.get((i + 1) % times.size()), 1 + i % 2, 1, amounts.get(i), 1, 1, i % 2 == 0, dates.get((i + 2) % dates.size())));
    }
    write(WarehouseTable.FACT_PAYMENT, "100000", payments);
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");

    RunReport report = pipeline(warehouse).load();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.rowsLoaded()).containsEntry("fact_payment", (long) amounts.size());
    List<List<Object>> expected = new ArrayList<>();
    for (Row r : payments) {
      expected.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(7), r.get(10), r.get(11)));
    }
    List<List<Object>> actual = new ArrayList<>();
    try (Connection c = warehouse.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT payment_id, created_date, created_time, last_updated_date, last_updated_time,"
            + " transaction_id, payment_amount, paid, payment_date FROM fact_payment ORDER BY payment_id")) {
      while (rs.next()) {
        actual.add(Arrays.asList(rs.getInt(1), rs.getObject(2, LocalDate.class), rs.getObject(3, LocalTime.class),
            rs.getObject(4, LocalDate.class), rs.getObject(5, LocalTime.class), rs.getInt(6), rs.getBigDecimal(7),
            rs.getBoolean(8), rs.getObject(9, LocalDate.class)));
      }
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(read(warehouse, "SELECT transaction_id, sales_order_id, purchase_order_id FROM dim_transaction ORDER BY 1"))
        .containsExactly(Arrays.asList("1", null, "7"), List.of("2", "-2147483648", "2147483647"));
  }

  @Test
  @DisplayName("several pending objects of a table apply in time order with the counts a row-by-row load gives")
  void pendingObjectsApplyInTimeOrder() throws Exception {
    WarehouseTable loc = WarehouseTable.DIM_LOCATION;
    write(loc, "100000", List.of(row(loc, 1, "A", null, null, "c", "p", "k", "t"), row(loc, 2, "B", null, null, "c", "p", "k", "t")));
    write(loc, "110000", List.of(row(loc, 1, "A2", null, null, "c", "p", "k", "t"), row(loc, 2, "B", null, null, "c", "p", "k", "t")));
    write(loc, "120000", List.of(row(loc, 1, "A", null, null, "c", "p", "k", "t"), row(loc, 3, "C", "", null, "c", "p", "k", "t")));
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");
    TotesysPipeline pipeline = pipeline(warehouse);

    RunReport first = pipeline.load();
    write(loc, "130000", List.of(row(loc, 1, "A", null, null, "c", "p", "k", "t"), row(loc, 3, "C", null, null, "c", "p", "k", "t")));
    RunReport second = pipeline.load();
    RunReport third = pipeline.load();

    // row by row: 2 inserts; key 1 changed, key 2 identical; key 1 changed back, key 3 inserted
    assertThat(first.rowsLoaded()).containsExactlyEntriesOf(Map.of("dim_location", 5L));
    // key 1 identical, key 3: '' -> NULL is a change
    assertThat(second.rowsLoaded()).containsExactlyEntriesOf(Map.of("dim_location", 1L));
    assertThat(third.rowsLoaded()).isEmpty();
    assertThat(read(warehouse, "SELECT location_id, address_line_1, address_line_2 FROM dim_location ORDER BY 1"))
        .containsExactly(Arrays.asList("1", "A", null), Arrays.asList("2", "B", null), Arrays.asList("3", "C", null));
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM totesys_loaded_object")).isEqualTo(4);
  }

  @Test
  @DisplayName("facts: a version staged twice keeps its first row, within an object and across objects, in time order")
  void factVersionsKeepTheFirstRow() throws Exception {
    LocalDate day = LocalDate.of(2024, 1, 1);
    write(WarehouseTable.DIM_DATE, "100000", List.of(row(WarehouseTable.DIM_DATE, day, 2024, 1, 1, 1, "Monday", "January", 1)));
    write(WarehouseTable.DIM_TRANSACTION, "100000", List.of(row(WarehouseTable.DIM_TRANSACTION, 1, "SALE", 1, null)));
    write(WarehouseTable.DIM_COUNTERPARTY, "100000", List.of(row(WarehouseTable.DIM_COUNTERPARTY, 1, "c", "a", null, null,
        "city", "pc", "country", "phone")));
    write(WarehouseTable.DIM_CURRENCY, "100000", List.of(row(WarehouseTable.DIM_CURRENCY, 1, "GBP", "British Pound")));
    write(WarehouseTable.DIM_PAYMENT_TYPE, "100000", List.of(row(WarehouseTable.DIM_PAYMENT_TYPE, 1, "SALES_RECEIPT")));
    LocalTime noon = LocalTime.NOON;
    write(WarehouseTable.FACT_PAYMENT, "100000", List.of(payment(1, noon, "1.00", false), payment(2, noon, "2.00", false),
        payment(1, noon, "1.50", true), payment(3, noon, "3.00", false)));
    write(WarehouseTable.FACT_PAYMENT, "110000", List.of(payment(2, noon, "2.50", true), payment(1, noon.plusSeconds(1), "1.00", true)));
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");

    RunReport report = pipeline(warehouse).load();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.rowsLoaded()).containsEntry("fact_payment", 4L);
    assertThat(read(warehouse, "SELECT payment_id, last_updated_time, payment_amount, paid FROM fact_payment"
        + " ORDER BY payment_record_id")).containsExactly(List.of("1", "12:00:00", "1.00", "f"), List.of("2", "12:00:00", "2.00", "f"),
            List.of("3", "12:00:00", "3.00", "f"), List.of("1", "12:00:01", "1.00", "t"));
  }

  static Row payment(int id, LocalTime updated, String amount, boolean paid) {
    LocalDate day = LocalDate.of(2024, 1, 1);
    return row(WarehouseTable.FACT_PAYMENT, id, day, LocalTime.NOON, day, updated, 1, 1, new BigDecimal(amount), 1, 1, paid, day);
  }

  @ParameterizedTest(name = "killed during the COPY into {0}")
  @ValueSource(strings = {"totesys_stage_dim_location", "totesys_stage_fact_payment"})
  @DisplayName("a server process killed mid-COPY leaves the warehouse as it was; the re-run loads every object exactly once")
  void killedMidCopy(String stagingTable) throws Exception {
    DataSource source = PostgresServer.shared().createDatabase("totesys_src");
    TotesysFixture.loadSeed(source);
    TotesysOracle.recordVersions(source);
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");
    TotesysPipeline pipeline = pipeline(source, warehouse);
    assertThat(pipeline.run().succeeded()).isTrue();
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE payment SET paid = NOT paid, last_updated = (SELECT max(last_updated) FROM payment) + interval '1 day'"
          + " WHERE payment_id IN (SELECT payment_id FROM payment ORDER BY payment_id LIMIT 5)");
      s.executeUpdate("UPDATE address SET address_line_2 = E'new\\tline\\n\\\\N', last_updated = (SELECT max(last_updated) FROM address) + interval '1 day'"
          + " WHERE address_id = (SELECT min(address_id) FROM address)");
    }
    assertThat(pipeline.extract().succeeded()).isTrue();
    assertThat(pipeline.transform().succeeded()).isTrue();
    Map<String, String> before = TotesysOracle.fingerprint(warehouse);
    List<List<String>> loadedBefore = read(warehouse, "SELECT object_key FROM totesys_loaded_object ORDER BY 1");
    FailingDataSource dying = FailingDataSource.killingBackendDuringCopy(warehouse, stagingTable);

    RunReport crashed = pipeline(source, dying).load();

    assertThat(dying.killed()).isTrue();
    assertThat(crashed.failedStep()).isEqualTo(RunReport.Step.LOAD);
    assertThat(crashed.error()).isInstanceOf(ServiceUnavailableException.class);
    assertThat(TotesysOracle.fingerprint(warehouse)).isEqualTo(before);
    assertThat(read(warehouse, "SELECT object_key FROM totesys_loaded_object ORDER BY 1")).isEqualTo(loadedBefore);

    RunReport rerun = pipeline.load();

    assertThat(rerun.succeeded()).as(rerun.toString()).isTrue();
    assertThat(rerun.rowsLoaded()).containsEntry("fact_payment", 5L).containsEntry("dim_location", 1L);
    TotesysOracle.recordVersions(source);
    TotesysOracle.assertWarehouseMatches(source, warehouse);
    long processedObjects;
    try (Stream<String> keys = processed().list("")) {
      processedObjects = keys.filter(k -> k.endsWith(".parquet") && !k.startsWith("_")).count();
    }
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM totesys_loaded_object")).isEqualTo(processedObjects);
    assertThat(pipeline.load().rowsLoaded()).isEmpty();
  }

  @Test
  @DisplayName("catching up: several ingestion objects per table merged by one transform, several processed objects by one load")
  void catchUp() throws Exception {
    DataSource source = PostgresServer.shared().createDatabase("totesys_src");
    TotesysFixture.loadSeed(source);
    TotesysOracle.recordVersions(source);
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");
    TotesysPipeline pipeline = pipeline(source, warehouse);
    assertThat(pipeline.run().succeeded()).isTrue();

    for (String name : List.of("X", "Y")) {
      change(source, name);
      assertThat(pipeline.extract().succeeded()).isTrue();
      TotesysOracle.recordVersions(source);
    }
    RunReport merged = pipeline.transform();
    change(source, "X");
    assertThat(pipeline.extract().succeeded()).isTrue();
    TotesysOracle.recordVersions(source);
    RunReport single = pipeline.transform();
    RunReport load = pipeline.load();

    assertThat(merged.rowsTransformed()).containsEntry("dim_design", 1L).containsEntry("fact_payment", 2L);
    assertThat(single.rowsTransformed()).containsEntry("dim_design", 1L).containsEntry("fact_payment", 1L);
    assertThat(load.succeeded()).as(load.toString()).isTrue();
    // dim_design: Y (the merged object's latest), then X again; fact_payment: every version once
    assertThat(load.rowsLoaded()).containsEntry("dim_design", 2L).containsEntry("fact_payment", 3L);
    TotesysOracle.assertWarehouseMatches(source, warehouse);
  }

  /** Renames the first design and flips the first payment, both with a new last_updated. */
  static void change(DataSource source, String designName) throws Exception {
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE design SET design_name = '" + designName + "', last_updated = (SELECT max(last_updated)"
          + " FROM design) + interval '1 minute' WHERE design_id = (SELECT min(design_id) FROM design)");
      s.executeUpdate("UPDATE payment SET paid = NOT paid, last_updated = (SELECT max(last_updated) FROM payment)"
          + " + interval '1 minute' WHERE payment_id = (SELECT min(payment_id) FROM payment)");
    }
  }

  @Test
  @DisplayName("source text with tabs, newlines, backslashes, quotes, \\N and unicode reaches the warehouse exactly (end to end)")
  void nastySourceTextEndToEnd() throws Exception {
    DataSource source = PostgresServer.shared().createDatabase("totesys_src");
    TotesysFixture.loadSeed(source);
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE staff SET first_name = E'Tab\\there', last_name = E'Back\\\\slash \\\\N'"
          + " WHERE staff_id = (SELECT min(staff_id) FROM staff)");
      s.executeUpdate("UPDATE design SET design_name = E'\\\\N', file_name = E'line\\nbreak \"q\" ''s'''"
          + " WHERE design_id = (SELECT min(design_id) FROM design)");
      s.executeUpdate("UPDATE address SET address_line_2 = '', district = E'\\\\.' WHERE address_id = (SELECT min(address_id) FROM address)");
      s.executeUpdate("UPDATE address SET address_line_2 = NULL, city = 'Zürich 日本 🙂' WHERE address_id = (SELECT max(address_id) FROM address)");
      s.executeUpdate("UPDATE counterparty SET counterparty_legal_name = E'\"Quoted\", Ltd.\\r\\n' WHERE counterparty_id = 1");
    }
    TotesysOracle.recordVersions(source);
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");

    RunReport report = pipeline(source, warehouse).run();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    TotesysOracle.assertWarehouseMatches(source, warehouse);
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM dim_location WHERE address_line_2 = ''")).isEqualTo(1);
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM dim_design WHERE design_name = E'\\\\N'")).isEqualTo(1);
  }

  TotesysPipeline pipeline(DataSource source, DataSource warehouse) {
    return TotesysPipeline.builder().source(source).ingestionZone(LocalObjectStore.at(lake.resolve("ingestion")))
        .processedZone(processed()).warehouse(warehouse).build();
  }

  static List<List<String>> values(List<Row> rows) {
    List<List<String>> result = new ArrayList<>();
    for (Row r : rows) {
      List<String> values = new ArrayList<>();
      for (Object v : r.values()) {
        values.add(v == null ? null : v.toString());
      }
      result.add(values);
    }
    return result;
  }

  static List<List<String>> read(DataSource db, String sql) throws Exception {
    return TotesysOracle.query(db, sql);
  }
}
