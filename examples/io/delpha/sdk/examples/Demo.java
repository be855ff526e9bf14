package io.delpha.sdk.examples;

import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.TotesysFixture;
import io.delpha.sdk.totesys.LoggingPipelineListener;
import io.delpha.sdk.totesys.RunReport;
import io.delpha.sdk.totesys.PipelineRunner;
import io.delpha.sdk.totesys.TotesysPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The end-to-end demo ({@code mvn -B -q -Pdemo verify}): an embedded PostgreSQL holds the totesys
 * database, loaded with the 48k-row snapshot, and an empty warehouse; the pipeline extracts the snapshot
 * into a local ingestion zone, transforms it into a star schema in a local processed zone (both under
 * {@code target/demo-lake/}), loads the warehouse, and the demo prints the run report and a few
 * warehouse queries. A second run then shows that nothing changed.
 */
public final class Demo {

  private Demo() {}

  /**
   * @param args unused
   * @throws Exception if the demo cannot run
   */
  public static void main(String[] args) throws Exception {
    Path lake = Path.of("target", "demo-lake");
    deleteTree(lake);
    PostgresServer pg = PostgresServer.startNew();
    try {
      DataSource totesys = pg.createDatabase("totesys");
      Map<String, Long> loaded = TotesysFixture.loadSnapshot(totesys);
      System.out.printf("totesys source loaded with the snapshot: %,d rows in %d tables%n",
          loaded.values().stream().mapToLong(Long::longValue).sum(), loaded.size());
      DataSource warehouse = pg.createDatabase("warehouse");

      PipelineRunner pipeline = TotesysPipeline.builder()    // hosts depend on the role interface
          .source(totesys)
          .ingestionZone(LocalObjectStore.at(lake.resolve("ingestion")))
          .processedZone(LocalObjectStore.at(lake.resolve("processed")))
          .warehouse(warehouse)
          .listener(new LoggingPipelineListener())
          .build();

      RunReport report = pipeline.run();
      System.out.println();
      System.out.println(report);
      if (!report.succeeded()) {
        throw new IllegalStateException("the demo run failed", report.error());
      }

      print(warehouse, "Top 5 designs by units sold",
          "SELECT d.design_name, sum(f.units_sold) AS units_sold, count(*) AS orders"
              + " FROM fact_sales_order f JOIN dim_design d USING (design_id)"
              + " GROUP BY d.design_name ORDER BY units_sold DESC LIMIT 5");
      print(warehouse, "Sales value by currency",
          "SELECT c.currency_name, to_char(sum(f.units_sold * f.unit_price), 'FM999,999,999,990.00') AS sales_value"
              + " FROM fact_sales_order f JOIN dim_currency c USING (currency_id)"
              + " GROUP BY c.currency_name ORDER BY sum(f.units_sold * f.unit_price) DESC");
      print(warehouse, "Top 3 sales staff by orders",
          "SELECT s.first_name || ' ' || s.last_name AS staff, s.department_name, s.location, count(*) AS orders"
              + " FROM fact_sales_order f JOIN dim_staff s ON s.staff_id = f.sales_staff_id"
              + " GROUP BY 1, 2, 3 ORDER BY orders DESC, staff LIMIT 3");
      print(warehouse, "Payments: versions in the warehouse (history kept when paid flips to true)",
          "SELECT paid, count(*) AS fact_rows, count(DISTINCT payment_id) AS payments FROM fact_payment"
              + " GROUP BY paid ORDER BY paid");
      print(warehouse, "dim_date range",
          "SELECT min(date_id) AS first_day, max(date_id) AS last_day, count(*) AS days FROM dim_date");

      RunReport again = pipeline.run();
      System.out.printf("%nSecond run with no source change: %s, %d objects written, %d rows loaded, %d ms%n",
          again.succeeded() ? "succeeded" : "FAILED", again.objectsWritten(), again.totalRowsLoaded(),
          again.totalDuration().toMillis());
      System.out.println("Lake: " + lake.toAbsolutePath());
    } finally {
      pg.close();
    }
  }

  private static void print(DataSource db, String title, String sql) throws SQLException {
    System.out.println();
    System.out.println(title);
    try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      StringBuilder header = new StringBuilder("  ");
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        header.append(String.format("%-28s", meta.getColumnLabel(i)));
      }
      System.out.println(header);
      while (rs.next()) {
        StringBuilder line = new StringBuilder("  ");
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          line.append(String.format("%-28s", rs.getString(i)));
        }
        System.out.println(line);
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
