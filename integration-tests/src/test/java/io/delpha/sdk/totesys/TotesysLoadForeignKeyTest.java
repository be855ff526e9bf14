package io.delpha.sdk.totesys;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.TotesysFixture;
import io.delpha.sdk.totesys.internal.WarehouseTable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The facts' foreign keys hold whichever way the load checks them: set-based (a role that may set
 * {@code session_replication_role}, here the superuser) or row by row (any other role, or a fact table
 * with a trigger of its own, which must keep firing).
 */
@DisplayName("The warehouse load keeps the facts' foreign keys, set-based or row by row")
class TotesysLoadForeignKeyTest {

  static DataSource seed;

  @TempDir
  Path lake;

  @BeforeAll
  static void loadSeed() throws Exception {
    seed = PostgresServer.shared().createDatabase("totesys_seed");
    TotesysFixture.loadSeed(seed);
    TotesysOracle.recordVersions(seed);
  }

  TotesysPipeline pipeline(DataSource warehouse) {
    return TotesysPipeline.builder().source(seed).ingestionZone(LocalObjectStore.at(lake.resolve("ingestion")))
        .processedZone(LocalObjectStore.at(lake.resolve("processed"))).warehouse(warehouse).build();
  }

  /** A new database owned by a new role that is not a superuser, and a data source logging in as it. */
  static DataSource warehouseOfPlainRole() throws Exception {
    String role = "totesys_loader_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String database = role + "_dw";
    try (Connection c = PostgresServer.shared().dataSource("postgres").getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER");
      s.execute("CREATE DATABASE " + database + " OWNER " + role);
    }
    return PostgresServer.shared().dataSource(database, role);
  }

  /** Processed objects whose one payment references a transaction no dimension row holds. */
  void writeDanglingPayment() {
    LocalObjectStore processed = LocalObjectStore.at(lake.resolve("processed"));
    LocalDate day = LocalDate.of(2024, 1, 1);
    write(processed, WarehouseTable.DIM_DATE, Row.of(WarehouseTable.DIM_DATE.schema(), day, 2024, 1, 1, 1, "Monday", "January", 1));
    write(processed, WarehouseTable.DIM_TRANSACTION, Row.of(WarehouseTable.DIM_TRANSACTION.schema(), 1, "SALE", 1, null));
    write(processed, WarehouseTable.DIM_COUNTERPARTY, Row.of(WarehouseTable.DIM_COUNTERPARTY.schema(), 1, "c", "a", null, null,
        "city", "pc", "country", "phone"));
    write(processed, WarehouseTable.DIM_CURRENCY, Row.of(WarehouseTable.DIM_CURRENCY.schema(), 1, "GBP", "British Pound"));
    write(processed, WarehouseTable.DIM_PAYMENT_TYPE, Row.of(WarehouseTable.DIM_PAYMENT_TYPE.schema(), 1, "SALES_RECEIPT"));
    write(processed, WarehouseTable.FACT_PAYMENT,
        Row.of(WarehouseTable.FACT_PAYMENT.schema(), 1, day, LocalTime.NOON, day, LocalTime.NOON, 1, 1, new BigDecimal("1.00"), 1, 1, true, day),
        Row.of(WarehouseTable.FACT_PAYMENT.schema(), 2, day, LocalTime.NOON, day, LocalTime.NOON, 999, 1, new BigDecimal("2.00"), 1, 1, true, day));
  }

  static void write(LocalObjectStore processed, WarehouseTable table, Row... rows) {
    ParquetRows.write(processed, table.tableName() + "/2024/01/01/100000000000.parquet", table.schema(), List.of(rows));
  }

  @Test
  @DisplayName("set-based check: a fact referencing a missing dimension row fails the load with SQLSTATE 23503 and commits nothing")
  void setBasedCheckRefusesDanglingReference() throws Exception {
    writeDanglingPayment();
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");

    RunReport report = pipeline(warehouse).load();

    assertRefusedAndNothingCommitted(report, warehouse);
  }

  @Test
  @DisplayName("keys dropped and added again (a plain role owning new tables): the same refusal")
  void revalidatedKeysRefuseDanglingReference() throws Exception {
    writeDanglingPayment();
    DataSource warehouse = warehouseOfPlainRole();

    RunReport report = pipeline(warehouse).load();

    assertRefusedAndNothingCommitted(report, warehouse);
  }

