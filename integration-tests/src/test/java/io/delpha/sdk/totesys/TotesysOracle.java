package io.delpha.sdk.totesys;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The independent answer: what the warehouse must hold, computed in plain SQL over the source. Facts
 * keep every version a run has seen, so the test records the source's fact rows after each run
 * ({@link #recordVersions}) in an {@code oracle} schema of the source database.
 */
final class TotesysOracle {

  private static final List<String> FACT_SOURCES = List.of("sales_order", "purchase_order", "payment");

  /** Warehouse table -> the SQL that computes it over the source. */
  static final Map<String, String> ORACLE = new LinkedHashMap<>();
  /** Warehouse table -> the SQL that reads it in the same column order. */
  static final Map<String, String> WAREHOUSE = new LinkedHashMap<>();

  static {
    ORACLE.put("dim_staff", "SELECT s.staff_id, s.first_name, s.last_name, d.department_name, d.location, s.email_address"
        + " FROM staff s JOIN department d ON d.department_id = s.department_id ORDER BY 1");
    WAREHOUSE.put("dim_staff", "SELECT staff_id, first_name, last_name, department_name, location, email_address"
        + " FROM dim_staff ORDER BY 1");
    ORACLE.put("dim_location", "SELECT address_id, address_line_1, address_line_2, district, city, postal_code, country,"
        + " phone FROM address ORDER BY 1");
    WAREHOUSE.put("dim_location", "SELECT location_id, address_line_1, address_line_2, district, city, postal_code,"
        + " country, phone FROM dim_location ORDER BY 1");
    ORACLE.put("dim_currency", "SELECT currency_id, currency_code, CASE currency_code WHEN 'GBP' THEN 'British Pound'"
        + " WHEN 'USD' THEN 'US Dollar' WHEN 'EUR' THEN 'Euro' ELSE currency_code END FROM currency ORDER BY 1");
    WAREHOUSE.put("dim_currency", "SELECT currency_id, currency_code, currency_name FROM dim_currency ORDER BY 1");
    ORACLE.put("dim_design", "SELECT design_id, design_name, file_location, file_name FROM design ORDER BY 1");
    WAREHOUSE.put("dim_design", "SELECT design_id, design_name, file_location, file_name FROM dim_design ORDER BY 1");
    ORACLE.put("dim_counterparty", "SELECT c.counterparty_id, c.counterparty_legal_name, a.address_line_1,"
        + " a.address_line_2, a.district, a.city, a.postal_code, a.country, a.phone"
        + " FROM counterparty c JOIN address a ON a.address_id = c.legal_address_id ORDER BY 1");
    WAREHOUSE.put("dim_counterparty", "SELECT counterparty_id, counterparty_legal_name, counterparty_legal_address_line_1,"
        + " counterparty_legal_address_line_2, counterparty_legal_district, counterparty_legal_city,"
        + " counterparty_legal_postal_code, counterparty_legal_country, counterparty_legal_phone_number"
        + " FROM dim_counterparty ORDER BY 1");
    ORACLE.put("dim_payment_type", "SELECT payment_type_id, payment_type_name::text FROM payment_type ORDER BY 1");
    WAREHOUSE.put("dim_payment_type", "SELECT payment_type_id, payment_type_name FROM dim_payment_type ORDER BY 1");
    ORACLE.put("dim_transaction", "SELECT transaction_id, transaction_type::text, sales_order_id, purchase_order_id"
        + " FROM transaction ORDER BY 1");
    WAREHOUSE.put("dim_transaction", "SELECT transaction_id, transaction_type, sales_order_id, purchase_order_id"
        + " FROM dim_transaction ORDER BY 1");
    ORACLE.put("fact_sales_order", "SELECT sales_order_id, created_at::date, created_at::time(3), last_updated::date,"
        + " last_updated::time(3), staff_id, counterparty_id, units_sold, unit_price, currency_id, design_id,"
        + " agreed_payment_date::date, agreed_delivery_date::date, agreed_delivery_location_id"
        + " FROM oracle.sales_order ORDER BY 1, 4, 5");
    WAREHOUSE.put("fact_sales_order", "SELECT sales_order_id, created_date, created_time, last_updated_date,"
        + " last_updated_time, sales_staff_id, counterparty_id, units_sold, unit_price, currency_id, design_id,"
        + " agreed_payment_date, agreed_delivery_date, agreed_delivery_location_id"
        + " FROM fact_sales_order ORDER BY sales_order_id, last_updated_date, last_updated_time");
    ORACLE.put("fact_purchase_order", "SELECT purchase_order_id, created_at::date, created_at::time(3),"
        + " last_updated::date, last_updated::time(3), staff_id, counterparty_id, item_code, item_quantity,"
        + " item_unit_price, currency_id, agreed_delivery_date::date, agreed_payment_date::date,"
        + " agreed_delivery_location_id FROM oracle.purchase_order ORDER BY 1, 4, 5");
    WAREHOUSE.put("fact_purchase_order", "SELECT purchase_order_id, created_date, created_time, last_updated_date,"
        + " last_updated_time, staff_id, counterparty_id, item_code, item_quantity, item_unit_price, currency_id,"
        + " agreed_delivery_date, agreed_payment_date, agreed_delivery_location_id"
        + " FROM fact_purchase_order ORDER BY purchase_order_id, last_updated_date, last_updated_time");
    ORACLE.put("fact_payment", "SELECT payment_id, created_at::date, created_at::time(3), last_updated::date,"
        + " last_updated::time(3), transaction_id, counterparty_id, payment_amount, currency_id, payment_type_id, paid,"
        + " payment_date::date FROM oracle.payment ORDER BY 1, 4, 5");
    WAREHOUSE.put("fact_payment", "SELECT payment_id, created_date, created_time, last_updated_date, last_updated_time,"
        + " transaction_id, counterparty_id, payment_amount, currency_id, payment_type_id, paid, payment_date"
        + " FROM fact_payment ORDER BY payment_id, last_updated_date, last_updated_time");
    String dates = "SELECT created_at::date AS d FROM oracle.sales_order UNION SELECT last_updated::date FROM oracle.sales_order"
        + " UNION SELECT agreed_payment_date::date FROM oracle.sales_order UNION SELECT agreed_delivery_date::date FROM oracle.sales_order"
        + " UNION SELECT created_at::date FROM oracle.purchase_order UNION SELECT last_updated::date FROM oracle.purchase_order"
        + " UNION SELECT agreed_payment_date::date FROM oracle.purchase_order UNION SELECT agreed_delivery_date::date FROM oracle.purchase_order"
        + " UNION SELECT created_at::date FROM oracle.payment UNION SELECT last_updated::date FROM oracle.payment"
        + " UNION SELECT payment_date::date FROM oracle.payment";
    ORACLE.put("dim_date", "WITH fact_dates AS (" + dates + ") SELECT g::date, extract(year FROM g)::int,"
        + " extract(month FROM g)::int, extract(day FROM g)::int, extract(isodow FROM g)::int, trim(to_char(g, 'Day')),"
        + " trim(to_char(g, 'Month')), extract(quarter FROM g)::int FROM generate_series((SELECT min(d) FROM fact_dates),"
        + " (SELECT max(d) FROM fact_dates), interval '1 day') g ORDER BY 1");
    WAREHOUSE.put("dim_date", "SELECT date_id, year, month, day, day_of_week, day_name, month_name, quarter"
        + " FROM dim_date ORDER BY 1");
  }

  private TotesysOracle() {}

  /** Records the fact rows the source holds now as versions a run has seen. */
  static void recordVersions(DataSource source) throws SQLException {
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS oracle");
      for (String t : FACT_SOURCES) {
        s.execute("CREATE TABLE IF NOT EXISTS oracle." + t + " AS SELECT * FROM public." + t + " WITH NO DATA");
        s.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + t + "_version ON oracle." + t + " (" + t + "_id, last_updated)");
        s.execute("INSERT INTO oracle." + t + " SELECT * FROM public." + t + " ON CONFLICT DO NOTHING");
      }
    }
  }

  /** Asserts every warehouse table equals the oracle's answer, row for row. */
  static void assertWarehouseMatches(DataSource source, DataSource warehouse) throws SQLException {
    for (String table : ORACLE.keySet()) {
      List<List<String>> expected = query(source, ORACLE.get(table));
      List<List<String>> actual = query(warehouse, WAREHOUSE.get(table));
      assertThat(expected).as("oracle rows for %s", table).isNotEmpty();
      assertThat(actual).as("warehouse table %s", table).hasSize(expected.size()).isEqualTo(expected);
    }
  }

  static List<List<String>> query(DataSource db, String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  static long count(DataSource db, String sql) throws SQLException {
    return Long.parseLong(query(db, sql).get(0).get(0));
  }

  /** A fingerprint of every warehouse table, to show a run changed nothing. */
  static Map<String, String> fingerprint(DataSource warehouse) throws SQLException {
    Map<String, String> result = new LinkedHashMap<>();
    for (String table : WAREHOUSE.keySet()) {
      result.put(table, query(warehouse, "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
          + " FROM " + table + " t").get(0).get(0));
    }
    return result;
  }
}
