package io.delpha.sdk.usage.internal;

import io.delpha.sdk.parquet.internal.engines.DuckDbSql;
import io.delpha.sdk.parquet.ColumnType;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The numbers of the usage charts, asked of the shared DuckDB database ({@link UsageCache}): the measure (the sum of
 * the measure column, or the row count) per day and per feature over a range of days, of one organisation. The
 * organisation and the range are bound parameters of every query, never SQL text; column names are quoted
 * identifiers.
 */
public final class UsageCharts {

  private final UsageTable table;
  private final UsageCache cache;
  private final @Nullable String featureColumn;
  private final @Nullable String measureColumn;

  /**
   * @param table the usage table
   * @param cache the shared database
   * @param featureColumn the column the per-feature chart groups by, or {@code null} for no such chart
   * @param measureColumn the numeric column the charts sum, or {@code null} to count rows
   */
  public UsageCharts(UsageTable table, UsageCache cache, @Nullable String featureColumn,
      @Nullable String measureColumn) {
    this.table = Objects.requireNonNull(table, "table");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.featureColumn = featureColumn;
    this.measureColumn = measureColumn;
  }

  /**
   * @param organisation an organisation
   * @return whether the table has rows of it
   */
  public boolean hasRows(String organisation) {
    return cache.hasRows(organisation);
  }

  /** @return whether there is a per-feature chart */
  public boolean hasFeatures() {
    return featureColumn != null;
  }

  /** @return what the charts measure: the measure column's name, or {@code rows} */
  public String measureLabel() {
    return measureColumn == null ? "rows" : measureColumn;
  }

  /**
   * @param r the organisation and range
   * @return the measure per day with rows, by day
   */
  public Map<LocalDate, BigDecimal> daily(UsageRequest r) {
    return cache.query(c -> {
      String sql = chartSql(dayExpression()) + " ORDER BY 1";
      Map<LocalDate, BigDecimal> out = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, r);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(LocalDate.parse(rs.getString(1)), value(rs.getString(2)));
          }
        }
      }
      return out;
    });
  }

  /**
   * @param r the organisation and range
   * @return the measure per feature, largest first ({@code (none)} for rows without one); only with a feature column
   */
  public List<UsagePage.Point> features(UsageRequest r) {
    List<UsagePage.Point> out = cache.query(c -> {
      String feature = Objects.requireNonNull(featureColumn, "features are charted only with a feature column");
      String sql = chartSql("CAST(" + DuckDbSql.identifier(feature) + " AS VARCHAR)");
      List<UsagePage.Point> points = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, r);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            points.add(new UsagePage.Point(rs.getString(1) == null ? "(none)" : rs.getString(1), value(rs.getString(2))));
          }
        }
      }
      return points;
    });
    out.sort(Comparator.comparing(UsagePage.Point::value).reversed().thenComparing(UsagePage.Point::label));
    return out;
  }

  private String dayExpression() {
    String column = DuckDbSql.identifier(table.dateColumn());
    return table.dateType().equals(ColumnType.STRING) ? "CAST(left(" + column + ", 10) AS DATE)"
        : "CAST(" + column + " AS DATE)";
  }

  /** The SQL of one chart: the measure per group, the organisation and range as parameters. */
  private String chartSql(String group) {
    String measure = measureColumn == null ? "count(*)" : "sum(" + DuckDbSql.identifier(measureColumn) + ")";
    return "SELECT " + group + " AS g, CAST(" + measure + " AS VARCHAR) AS v FROM " + UsageCache.VIEW + " WHERE "
        + DuckDbSql.identifier(table.organisationColumn()) + " = ? AND " + dayExpression()
        + " BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) GROUP BY 1";
  }

  private static void bind(PreparedStatement ps, UsageRequest r) throws SQLException {
    ps.setString(1, r.organisation());
    ps.setString(2, r.from().toString());
    ps.setString(3, r.to().toString());
  }

  private static BigDecimal value(@Nullable String text) {
    return text == null ? BigDecimal.ZERO : new BigDecimal(text);
  }
}