  @Test
  @DisplayName("a plain role loading a few rows into a large fact table: checked row by row, the keys untouched; "
      + "a dangling reference refused, the warehouse as it was")
  void fewRowsIntoALargeTableAreCheckedRowByRow() throws Exception {
    DataSource warehouse = warehouseOfPlainRole();
    TotesysPipeline pipeline = pipeline(warehouse);
    assertThat(pipeline.run().succeeded()).isTrue();
    List<List<String>> keys = foreignKeys(warehouse);
    Map<String, String> before = TotesysOracle.fingerprint(warehouse);
    List<String> any = TotesysOracle.query(warehouse, "SELECT created_date, created_time, counterparty_id,"
        + " currency_id, payment_type_id, payment_date, transaction_id FROM fact_payment ORDER BY 1, 2 LIMIT 1").get(0);
    LocalObjectStore processed = LocalObjectStore.at(lake.resolve("processed"));
    LocalDate created = LocalDate.parse(any.get(0));
    LocalTime time = LocalTime.parse(any.get(1));
    int transaction = Integer.parseInt(any.get(6));

    ParquetRows.write(processed, "fact_payment/2030/01/01/100000000000.parquet", WarehouseTable.FACT_PAYMENT.schema(),
        List.of(payment(any, created, time, 999_999)));
    RunReport refused = pipeline.load();

    assertThat(refused.failedStep()).isEqualTo(RunReport.Step.LOAD);
    assertThat(refused.error()).hasMessageContaining("fact_payment").hasMessageContaining("foreign key")
        .hasMessageContaining("SQLSTATE 23503");
    assertThat(TotesysOracle.fingerprint(warehouse)).isEqualTo(before);
    assertThat(foreignKeys(warehouse)).isEqualTo(keys);

    processed.delete("fact_payment/2030/01/01/100000000000.parquet");
    ParquetRows.write(processed, "fact_payment/2030/01/02/100000000000.parquet", WarehouseTable.FACT_PAYMENT.schema(),
        List.of(payment(any, created, time, transaction)));
    RunReport loaded = pipeline.load();

    assertThat(loaded.succeeded()).as(loaded.toString()).isTrue();
    assertThat(loaded.rowsLoaded()).containsEntry("fact_payment", 1L);
    assertThat(foreignKeys(warehouse)).as("checked row by row: the keys were not dropped").isEqualTo(keys);
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM fact_payment WHERE payment_id = 987654"))
        .isEqualTo(1);
  }

  /** A payment like {@code any}, a new one (id 987654), referencing {@code transaction}. */
  private static Row payment(List<String> any, LocalDate created, LocalTime time, int transaction) {
    return Row.of(WarehouseTable.FACT_PAYMENT.schema(), 987_654, created, time, created, time, transaction,
        Integer.parseInt(any.get(2)), new BigDecimal("3.00"), Integer.parseInt(any.get(3)),
        Integer.parseInt(any.get(4)), true, LocalDate.parse(any.get(5)));
  }

  /** The fact tables' foreign keys, each by its object id: a key dropped and added again has a new one. */
  private static List<List<String>> foreignKeys(DataSource warehouse) throws Exception {
    return TotesysOracle.query(warehouse, "SELECT conrelid::regclass::text, conname, oid::text FROM pg_constraint"
        + " WHERE contype = 'f' ORDER BY 1, 2");
  }

