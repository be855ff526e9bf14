package io.delpha.sdk.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ColumnVector;
import io.delpha.sdk.parquet.ParquetMetadata;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.Variant;
import io.delpha.sdk.parquet.WriteOptions;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A VARIANT column against the same data as a JSON string column (issue 59: VARIANT rows read in no more than twice
 * the time of the string rows). One million seeded event payloads (objects of 14 to 18 fields: nested objects,
 * arrays of objects and of strings, strings, integers, decimals, booleans, a null, timestamps as strings) are
 * written by our writer twice beside an {@code id} column: as a VARIANT column (unshredded, what our writer writes)
 * and as a STRING column holding each variant's {@link Variant#toJson()} (so both files hold the same text); DuckDB
 * then rewrites the VARIANT file, shredding it as it does, into a third file, whose footer must show {@code
 * typed_value} columns. Each file is read by our row reader ({@code row.getVariant("payload")} against {@code
 * row.getString("payload")}) and through the batches ({@link ParquetRows#readBatches}, {@link ColumnVector#get} against
 * {@link ColumnVector#getString}), three ways, and the rows a fourth:
 * <ul>
 *   <li><b>every value</b>: the value object made and nothing more (the goal, on the rows);
 *   <li><b>every value's JSON text</b>: the string as read, the variant's {@link Variant#toJson()};
 *   <li><b>one field</b>: {@code v.get("user").get("id").getLong()} against Jackson's {@code readTree} of the string
 *       and the same field, which is what a JSON string column costs whoever reads into it;
 *   <li><b>one field by path</b> (rows only): the VARIANT column read with {@link
 *       io.delpha.sdk.parquet.ReadOptions#readingVariantPath} {@code ("payload", "user", "id")}, each row's value
 *       {@code getLong()}, against the same Jackson read of the string (of a shredded file, only the columns on the
 *       path are read and only that value is rebuilt).
 * </ul>
 * The shredded file is read the first, third and fourth ways only (rebuilding its variants costs the same whatever is read
 * of them next). DuckDB (one thread, same JVM) reads the one field of the string file and of the shredded one, the
 * anchor of the native speed.
 *
 * <p>Completeness before any figure: every read of every round is checked, row count and a sum over every value,
 * against the generated values ({@link Expected}, computed by {@link Write} as it writes): for every value, the
 * variants' top-level field counts and the strings' lengths; for the JSON text, the sum of its {@code hashCode()}s,
 * which the string file and the VARIANT file must give alike (and the shredded one, checked once by {@link Write}); for one field, the sum of {@code user.id}, which
 * every reader, DuckDB included, must give. Each figure is the least of the rounds, after a warm-up that does every
 * read over the files' first fifth. Asserts nothing about time.
 *
 * <p>Threads: our row reader decodes on a second thread while the caller's makes rows (as it always does); the
 * batch reader and DuckDB use one.
 *
 * <pre>{@code
 * bash bench/run-all.sh variant        # or, by hand (writes the files to a temporary folder first):
 * java -Xmx3g -cp target/test-classes:target/classes:$(cat target/bench/classpath.txt) \
 *     io.delpha.sdk.bench.VariantBenchmark [rows, default 1000000] [rounds, default 3] [expected folder]
 * }</pre>
 * With {@code expected} and {@code folder} (what {@link Write} printed and where it wrote), it reads those files and
 * leaves them.
 *
 * <p>Prints human-readable lines and, for {@code bench/run-all.sh}, one {@code RESULT|...} line per figure: ours the
 * VARIANT file's rows/s, the anchor the string file's in the same JVM, the ratio VARIANT/string in rows/s (the
 * string's time over the VARIANT's: 0.5 is twice the time, the bound).
 */
public final class VariantBenchmark {

  static final String PAYLOAD = "payload";
  static final RowSchema VARIANT_SCHEMA = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .required(PAYLOAD, ColumnType.VARIANT)
      .build();
  static final RowSchema STRING_SCHEMA = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .required(PAYLOAD, ColumnType.STRING)
      .build();
  private static final long SEED = 59L;
  private static final ObjectMapper JACKSON = new ObjectMapper();

  /**
   * The three files, in the order of the printed table's columns. The shredded file is read two ways only: rebuilding
   * each variant from its shredded columns costs the same whatever is read of it next.
   */
  enum Kind {
    STRING("string.parquet", "JSON string", true),
    VARIANT("variant.parquet", "VARIANT", true),
    SHREDDED("shredded.parquet", "VARIANT shredded", false);

    final String file;
    final String label;
    final boolean everyMeasure;

    Kind(String file, String label, boolean everyMeasure) {
      this.file = file;
      this.label = label;
      this.everyMeasure = everyMeasure;
    }

    boolean measures(Measure m) {
      return everyMeasure || m == Measure.ROWS_VALUE || m == Measure.ROWS_FIELD || m == Measure.ROWS_PATH;
    }
  }

  /** What is read of each value. */
  enum Measure {
    ROWS_VALUE("rows, every value", true),
    ROWS_JSON("rows, JSON text", true),
    ROWS_FIELD("rows, one field", true),
    ROWS_PATH("rows, one field by path", true),
    BATCHES_VALUE("batches, every value", false),
    BATCHES_FIELD("batches, one field", false);

    final String label;
    final boolean rows;

    Measure(String label, boolean rows) {
      this.label = label;
      this.rows = rows;
    }
  }

  private VariantBenchmark() {}

  // ---------------------------------------------------------------- the data

  private static final String[] EVENT_TYPES = {"page_view", "click", "search", "add_to_cart", "remove_from_cart",
      "checkout", "purchase", "login", "logout", "signup", "share", "video_play", "video_pause", "scroll",
      "form_submit", "error", "push_open", "email_open", "refund", "review"};
  private static final String[] FIRST = {"Anna", "Ben", "Chloé", "David", "Emma", "Farid", "Greta", "Hiro", "Ines",
      "José", "Kai", "Lena", "Marta", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Zoë"};
  private static final String[] LAST = {"Smith", "Müller", "García", "Rossi", "Dubois", "Nowak", "Jensen", "Silva",
      "Kowalski", "Tanaka", "O'Brien", "Novák", "Andersen", "Costa", "Weber"};
  private static final String[] COUNTRIES = {"FR", "DE", "GB", "US", "ES", "IT", "NL", "PL", "SE", "JP", "BR", "IN"};
  private static final String[] CITIES = {"Paris", "Berlin", "London", "New York", "Madrid", "Milano", "Amsterdam",
      "Kraków", "Malmö", "東京", "São Paulo", "Mumbai", "Köln", "Lyon"};
  private static final String[] OS = {"iOS", "Android", "Windows", "macOS", "Linux"};
  private static final String[] BROWSERS = {"Safari", "Chrome", "Firefox", "Edge", "app"};
  private static final String[] CATEGORIES = {"books", "music", "garden", "kitchen", "toys", "shoes", "phones",
      "laptops", "sports", "beauty"};
  private static final String[] TAGS = {"promo", "returning", "mobile-first", "beta", "newsletter", "vip", "ab-test",
      "holiday", "referral", "organic"};
  private static final String[] PAGES = {"/", "/search", "/cart", "/checkout", "/account", "/product", "/help"};

  /**
   * One event payload as its producer writes it (fields in the producer's order; {@link Write} stores the variant's
   * canonical text).
   */
  static String event(SplittableRandom r) {
    StringBuilder j = new StringBuilder(1024);
    j.append("{\"event_id\":\"evt-").append(Long.toHexString(r.nextLong())).append('"');
    j.append(",\"event_type\":\"").append(pick(r, EVENT_TYPES)).append('"');
    long seconds = 1_735_689_600L + r.nextLong(31_536_000L); // during 2025
    int millis = r.nextInt(1000);
    j.append(",\"occurred_at\":\"").append(timestamp(seconds, millis)).append('"');
    j.append(",\"received_at\":\"").append(timestamp(seconds + r.nextInt(5), (millis + r.nextInt(1000)) % 1000))
        .append('"');
    String first = pick(r, FIRST);
    String last = pick(r, LAST);
    j.append(",\"user\":{\"id\":").append(1 + r.nextLong(5_000_000L))
        .append(",\"name\":\"").append(first).append(' ').append(last.replace("'", "")).append('"')
        .append(",\"email\":\"").append(first.toLowerCase(java.util.Locale.ROOT)).append('.')
        .append(r.nextInt(10_000)).append("@example.com\"")
        .append(",\"country\":\"").append(pick(r, COUNTRIES)).append('"')
        .append(",\"premium\":").append(r.nextInt(5) == 0)
        .append(",\"signup_date\":\"").append(java.time.LocalDate.ofEpochDay(17_000 + r.nextInt(3_000))).append("\"}");
    j.append(",\"session\":{\"id\":\"").append(Long.toHexString(r.nextLong())).append('"')
        .append(",\"duration_ms\":").append(r.nextInt(3_600_000))
        .append(",\"page_views\":").append(1 + r.nextInt(40))
        .append(",\"entry_page\":\"").append(pick(r, PAGES)).append("\"}");
    j.append(",\"device\":{\"os\":\"").append(pick(r, OS)).append('"')
        .append(",\"os_version\":\"").append(10 + r.nextInt(8)).append('.').append(r.nextInt(10)).append('"')
        .append(",\"browser\":\"").append(pick(r, BROWSERS)).append('"')
        .append(",\"mobile\":").append(r.nextBoolean())
        .append(",\"screen\":{\"w\":").append(360 + 8 * r.nextInt(200)).append(",\"h\":")
        .append(640 + 8 * r.nextInt(100)).append("}}");
    if (r.nextInt(5) != 0) {
      j.append(",\"geo\":{\"lat\":").append(BigDecimal.valueOf(r.nextLong(-90_000_000L, 90_000_000L), 6))
          .append(",\"lon\":").append(BigDecimal.valueOf(r.nextLong(-180_000_000L, 180_000_000L), 6))
          .append(",\"city\":\"").append(pick(r, CITIES)).append("\"}");
    }
    int items = r.nextInt(6);
    long cents = 0;
    j.append(",\"items\":[");
    for (int k = 0; k < items; k++) {
      long price = 99 + r.nextLong(50_000L);
      int qty = 1 + r.nextInt(4);
      cents += price * qty;
      j.append(k == 0 ? "" : ",").append("{\"sku\":\"SKU-").append(10_000 + r.nextInt(90_000)).append('"')
          .append(",\"qty\":").append(qty)
          .append(",\"unit_price\":").append(BigDecimal.valueOf(price, 2))
          .append(",\"category\":\"").append(pick(r, CATEGORIES)).append("\"}");
    }
    j.append(']');
    if (items > 0) {
      j.append(",\"amount\":").append(BigDecimal.valueOf(cents, 2))
          .append(",\"currency\":\"").append(r.nextInt(3) == 0 ? "USD" : "EUR").append('"');
    }
    j.append(",\"tags\":[");
    for (int k = 0, n = r.nextInt(5); k < n; k++) {
      j.append(k == 0 ? "\"" : ",\"").append(pick(r, TAGS)).append('"');
    }
    j.append(']');
    j.append(",\"score\":").append(r.nextDouble()); // a double's shortest text: Spark's parse_json makes a decimal
    j.append(",\"retries\":").append(r.nextInt(10) < 8 ? 0 : r.nextInt(4));
    j.append(",\"ok\":").append(r.nextInt(50) != 0);
    j.append(",\"referrer\":")
        .append(r.nextBoolean() ? "null" : "\"https://www.example.org/ref/" + r.nextInt(500) + "\"");
    if (r.nextInt(10) < 3) {
      j.append(",\"experiment\":{\"id\":\"exp-").append(r.nextInt(40)).append("\",\"arm\":\"")
          .append((char) ('A' + r.nextInt(3))).append("\"}");
    }
    j.append(",\"app_version\":\"5.").append(r.nextInt(20)).append('.').append(r.nextInt(10)).append("\"}");
    return j.toString();
  }

  private static String pick(SplittableRandom r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  private static String timestamp(long epochSecond, int millis) {
    return java.time.Instant.ofEpochSecond(epochSecond, millis * 1_000_000L).toString();
  }

  /**
   * What every read of the files must give: the rows, and per measure a sum over every value.
   *
   * @param rows rows in each file
   * @param fields the sum of the variants' top-level field counts ({@link Variant#size()})
   * @param chars the sum of the strings' lengths ({@link String#length()})
   * @param jsonHashes the sum of the JSON texts' {@link String#hashCode()}s
   * @param userIds the sum of every payload's {@code user.id}
   */
  record Expected(long rows, long fields, long chars, long jsonHashes, long userIds) {

    static Expected parse(String text) {
      long[] f = java.util.Arrays.stream(text.split(",")).mapToLong(Long::parseLong).toArray();
      if (f.length != 5) {
        throw new IllegalArgumentException("an expected checksum has 5 comma-separated fields, not " + f.length);
      }
      return new Expected(f[0], f[1], f[2], f[3], f[4]);
    }

    String text() {
      return rows + "," + fields + "," + chars + "," + jsonHashes + "," + userIds;
    }

    /** The sum a read of the measure over a file of the kind must give. */
    long sum(Measure m, Kind kind) {
      return switch (m) {
        case ROWS_VALUE, BATCHES_VALUE -> kind == Kind.STRING ? chars : fields;
        case ROWS_JSON -> jsonHashes;
        case ROWS_FIELD, ROWS_PATH, BATCHES_FIELD -> userIds;
      };
    }
  }

  /** What a read gave: its rows and its sum. */
  record Got(long rows, long sum) {
    void require(Expected e, Measure m, Kind kind, String who) {
      if (rows != e.rows() || sum != e.sum(m, kind)) {
        throw new IllegalStateException(who + " of the " + kind.label + " file (" + m.label + ") is incomplete or "
            + "wrong: " + rows + " rows, sum " + sum + "; expected " + e.rows() + " rows, sum " + e.sum(m, kind));
      }
    }
  }

  // ---------------------------------------------------------------- the files

  /**
   * Writes the three files into a folder and prints {@code EXPECTED|<rows,fields,chars,jsonHashes,userIds>}, what
   * every read must give. The variant of each payload is {@link Variant#fromJson} of the producer's text; the
   * string file holds its {@link Variant#toJson()}.
   */
  public static final class Write {
    private Write() {}

    /**
     * @param args rows, folder
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
      Expected e = write(Integer.parseInt(args[0]), Path.of(args[1]));
      System.out.println("EXPECTED|" + e.text());
    }

    static Expected write(int rows, Path dir) throws Exception {
      long t0 = System.nanoTime();
      long fields = 0;
      long chars = 0;
      long hashes = 0;
      long userIds = 0;
      SplittableRandom random = new SplittableRandom(SEED);
      try (RowWriter variants = ParquetRows.writer(dir.resolve(Kind.VARIANT.file), VARIANT_SCHEMA,
          WriteOptions.defaults());
          RowWriter strings = ParquetRows.writer(dir.resolve(Kind.STRING.file), STRING_SCHEMA,
              WriteOptions.defaults())) {
        for (long i = 0; i < rows; i++) {
          Variant v = Variant.fromJson(event(random));
          String json = v.toJson();
          variants.write(Row.of(VARIANT_SCHEMA, i, v));
          strings.write(Row.of(STRING_SCHEMA, i, json));
          fields += v.size();
          chars += json.length();
          hashes += json.hashCode();
          userIds += v.get("user").get("id").getLong();
        }
      }
      Expected e = new Expected(rows, fields, chars, hashes, userIds);
      System.out.printf("written by us in %.1f s: %s %,d bytes, %s %,d bytes; JSON text %.0f chars and %.1f "
              + "top-level fields a row on average%n", (System.nanoTime() - t0) / 1e9, Kind.STRING.file,
          Files.size(dir.resolve(Kind.STRING.file)), Kind.VARIANT.file, Files.size(dir.resolve(Kind.VARIANT.file)),
          (double) chars / rows, (double) fields / rows);
      Path shredded = dir.resolve(Kind.SHREDDED.file);
      try (Connection c = duckDb(); Statement s = c.createStatement()) {
        long t1 = System.nanoTime();
        s.execute("COPY (SELECT * FROM read_parquet('" + dir.resolve(Kind.VARIANT.file) + "')) TO '" + shredded
            + "' (FORMAT parquet, COMPRESSION snappy)");
        System.out.printf("written by DuckDB in %.1f s: %s %,d bytes%n", (System.nanoTime() - t1) / 1e9,
            Kind.SHREDDED.file, Files.size(shredded));
        for (Kind k : Kind.values()) {
          duckField(s, dir.resolve(k.file), k).require(e, Measure.ROWS_FIELD, k, "DuckDB's read");
        }
      }
      requireShredded(shredded);
      // the same values in DuckDB's file: the JSON text of each, read back by us
      read(shredded, Kind.SHREDDED, Measure.ROWS_JSON, Long.MAX_VALUE).require(e, Measure.ROWS_JSON, Kind.SHREDDED,
          "our read");
      return e;
    }

    /** Fails unless the footer of DuckDB's file has shredded columns; prints which fields are shredded. */
    private static void requireShredded(Path file) {
      ParquetMetadata m = ParquetRows.metadata(file);
      TreeSet<String> shredded = new TreeSet<>();
      boolean residual = false;
      for (ParquetMetadata.LeafColumn c : m.columns()) {
        List<String> p = c.path();
        if (p.size() > 2 && p.get(0).equals(PAYLOAD) && p.get(1).equals("typed_value")) {
          shredded.add(p.get(2));
        }
        residual |= p.equals(List.of(PAYLOAD, "value"));
      }
      if (shredded.isEmpty()) {
        throw new IllegalStateException("DuckDB did not shred " + PAYLOAD + ": its footer has no typed_value column");
      }
      System.out.printf("footer of %s: %d leaf columns, %d row groups, %s shredded into typed_value: %s%s%n",
          file.getFileName(), m.columns().size(), m.rowGroups().size(), PAYLOAD, shredded,
          residual ? " (plus a payload.value for what is not)" : "");
    }
  }

  // ---------------------------------------------------------------- the reads

  /**
   * Reads the file's first {@code limit} rows (all of them: {@code Long.MAX_VALUE}) as the measure says.
   *
   * @return the rows read and the measure's sum over them
   */
  static Got read(Path file, Kind kind, Measure m, long limit) throws Exception {
    if (m.rows) {
      return kind == Kind.STRING ? stringRows(file, m, limit) : variantRows(file, m, limit);
    }
    return kind == Kind.STRING ? stringBatches(file, m, limit) : variantBatches(file, m, limit);
  }

  static Got stringRows(Path file, Measure m, long limit) throws Exception {
    long rows = 0;
    long sum = 0;
    try (RowReader reader = ParquetRows.read(file)) {
      while (rows < limit && reader.hasNext()) {
        String s = reader.next().getString(PAYLOAD);
        sum += switch (m) {
          case ROWS_VALUE -> s.length();
          case ROWS_JSON -> s.hashCode();
          default -> JACKSON.readTree(s).get("user").get("id").asLong();
        };
        rows++;
      }
    }
    return new Got(rows, sum);
  }

  static Got variantRows(Path file, Measure m, long limit) {
    long rows = 0;
    long sum = 0;
    ReadOptions options = m == Measure.ROWS_PATH ? ReadOptions.defaults().readingVariantPath(PAYLOAD, "user", "id")
        : ReadOptions.defaults();
    try (RowReader reader = ParquetRows.read(file, options)) {
      while (rows < limit && reader.hasNext()) {
        Variant v = reader.next().getVariant(PAYLOAD);
        sum += switch (m) {
          case ROWS_VALUE -> v.size();
          case ROWS_JSON -> v.toJson().hashCode();
          case ROWS_PATH -> v.getLong();
          default -> v.get("user").get("id").getLong();
        };
        rows++;
      }
    }
    return new Got(rows, sum);
  }

  static Got stringBatches(Path file, Measure m, long limit) throws Exception {
    long rows = 0;
    long sum = 0;
    try (ColumnBatchReader reader = ParquetRows.readBatches(file)) {
      for (ColumnBatch b = reader.next(); b != null && rows < limit; b = reader.next()) {
        ColumnVector c = b.column(PAYLOAD);
        int n = b.rowCount();
        if (m == Measure.BATCHES_VALUE) {
          for (int i = 0; i < n; i++) {
            sum += c.getString(i).length();
          }
        } else { // Jackson parses the UTF-8 bytes in place: no String made
          byte[] data = c.data();
          int[] offsets = c.offsets();
          for (int i = 0; i < n; i++) {
            sum += JACKSON.readTree(data, offsets[i], offsets[i + 1] - offsets[i]).get("user").get("id").asLong();
          }
        }
        rows += n;
      }
    }
    return new Got(rows, sum);
  }

  static Got variantBatches(Path file, Measure m, long limit) {
    long rows = 0;
    long sum = 0;
    try (ColumnBatchReader reader = ParquetRows.readBatches(file)) {
      for (ColumnBatch b = reader.next(); b != null && rows < limit; b = reader.next()) {
        ColumnVector c = b.column(PAYLOAD);
        int n = b.rowCount();
        for (int i = 0; i < n; i++) {
          Variant v = (Variant) c.get(i);
          sum += m == Measure.BATCHES_VALUE ? v.size() : v.get("user").get("id").getLong();
        }
        rows += n;
      }
    }
    return new Got(rows, sum);
  }

  static Connection duckDb() throws Exception {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    return DriverManager.getConnection("jdbc:duckdb:", p);
  }

  /** DuckDB's read of every row's {@code user.id}: JSON extraction from the string, a field of the variant. */
  static Got duckField(Statement s, Path file, Kind kind) throws Exception {
    String field = kind == Kind.STRING ? "CAST(json_extract(" + PAYLOAD + ", '$.user.id') AS BIGINT)"
        : "CAST(" + PAYLOAD + ".user.id AS BIGINT)";
    try (ResultSet rs = s.executeQuery("SELECT count(*), sum(" + field + ") FROM read_parquet('" + file + "')")) {
      rs.next();
      return new Got(rs.getLong(1), rs.getLong(2));
    }
  }

  // ---------------------------------------------------------------- the run

  /**
   * @param args rows (default 1,000,000), rounds (default 3), and optionally the expected checksum and the folder of
   *     the files {@link Write} wrote
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    boolean given = args.length > 3;
    Path dir = given ? Path.of(args[3]) : Files.createTempDirectory("variant-bench");
    Expected expected = given ? Expected.parse(args[2]) : Write.write(rows, dir);
    if (expected.rows() != rows) {
      throw new IllegalArgumentException("the files hold " + expected.rows() + " rows, not " + rows);
    }
    Kind[] kinds = Kind.values();
    Kind[] duckKinds = {Kind.STRING, Kind.SHREDDED};
    Measure[] measures = Measure.values();
    double[][] best = new double[measures.length][kinds.length];
    double[][] bestCpu = new double[measures.length][kinds.length];
    double[] duck = new double[kinds.length];
    for (int m = 0; m < measures.length; m++) {
      java.util.Arrays.fill(best[m], Double.NaN);
      java.util.Arrays.fill(bestCpu[m], Double.NaN);
    }
    java.util.Arrays.fill(duck, Double.NaN);
    try (Connection c = duckDb(); Statement s = c.createStatement()) {
      s.execute("SET threads TO 1");
      // warm-up: every read of the rounds over the files' first fifth (the JIT, the page cache), not counted
      long w0 = System.nanoTime();
      for (Measure m : measures) {
        for (Kind k : kinds) {
          if (k.measures(m)) {
            read(dir.resolve(k.file), k, m, Math.max(1, rows / 5));
          }
        }
      }
      System.out.printf("warm-up (a fifth of the rows): %.1f s%n", (System.nanoTime() - w0) / 1e9);
      for (int round = 1; round <= rounds; round++) {
        long r0 = System.nanoTime();
        for (Measure m : measures) {
          for (Kind k : kinds) {
            if (!k.measures(m)) {
              continue;
            }
            long cpu = ProcessCpu.nanos();
            long t0 = System.nanoTime();
            Got got = read(dir.resolve(k.file), k, m, Long.MAX_VALUE);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuSeconds = (ProcessCpu.nanos() - cpu) / 1e9;
            got.require(expected, m, k, "our read");
            best[m.ordinal()][k.ordinal()] = least(best[m.ordinal()][k.ordinal()], seconds);
            bestCpu[m.ordinal()][k.ordinal()] = least(bestCpu[m.ordinal()][k.ordinal()], cpuSeconds);
          }
        }
        for (Kind k : duckKinds) {
          long t0 = System.nanoTime();
          Got got = duckField(s, dir.resolve(k.file), k);
          double seconds = (System.nanoTime() - t0) / 1e9;
          got.require(expected, Measure.ROWS_FIELD, k, "DuckDB's read");
          duck[k.ordinal()] = least(duck[k.ordinal()], seconds);
        }
        System.out.printf("round %d of %d: %.1f s%n", round, rounds, (System.nanoTime() - r0) / 1e9);
      }
    }

    System.out.printf("rows: %,d event payloads (%.0f chars of JSON, %.1f top-level fields a row on average); "
            + "best of %d rounds, every read checked; %s %s%n", rows, (double) expected.chars() / rows,
        (double) expected.fields() / rows, rounds, System.getProperty("java.vm.name"), Runtime.version());
    System.out.printf("files: %s %,d bytes, %s %,d bytes, %s %,d bytes%n", Kind.STRING.file,
        Files.size(dir.resolve(Kind.STRING.file)), Kind.VARIANT.file, Files.size(dir.resolve(Kind.VARIANT.file)),
        Kind.SHREDDED.file, Files.size(dir.resolve(Kind.SHREDDED.file)));
    System.out.printf("time, least of the rounds (process CPU a row): %s; then x the %s time%n",
        java.util.Arrays.stream(kinds).map(k -> k.label).collect(java.util.stream.Collectors.joining(", ")),
        Kind.STRING.label);
    for (Measure m : measures) {
      StringBuilder line = new StringBuilder(String.format("  %-24s", m.label));
      for (Kind k : kinds) {
        double t = best[m.ordinal()][k.ordinal()];
        if (Double.isNaN(t)) {
          line.append(String.format("  %-28s", "-"));
        } else if (k == Kind.STRING) {
          line.append(String.format("  %7.3f s (%5.0f ns)%8s", t, bestCpu[m.ordinal()][k.ordinal()] * 1e9 / rows, ""));
        } else {
          line.append(String.format("  %7.3f s %6.2fx (%5.0f ns)", t, t / best[m.ordinal()][0],
              bestCpu[m.ordinal()][k.ordinal()] * 1e9 / rows));
        }
      }
      System.out.println(line.toString().stripTrailing());
    }
    System.out.printf("  %-24s  %7.3f s%19s  %-28s  %7.3f s %6.2fx%n", "DuckDB 1 thr, one field", duck[0], "", "-",
        duck[2], duck[2] / duck[0]);
    for (Measure m : measures) {
      double[] t = best[m.ordinal()];
      String goal = m == Measure.ROWS_VALUE ? ">= 0.5" : "";
      for (Kind k : new Kind[] {Kind.VARIANT, Kind.SHREDDED}) {
        if (k.measures(m)) {
          result(k.label + " " + m.label, rows / t[k.ordinal()], Kind.STRING.label, rows / t[0], goal);
        }
      }
    }
    result(Kind.SHREDDED.label + " rows, one field", rows / best[Measure.ROWS_FIELD.ordinal()][Kind.SHREDDED.ordinal()],
        "DuckDB 1 thr", rows / duck[Kind.SHREDDED.ordinal()], "");
    result(Kind.SHREDDED.label + " rows, one field by path",
        rows / best[Measure.ROWS_PATH.ordinal()][Kind.SHREDDED.ordinal()], "DuckDB 1 thr",
        rows / duck[Kind.SHREDDED.ordinal()], "");
    if (!given) {
      for (Kind k : kinds) {
        Files.deleteIfExists(dir.resolve(k.file));
      }
      Files.deleteIfExists(dir);
    }
  }

  private static double least(double sofar, double seconds) {
    return Double.isNaN(sofar) ? seconds : Math.min(sofar, seconds);
  }

  private static void result(String what, double ours, String anchor, double theirs, String goal) {
    System.out.printf("RESULT|%s|%.0f rows/s|%s|%.0f rows/s|%.2f|%s%n", what, ours, anchor, theirs, ours / theirs,
        goal);
  }
}
