package io.delpha.sdk.sharing;

import io.delpha.sdk.usage.UsageTableStub;
import io.delpha.sdk.parquet.internal.engines.DuckDbSql;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.usage.UsageTableStub.DayFile;
import static io.delpha.sdk.usage.UsageTableStub.TABLE;
import static io.delpha.sdk.usage.UsageTableStub.TABLE_PATH;
import static io.delpha.sdk.usage.UsageTableStub.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.RowReader;
import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** SQL over shared tables: DuckDB views over a cache of the files a Delta Sharing server (WireMock) lists. */
class SharingSqlTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path tmp;
  UsageTableStub share;
  DeltaSharingClient client;

  static final LocalDate MAY1 = LocalDate.of(2024, 5, 1);
  static final LocalDate MAY2 = LocalDate.of(2024, 5, 2);
  static final LocalDate MAY3 = LocalDate.of(2024, 5, 3);

  static final DayFile F1 = new DayFile("f1", MAY1, List.of(row("acme", "dashboards", 10, "1.25", 1_714_521_600L),
      row("globex", "dashboards", 20, "9.99", 1_714_521_601L), row("acme", "exports", 5, null, 1_714_521_602L)));
  static final DayFile F2 = new DayFile("f2", MAY1, List.of(row("globex", "exports", 7, "0.01", 1_714_521_603L)));
  static final DayFile F3 = new DayFile("f3", MAY2, List.of(row("acme", "dashboards", 11, "2.50", 1_714_608_000L),
      row("initech", "exports", 30, null, 1_714_608_001L)));
  static final DayFile F4 = new DayFile("f4", MAY3, List.of(row("acme", "exports", 100, "10.00", 1_714_694_400L)));

  @BeforeEach
  void setUp() {
    share = new UsageTableStub(wm, tmp);
    client = DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/ds/").bearerToken(Secret.of("recipient-token"))
        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(5)).build()).build();
  }

  /** day -> {rows, sum(events)} through readTable's rows, the reference every SQL answer is checked against. */
  Map<LocalDate, List<Long>> byDayFromRows(Filter filter) {
    Map<LocalDate, List<Long>> out = new TreeMap<>();
    QueryOptions options = filter == null ? QueryOptions.all() : QueryOptions.builder().filter(filter).build();
    try (RowReader r = client.readTable(TABLE, options)) {
      r.forEachRemaining(row -> {
        List<Long> v = out.computeIfAbsent(row.getDate("usage_date"), d -> new ArrayList<>(List.of(0L, 0L)));
        v.set(0, v.get(0) + 1);
        v.set(1, v.get(1) + row.getLong("events"));
      });
    }
    return out;
  }

  static Map<LocalDate, List<Long>> byDayFromSql(SharingSql sql, String view) throws Exception {
    Map<LocalDate, List<Long>> out = new TreeMap<>();
    try (Statement st = sql.connection().createStatement(); ResultSet rs = st.executeQuery(
        "SELECT usage_date, count(*), sum(events) FROM " + view + " GROUP BY usage_date ORDER BY usage_date")) {
      while (rs.next()) {
        out.put(rs.getObject(1, LocalDate.class), List.of(rs.getLong(2), rs.getLong(3)));
      }
    }
    return out;
  }

  int storageGets() {
    return wm.findAll(getRequestedFor(urlPathMatching("/blob/.*"))).size();
  }

  int queries() {
    return wm.findAll(postRequestedFor(urlEqualTo(TABLE_PATH + "/query"))).size();
  }

  @Test
  @DisplayName("a view answers GROUP BY day as readTable's rows do, with the table's types; a version bump fetches only the new file")
  void attachQueryRefresh() throws Exception {
    share.publish(3, List.of(F1, F2, F3), null);
    Path cache = tmp.resolve("cache-acme");
    List<ProgressListener.Progress> progress = new CopyOnWriteArrayList<>();
    try (SharingSql sql = SharingSql.builder().client(client).cacheDirectory(cache).progress(new ProgressListener() {
      @Override
      public void onProgress(Progress p) {
        progress.add(p);
      }
    }).build()) {
      AttachedTable a = sql.attach(TABLE, "usage");
      assertThat(a.version()).isEqualTo(3);
      assertThat(a.files()).isEqualTo(3);
      assertThat(a.fetchedFiles()).isEqualTo(3);
      assertThat(a.queried()).isTrue();
      assertThat(progress).extracting(ProgressListener.Progress::done).containsExactlyInAnyOrder(1L, 2L, 3L);
      assertThat(progress).allSatisfy(p -> assertThat(p.total()).isEqualTo(3));
      assertThat(storageGets()).isEqualTo(3);

      Map<LocalDate, List<Long>> expected = byDayFromRows(null);
      assertThat(expected).containsEntry(MAY1, List.of(4L, 42L)).containsEntry(MAY2, List.of(2L, 41L));
      assertThat(byDayFromSql(sql, "usage")).isEqualTo(expected);

      try (Statement st = sql.connection().createStatement(); ResultSet rs = st.executeQuery(
          "SELECT org_id, feature, events, cost, seen_at, usage_date FROM usage WHERE org_id = 'acme' AND "
              + "usage_date = DATE '2024-05-01' ORDER BY events")) {
        assertThat(rs.getMetaData().getColumnTypeName(5)).containsIgnoringCase("TIME ZONE");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong("events")).isEqualTo(5);
        assertThat(rs.getBigDecimal("cost")).isNull();
        assertThat(rs.getObject("seen_at", OffsetDateTime.class).toInstant()).isEqualTo(Instant.ofEpochSecond(1_714_521_602L));
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBigDecimal("cost")).isEqualTo(new BigDecimal("1.25"));
        assertThat(rs.next()).isFalse();
      }

      // nothing moved: one version request, no query, no download
      int queriesBefore = queries();
      int getsBefore = storageGets();
      AttachedTable same = sql.refresh("usage");
      assertThat(same.fetchedFiles()).isZero();
      assertThat(same.queried()).isFalse();
      assertThat(queries()).isEqualTo(queriesBefore);
      assertThat(storageGets()).isEqualTo(getsBefore);

      // version 4 adds f4 and drops f2: only f4 is downloaded
      share.publish(4, List.of(F1, F3, F4), null);
      AttachedTable moved = sql.refresh().get(0);
      assertThat(moved.version()).isEqualTo(4);
      assertThat(moved.fetchedFiles()).isEqualTo(1);
      assertThat(moved.files()).isEqualTo(3);
      assertThat(wm.findAll(getRequestedFor(urlPathEqualTo(UsageTableStub.storagePath(F4))))).hasSize(1);
      assertThat(storageGets()).isEqualTo(getsBefore + 1);
      assertThat(byDayFromSql(sql, "usage")).isEqualTo(byDayFromRows(null))
          .containsEntry(MAY1, List.of(3L, 35L)).containsEntry(MAY3, List.of(1L, 100L));
    }

    // another process on the same cache: the version's manifest is there, so no query and no download
    int queriesBefore = queries();
    int getsBefore = storageGets();
    try (SharingSql again = SharingSql.builder().client(client).cacheDirectory(cache).build()) {
      AttachedTable a = again.attach(TABLE, "usage");
      assertThat(a.queried()).isFalse();
      assertThat(a.fetchedFiles()).isZero();
      assertThat(byDayFromSql(again, "usage")).containsEntry(MAY3, List.of(1L, 100L)).hasSize(3);
    }
    assertThat(queries()).isEqualTo(queriesBefore);
    assertThat(storageGets()).isEqualTo(getsBefore);
  }

  @Test
  @DisplayName("with a filter the hint reaches the server and the cache holds only the kept rows: no other organisation's row on disk")
  void filteredCacheHoldsOnlyKeptRows() throws Exception {
    share.publish(3, List.of(F1, F2, F3), null);
    Path cache = tmp.resolve("org-acme");
    Filter acme = Filter.eq("org_id", "acme");
    try (SharingSql sql = SharingSql.builder().client(client).cacheDirectory(cache).build()) {
      AttachedTable a = sql.attach(TABLE, "usage", QueryOptions.builder().filter(acme).build());
      assertThat(a.files()).isEqualTo(3);
      assertThat(byDayFromSql(sql, "usage")).isEqualTo(byDayFromRows(acme))
          .isEqualTo(Map.of(MAY1, List.of(2L, 15L), MAY2, List.of(1L, 11L)));
      try (Statement st = sql.connection().createStatement();
          ResultSet rs = st.executeQuery("SELECT DISTINCT org_id FROM usage")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("acme");
        assertThat(rs.next()).isFalse();
      }
    }
    wm.verify(postRequestedFor(urlEqualTo(TABLE_PATH + "/query")).withRequestBody(
        com.github.tomakehurst.wiremock.client.WireMock.containing("jsonPredicateHints")));
    List<Path> cached;
    try (Stream<Path> walk = Files.walk(cache)) {
      cached = walk.filter(Files::isRegularFile).toList();
    }
    List<Path> parquet = cached.stream().filter(p -> p.toString().endsWith(".parquet")).toList();
    assertThat(parquet).hasSize(2); // f2 holds globex only: nothing kept, recorded as empty
    List<String> orgs = new ArrayList<>();
    for (Path p : parquet) {
      try (RowReader r = ParquetRows.read(p)) {
        r.forEachRemaining(row -> orgs.add(row.getString("org_id")));
      }
    }
    assertThat(orgs).containsExactly("acme", "acme", "acme");
    for (Path p : cached) {
      String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
      assertThat(text).as(p.toString()).doesNotContain("globex").doesNotContain("initech");
    }
  }

  @Test
  @DisplayName("an expired presigned URL is refreshed by re-querying before the file is cached")
  void expiredUrlRefreshed() throws Exception {
    share.publish(3, List.of(F1), System.currentTimeMillis() - 1_000);
    try (SharingSql sql = SharingSql.builder().client(client).cacheDirectory(tmp.resolve("c")).build()) {
      // every answer's URL is already expired: three refreshes, then a clear error and nothing cached
      assertThatThrownBy(() -> sql.attach(TABLE, "usage")).isInstanceOf(io.delpha.sdk.core.DelphaException.class)
          .hasMessageContaining("expired URLs").hasMessageNotContaining("sig=");
      assertThat(storageGets()).isZero();
      share.publish(3, List.of(F1), System.currentTimeMillis() + 3_600_000);
      AttachedTable a = sql.attach(TABLE, "usage");
      assertThat(a.fetchedFiles()).isEqualTo(1);
      assertThat(byDayFromSql(sql, "usage")).isEqualTo(Map.of(MAY1, List.of(3L, 35L)));
    }
  }

  @Test
  @DisplayName("a file that is not Parquet is a DataFormatException and leaves no cached file; a re-run after the fix works")
  void corruptFileLeavesNothing() throws Exception {
    int size = share.publish(3, List.of(F1, F3), null).get("f3");
    byte[] html = new byte[size]; // as long as the query says, but not Parquet
    Arrays.fill(html, (byte) ' ');
    System.arraycopy("<html>".getBytes(StandardCharsets.US_ASCII), 0, html, 0, 6);
    wm.stubFor(get(urlPathEqualTo(UsageTableStub.storagePath(F3))).willReturn(aResponse().withBody(html)));
    Path cache = tmp.resolve("c");
    try (SharingSql sql = SharingSql.builder().client(client).cacheDirectory(cache).build()) {
      assertThatThrownBy(() -> sql.attach(TABLE, "usage")).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("f3");
      try (Stream<Path> walk = Files.walk(cache)) {
        assertThat(walk.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.endsWith(".part") || n.endsWith(".json"))
            .allMatch(n -> n.endsWith(".parquet")).hasSizeLessThanOrEqualTo(1);
      }
      share.publish(3, List.of(F1, F3), null);
      AttachedTable a = sql.attach(TABLE, "usage");
      assertThat(byDayFromSql(sql, "usage")).isEqualTo(byDayFromRows(null));
      assertThat(a.fetchedFiles()).isBetween(1, 2);
    }
  }

  @Test
  @DisplayName("hostile names: a view name that is not an identifier is refused; quotes in partition values stay data")
  void hostileNames() throws Exception {
    share.publish(3, List.of(F1), null);
    try (SharingSql sql = SharingSql.builder().client(client).cacheDirectory(tmp.resolve("c")).build()) {
      assertThatThrownBy(() -> sql.attach(TABLE, "usage; DROP TABLE x")).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> sql.attach("not-a-table", "usage")).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> sql.refresh("never")).isInstanceOf(InvalidInputException.class);
    }
    assertThat(io.delpha.sdk.parquet.internal.engines.DuckDbSql.literal("o'brien\"; --", io.delpha.sdk.parquet.ColumnType.STRING))
        .isEqualTo("CAST('o''brien\"; --' AS VARCHAR)");
    try (java.sql.Connection c = SharingSql.openDuckDb(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + io.delpha.sdk.parquet.internal.engines.DuckDbSql.literal("o'brien\"; --",
            io.delpha.sdk.parquet.ColumnType.STRING))) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("o'brien\"; --");
    }
  }

  @Test
  @DisplayName("the DuckDB version the library names is the one the build uses")
  void coordinatesMatchThePom() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    String version = SharingSql.DUCKDB_COORDINATES.substring(SharingSql.DUCKDB_COORDINATES.lastIndexOf(':') + 1);
    assertThat(pom).contains("<duckdb.version>" + version + "</duckdb.version>");
  }

  @Test
  @DisplayName("without DuckDB on the class path, build() throws MissingDependencyException naming the Maven coordinates")
  void withoutDuckDb() throws Exception {
    List<String> full = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    List<String> without = full.stream().filter(e -> !e.contains("duckdb_jdbc")).toList();
    assertThat(full.size() - without.size()).isEqualTo(1);
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", String.join(File.pathSeparator, without), NoDuckDbMain.class.getName(), tmp.toString())
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("REFUSED io.delpha.sdk.core.MissingDependencyException")
        .contains(SharingSql.DUCKDB_COORDINATES);
  }

  /** Run in a JVM without DuckDB: prints how SharingSql refuses. */
  static final class NoDuckDbMain {
    public static void main(String[] args) {
      DeltaSharingClient c = DeltaSharingClient.builder().endpoint("http://127.0.0.1:9/ds/")
          .bearerToken(Secret.of("t")).build();
      try {
        SharingSql.builder().client(c).cacheDirectory(Path.of(args[0])).build();
        System.out.println("BUILT");
      } catch (RuntimeException e) {
        System.out.println("REFUSED " + e.getClass().getName() + ": " + e.getMessage());
      }
    }
  }
}