  static void assertRefusedAndNothingCommitted(RunReport report, DataSource warehouse) throws Exception {
    assertThat(report.failedStep()).isEqualTo(RunReport.Step.LOAD);
    assertThat(report.error()).hasMessageContaining("fact_payment").hasMessageContaining("foreign key")
        .hasMessageContaining("SQLSTATE 23503");
    for (String table : List.of("dim_date", "dim_transaction", "dim_currency", "fact_payment", "totesys_loaded_object")) {
      assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM " + table)).as(table).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"set-based", "row by row"})
  @DisplayName("until the load commits, a dimension row only its new facts reference cannot be deleted (FOR KEY SHARE)")
  void referencedRowsAreLockedUntilCommit(String check) throws Exception {
    DataSource warehouse = check.equals("set-based") ? PostgresServer.shared().createDatabase("totesys_dw")
        : warehouseOfPlainRole();
    LocalObjectStore processed = LocalObjectStore.at(lake.resolve("processed"));
    LocalDate day = LocalDate.of(2024, 1, 1);
    write(processed, WarehouseTable.DIM_DATE, Row.of(WarehouseTable.DIM_DATE.schema(), day, 2024, 1, 1, 1, "Monday", "January", 1));
    write(processed, WarehouseTable.DIM_TRANSACTION, Row.of(WarehouseTable.DIM_TRANSACTION.schema(), 1, "SALE", 1, null));
    write(processed, WarehouseTable.DIM_COUNTERPARTY, Row.of(WarehouseTable.DIM_COUNTERPARTY.schema(), 1, "c", "a", null, null,
        "city", "pc", "country", "phone"));
    write(processed, WarehouseTable.DIM_CURRENCY, Row.of(WarehouseTable.DIM_CURRENCY.schema(), 1, "GBP", "British Pound"));
    write(processed, WarehouseTable.DIM_PAYMENT_TYPE, Row.of(WarehouseTable.DIM_PAYMENT_TYPE.schema(), 1, "SALES_RECEIPT"),
        Row.of(WarehouseTable.DIM_PAYMENT_TYPE.schema(), 9, "UNUSED_SO_FAR"));
    write(processed, WarehouseTable.FACT_PAYMENT, Row.of(WarehouseTable.FACT_PAYMENT.schema(), 1, day, LocalTime.NOON, day,
        LocalTime.NOON, 1, 1, new BigDecimal("1.00"), 1, 1, true, day));
    assertThat(pipeline(warehouse).load().succeeded()).isTrue();
    ParquetRows.write(processed, "fact_payment/2024/01/02/100000000000.parquet", WarehouseTable.FACT_PAYMENT.schema(),
        List.of(Row.of(WarehouseTable.FACT_PAYMENT.schema(), 2, day, LocalTime.NOON, day, LocalTime.NOON, 1, 1,
            new BigDecimal("2.00"), 1, 9, true, day)));
    AtomicReference<String> deleteDuringLoad = new AtomicReference<>();
    PipelineListener deleter = new PipelineListener() {
      @Override
      public void onSuccess(String task, String summary) {
        if (task.equals("load fact_payment")) {
          try (Connection c = PostgresServer.shared().dataSource(TotesysOracle.query(warehouse, "SELECT current_database()")
              .get(0).get(0)).getConnection(); Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '500ms'");
            s.executeUpdate("DELETE FROM dim_payment_type WHERE payment_type_id = 9");
            deleteDuringLoad.set("deleted");
          } catch (SQLException e) {
            deleteDuringLoad.set(e.getSQLState());
          }
        }
      }
    };

    RunReport report = TotesysPipeline.builder().source(seed).ingestionZone(LocalObjectStore.at(lake.resolve("ingestion")))
        .processedZone(processed).warehouse(warehouse).listener(deleter).build().load();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(deleteDuringLoad).hasValue("55P03");
    assertThat(TotesysOracle.query(warehouse, "SELECT p.payment_id, t.payment_type_name FROM fact_payment p"
        + " JOIN dim_payment_type t USING (payment_type_id) ORDER BY 1"))
        .containsExactly(List.of("1", "SALES_RECEIPT"), List.of("2", "UNUSED_SO_FAR"));
  }

  @Test
  @DisplayName("a role that is not a superuser loads the seed row by row, to the oracle's warehouse")
  void plainRoleLoadsTheSeed() throws Exception {
    DataSource warehouse = warehouseOfPlainRole();

    RunReport report = pipeline(warehouse).run();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    TotesysOracle.assertWarehouseMatches(seed, warehouse);
  }

  @Test
  @DisplayName("a trigger of the host's own on a fact table fires for every row the load inserts")
  void hostTriggerStillFires() throws Exception {
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");
    TotesysPipeline pipeline = pipeline(warehouse);
    assertThat(pipeline.extract().succeeded()).isTrue();
    assertThat(pipeline.transform().succeeded()).isTrue();
    try (Connection c = warehouse.getConnection(); Statement s = c.createStatement()) {
      for (WarehouseTable t : WarehouseTable.values()) {
        s.execute(t.createTable());
      }
      s.execute("CREATE TABLE payment_audit (payment_id INTEGER NOT NULL)");
      s.execute("CREATE FUNCTION audit_payment() RETURNS trigger LANGUAGE plpgsql AS"
          + " $$ BEGIN INSERT INTO payment_audit VALUES (NEW.payment_id); RETURN NEW; END $$");
      s.execute("CREATE TRIGGER audit AFTER INSERT ON fact_payment FOR EACH ROW EXECUTE FUNCTION audit_payment()");
    }

    RunReport report = pipeline.load();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    long payments = TotesysOracle.count(seed, "SELECT count(*) FROM payment");
    assertThat(report.rowsLoaded()).containsEntry("fact_payment", payments);
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM payment_audit")).isEqualTo(payments);
    TotesysOracle.assertWarehouseMatches(seed, warehouse);
  }

  @Test
  @DisplayName("both checks give the same warehouse and the same counts")
  void bothPathsAgree() throws Exception {
    DataSource superuser = PostgresServer.shared().createDatabase("totesys_dw");
    DataSource plain = warehouseOfPlainRole();
    TotesysPipeline first = pipeline(superuser);
    assertThat(first.extract().succeeded()).isTrue();
    assertThat(first.transform().succeeded()).isTrue();

    Map<String, Long> setBased = first.load().rowsLoaded();
    Map<String, Long> rowByRow = pipeline(plain).load().rowsLoaded();

    assertThat(rowByRow).isEqualTo(setBased).isNotEmpty();
    assertThat(TotesysOracle.fingerprint(plain)).isEqualTo(TotesysOracle.fingerprint(superuser));
  }
}
