package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.core.internal.JsonSupport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.core.storage.ObjectStore;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Currency;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingestion zone to processed zone: every ingestion object not yet processed becomes star-schema rows.
 * Dimensions carry the latest version of each key (and every row whose joined reference changed);
 * facts carry one row per source version; rows with unparseable text dates go to the rejects.
 *
 * <p>Rows stream from the ingestion objects to the processed objects (spooled to local files, published
 * when the whole transform has succeeded, so a failure publishes nothing): memory holds the reference
 * tables the dimensions join ({@code address}, {@code department}, {@code staff}, {@code counterparty}),
 * and the versions of this run's changes only when several unprocessed objects of one table must be
 * merged; never a whole fact or dimension table.
 */
public final class Transformer {

  /** The processed zone's manifest: ingestion objects already transformed and the dim_date range. */
  public static final String MANIFEST_KEY = "_state/transform-manifest.json";

  private static final Logger log = LoggerFactory.getLogger(Transformer.class);
  private static final ObjectMapper JSON = JsonSupport.MAPPER;
  private static final DateTimeFormatter TEXT_DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
  private static final RowSchema REJECT_SCHEMA = RowSchema.builder()
      .required("source_table", ColumnType.STRING)
      .required("source_id", ColumnType.INT)
      .required("last_updated", ColumnType.TIMESTAMP)
      .required("reason", ColumnType.STRING)
      .required("source_row", ColumnType.STRING)
      .build();

  private final ObjectStore ingestion;
  private final ObjectStore processed;
  private final LakeKeys keys;
  private final LakeFiles files;
  private final ProgressListener listener;

  /**
   * @param ingestion the ingestion zone, read
   * @param processed the processed zone, written
   * @param keys names the run's objects
   * @param files how the objects are written and read (in clear or encrypted)
   * @param listener progress
   */
  public Transformer(ObjectStore ingestion, ObjectStore processed, LakeKeys keys, LakeFiles files,
      ProgressListener listener) {
    this.files = files;
    this.ingestion = ingestion;
    this.processed = processed;
    this.keys = keys;
    this.listener = listener;
  }

  /** What the transform has done so far, as stored. */
  record Manifest(@Nullable List<String> processed, @Nullable String dateMin, @Nullable String dateMax) {}

  /**
   * Transforms every unprocessed ingestion object.
   *
   * @param stats where counts go
   */
  public void run(RunStats stats) {
    Manifest manifest = readManifest();
    Set<String> done = new HashSet<>(manifest.processed() == null ? List.of() : manifest.processed());
    Map<SourceTable, List<String>> all = new EnumMap<>(SourceTable.class);
    Map<SourceTable, List<String>> fresh = new EnumMap<>(SourceTable.class);
    for (SourceTable t : SourceTable.values()) {
      List<String> objects;
      try (var keys = ingestion.list(t.tableName() + "/")) {
        objects = keys.filter(k -> k.endsWith(".parquet")).sorted().toList();
      }
      all.put(t, objects);
      fresh.put(t, objects.stream().filter(k -> !done.contains(k)).toList());
    }
    if (fresh.values().stream().allMatch(List::isEmpty)) {
      log.info("transform: no new ingestion objects");
      return;
    }
    listener.onStart("transform");
    Instant runTime = keys.nextRunTime();
    Map<WarehouseTable, Output> out = new EnumMap<>(WarehouseTable.class);
    for (WarehouseTable t : WarehouseTable.values()) {
      out.put(t, new Output(t.tableName(), t.schema(), runTime));
    }
    Map<SourceTable, Output> rejects = new EnumMap<>(SourceTable.class);
    DateRange days;
    try {
      days = transform(all, fresh, manifest, runTime, out, rejects);
      for (Map.Entry<WarehouseTable, Output> e : out.entrySet()) {
        long rows = e.getValue().publish(stats);
        if (rows > 0) {
          RunStats.add(stats.rowsTransformed, e.getKey().tableName(), rows);
        }
      }
      for (Map.Entry<SourceTable, Output> e : rejects.entrySet()) {
        long rows = e.getValue().publish(stats);
        RunStats.add(stats.rejects, e.getKey().tableName(), rows);
        log.warn("{} rows of {} rejected, see {} in {}", rows, e.getKey().tableName(), e.getValue().key,
            processed.describe());
      }
    } catch (RuntimeException e) {
      out.values().forEach(Output::abort);
      rejects.values().forEach(Output::abort);
      throw e;
    }
    Set<String> nowDone = new TreeSet<>(done);
    fresh.values().forEach(nowDone::addAll);
    writeManifest(new Manifest(new ArrayList<>(nowDone), days.min == null ? null : days.min.toString(),
        days.max == null ? null : days.max.toString()));
    listener.onSuccess("transform", stats.rowsTransformed.values().stream().mapToLong(Long::longValue).sum()
        + " rows transformed");
  }

  /**
   * Writes every star-schema row of the fresh objects to {@code out} (rejected source rows to {@code
   * rejects}) as it is made; nothing is published here.
   *
   * @return the dim_date range after this run
   */
  private DateRange transform(Map<SourceTable, List<String>> all, Map<SourceTable, List<String>> fresh,
      Manifest manifest, Instant runTime, Map<WarehouseTable, Output> out, Map<SourceTable, Output> rejects) {
    // reference tables: the current version of every key, and the keys that changed in this batch
    Map<Integer, Row> addresses = latest(present(all, SourceTable.ADDRESS), SourceTable.ADDRESS);
    Map<Integer, Row> departments = latest(present(all, SourceTable.DEPARTMENT), SourceTable.DEPARTMENT);
    Map<Integer, Row> staff = latest(present(all, SourceTable.STAFF), SourceTable.STAFF);
    Map<Integer, Row> counterparties = latest(present(all, SourceTable.COUNTERPARTY), SourceTable.COUNTERPARTY);
    Set<Integer> changedAddresses = latest(present(fresh, SourceTable.ADDRESS), SourceTable.ADDRESS).keySet();
    Set<Integer> changedDepartments = latest(present(fresh, SourceTable.DEPARTMENT), SourceTable.DEPARTMENT).keySet();
    Set<Integer> changedStaff = latest(present(fresh, SourceTable.STAFF), SourceTable.STAFF).keySet();
    Set<Integer> changedCounterparties = latest(present(fresh, SourceTable.COUNTERPARTY), SourceTable.COUNTERPARTY).keySet();

    Output locations = present(out, WarehouseTable.DIM_LOCATION);
    for (Integer id : new TreeSet<>(changedAddresses)) {
      Row a = present(addresses, id); // a fresh key is among all keys
      locations.add(Row.of(WarehouseTable.DIM_LOCATION.schema(), a.getInt("address_id"), a.getString("address_line_1"),
          a.getString("address_line_2"), a.getString("district"), a.getString("city"), a.getString("postal_code"),
          a.getString("country"), a.getString("phone")));
    }
    Output staffRows = present(out, WarehouseTable.DIM_STAFF);
    for (Row s : staff.values()) {
      if (changedStaff.contains(s.getInt("staff_id")) || changedDepartments.contains(s.getInt("department_id"))) {
        Row d = departments.get(s.getInt("department_id"));
        if (d == null) {
          throw new DataFormatException("staff " + s.getInt("staff_id") + " references department "
              + s.getInt("department_id") + ", which the ingestion zone does not hold");
        }
        staffRows.add(Row.of(WarehouseTable.DIM_STAFF.schema(), s.getInt("staff_id"), s.getString("first_name"),
            s.getString("last_name"), d.getString("department_name"), d.getString("location"),
            s.getString("email_address")));
      }
    }
    Output counterpartyRows = present(out, WarehouseTable.DIM_COUNTERPARTY);
    for (Row c : counterparties.values()) {
      if (changedCounterparties.contains(c.getInt("counterparty_id"))
          || changedAddresses.contains(c.getInt("legal_address_id"))) {
        Row a = addresses.get(c.getInt("legal_address_id"));
        if (a == null) {
          throw new DataFormatException("counterparty " + c.getInt("counterparty_id") + " references address "
              + c.getInt("legal_address_id") + ", which the ingestion zone does not hold");
        }
        counterpartyRows.add(Row.of(WarehouseTable.DIM_COUNTERPARTY.schema(), c.getInt("counterparty_id"),
            c.getString("counterparty_legal_name"), a.getString("address_line_1"), a.getString("address_line_2"),
            a.getString("district"), a.getString("city"), a.getString("postal_code"), a.getString("country"),
            a.getString("phone")));
      }
    }
    Output currencies = present(out, WarehouseTable.DIM_CURRENCY);
    latestEach(present(fresh, SourceTable.CURRENCY), SourceTable.CURRENCY, c -> currencies.add(
        Row.of(WarehouseTable.DIM_CURRENCY.schema(), c.getInt("currency_id"), c.getString("currency_code"),
            currencyName(c.getString("currency_code")))));
    Output designs = present(out, WarehouseTable.DIM_DESIGN);
    latestEach(present(fresh, SourceTable.DESIGN), SourceTable.DESIGN, d -> designs.add(
        Row.of(WarehouseTable.DIM_DESIGN.schema(), d.getInt("design_id"), d.getString("design_name"),
            d.getString("file_location"), d.getString("file_name"))));
    Output paymentTypes = present(out, WarehouseTable.DIM_PAYMENT_TYPE);
    latestEach(present(fresh, SourceTable.PAYMENT_TYPE), SourceTable.PAYMENT_TYPE, p -> paymentTypes.add(
        Row.of(WarehouseTable.DIM_PAYMENT_TYPE.schema(), p.getInt("payment_type_id"), p.getString("payment_type_name"))));
    Output transactions = present(out, WarehouseTable.DIM_TRANSACTION);
    latestEach(present(fresh, SourceTable.TRANSACTION), SourceTable.TRANSACTION, t -> transactions.add(
        Row.of(WarehouseTable.DIM_TRANSACTION.schema(), t.getInt("transaction_id"), t.getString("transaction_type"),
            t.get("sales_order_id"), t.get("purchase_order_id")))); // nullable: one of the two is null

    // facts: one row per source version
    DateRange dates = new DateRange();
    Output sales = present(out, WarehouseTable.FACT_SALES_ORDER);
    versions(present(fresh, SourceTable.SALES_ORDER), SourceTable.SALES_ORDER, s -> {
      try {
        LocalDate payment = textDate(s, "agreed_payment_date");
        LocalDate delivery = textDate(s, "agreed_delivery_date");
        LocalDateTime created = local(timestamp(s, "created_at"));
        LocalDateTime updated = local(timestamp(s, "last_updated"));
        sales.add(Row.of(WarehouseTable.FACT_SALES_ORDER.schema(), s.getInt("sales_order_id"),
            created.toLocalDate(), millis(created), updated.toLocalDate(), millis(updated), s.getInt("staff_id"),
            s.getInt("counterparty_id"), s.getInt("units_sold"), s.getDecimal("unit_price"), s.getInt("currency_id"),
            s.getInt("design_id"), payment, delivery, s.getInt("agreed_delivery_location_id")));
        dates.add(created.toLocalDate(), updated.toLocalDate(), payment, delivery);
      } catch (RejectedRow r) {
        rejectOutput(rejects, SourceTable.SALES_ORDER, runTime).add(reject(SourceTable.SALES_ORDER, s, r));
      }
    });
    Output purchases = present(out, WarehouseTable.FACT_PURCHASE_ORDER);
    versions(present(fresh, SourceTable.PURCHASE_ORDER), SourceTable.PURCHASE_ORDER, p -> {
      try {
        LocalDate delivery = textDate(p, "agreed_delivery_date");
        LocalDate payment = textDate(p, "agreed_payment_date");
        LocalDateTime created = local(timestamp(p, "created_at"));
        LocalDateTime updated = local(timestamp(p, "last_updated"));
        purchases.add(Row.of(WarehouseTable.FACT_PURCHASE_ORDER.schema(), p.getInt("purchase_order_id"),
            created.toLocalDate(), millis(created), updated.toLocalDate(), millis(updated), p.getInt("staff_id"),
            p.getInt("counterparty_id"), p.getString("item_code"), p.getInt("item_quantity"),
            p.getDecimal("item_unit_price"), p.getInt("currency_id"), delivery, payment,
            p.getInt("agreed_delivery_location_id")));
        dates.add(created.toLocalDate(), updated.toLocalDate(), payment, delivery);
      } catch (RejectedRow r) {
        rejectOutput(rejects, SourceTable.PURCHASE_ORDER, runTime).add(reject(SourceTable.PURCHASE_ORDER, p, r));
      }
    });
    Output payments = present(out, WarehouseTable.FACT_PAYMENT);
    versions(present(fresh, SourceTable.PAYMENT), SourceTable.PAYMENT, p -> {
      try {
        LocalDate paymentDate = textDate(p, "payment_date");
        LocalDateTime created = local(timestamp(p, "created_at"));
        LocalDateTime updated = local(timestamp(p, "last_updated"));
        payments.add(Row.of(WarehouseTable.FACT_PAYMENT.schema(), p.getInt("payment_id"), created.toLocalDate(),
            millis(created), updated.toLocalDate(), millis(updated), p.getInt("transaction_id"),
            p.getInt("counterparty_id"), p.getDecimal("payment_amount"), p.getInt("currency_id"),
            p.getInt("payment_type_id"), p.getBoolean("paid"), paymentDate));
        dates.add(created.toLocalDate(), updated.toLocalDate(), paymentDate);
      } catch (RejectedRow r) {
        rejectOutput(rejects, SourceTable.PAYMENT, runTime).add(reject(SourceTable.PAYMENT, p, r));
      }
    });

    LocalDate oldMin = manifest.dateMin() == null ? null : LocalDate.parse(manifest.dateMin());
    LocalDate oldMax = manifest.dateMax() == null ? null : LocalDate.parse(manifest.dateMax());
    LocalDate newMin = dates.min == null ? oldMin : oldMin == null || dates.min.isBefore(oldMin) ? dates.min : oldMin;
    LocalDate newMax = dates.max == null ? oldMax : oldMax == null || dates.max.isAfter(oldMax) ? dates.max : oldMax;
    Output days = present(out, WarehouseTable.DIM_DATE);
    DateRange range = new DateRange();
    if (newMin != null) {
      LocalDate last = Objects.requireNonNull(newMax, "a date range has both ends");
      range.add(newMin, last);
      for (LocalDate d = newMin; !d.isAfter(last); d = d.plusDays(1)) {
        if (oldMin == null || d.isBefore(oldMin) || d.isAfter(oldMax)) {
          days.add(dateRow(d));
        }
      }
    }
    return range;
  }

  private Output rejectOutput(Map<SourceTable, Output> rejects, SourceTable table, Instant runTime) {
    return rejects.computeIfAbsent(table, t -> new Output("_rejects/" + t.tableName(), REJECT_SCHEMA, runTime));
  }

  /**
   * One processed object, written row by row as rows are made (Parquet spools to a local file; only the
   * current row group is in memory), and published only when the whole transform has succeeded. A table
   * that gets no row gets no object.
   */
  private final class Output {
    final String key;
    final RowSchema schema;
    private @Nullable RowWriter writer;
    private long rows;

    Output(String folder, RowSchema schema, Instant runTime) {
      this.key = LakeKeys.key(folder, runTime);
      this.schema = schema;
    }

    void add(Row row) {
      if (writer == null) {
        writer = ParquetRows.writer(processed, key, schema, files.write());
      }
      writer.write(row);
      rows++;
    }

    /** Publishes the object, if it has rows, and returns how many. */
    long publish(RunStats stats) {
      if (writer != null) {
        writer.close();
        writer = null;
        stats.objectWritten();
      }
      return rows;
    }

    void abort() {
      if (writer != null) {
        writer.abort();
        writer = null;
      }
    }
  }

  /** A source row that cannot become a warehouse row. */
  private static final class RejectedRow extends Exception {
    private static final long serialVersionUID = 1L;

    RejectedRow(String reason) {
      super(reason, null, false, false);
    }
  }

  private static LocalDate textDate(Row row, String column) throws RejectedRow {
    String text = Objects.requireNonNull(row.getString(column), column);
    try {
      return LocalDate.parse(text, TEXT_DATE);
    } catch (DateTimeParseException e) {
      throw new RejectedRow(column + " '" + text + "' is not a yyyy-MM-dd date");
    }
  }

  private static Row reject(SourceTable table, Row row, RejectedRow reason) {
    return Row.of(REJECT_SCHEMA, table.tableName(), row.getInt(table.primaryKey()),
        row.getTimestamp(SourceTable.LAST_UPDATED), reason.getMessage(), row.toString());
  }

  /** A column the source table's schema makes required. */
  private static Instant timestamp(Row row, String column) {
    return Objects.requireNonNull(row.getTimestamp(column), column);
  }

  /** The entry every run puts in its map for each table. */
  private static <K, V> V present(Map<K, V> map, K key) {
    return Objects.requireNonNull(map.get(key), () -> "no entry for " + key);
  }

  private static LocalDateTime local(Instant stored) {
    return LocalDateTime.ofInstant(stored, ZoneOffset.UTC);
  }

  private static LocalTime millis(LocalDateTime t) {
    return t.toLocalTime().truncatedTo(ChronoUnit.MILLIS);
  }

  private static Row dateRow(LocalDate d) {
    return Row.of(WarehouseTable.DIM_DATE.schema(), d, d.getYear(), d.getMonthValue(), d.getDayOfMonth(),
        d.getDayOfWeek().getValue(), d.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH),
        d.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH), (d.getMonthValue() - 1) / 3 + 1);
  }

  static @Nullable String currencyName(@Nullable String code) {
    try {
      return Currency.getInstance(code).getDisplayName(Locale.ENGLISH);
    } catch (IllegalArgumentException | NullPointerException e) {
      log.warn("unknown currency code '{}': its name in dim_currency is the code itself", code);
      return code;
    }
  }

  /** The earliest and latest date referenced by the facts of this batch. */
  private static final class DateRange {
    @Nullable LocalDate min;
    @Nullable LocalDate max;

    void add(LocalDate... dates) {
      for (LocalDate d : dates) {
        if (min == null || d.isBefore(min)) {
          min = d;
        }
        if (max == null || d.isAfter(max)) {
          max = d;
        }
      }
    }
  }

  /** The latest version of each key across the objects, in object order; ties go to the later object. */
  private Map<Integer, Row> latest(List<String> objects, SourceTable table) {
    Map<Integer, Row> result = new TreeMap<>();
    for (String key : objects) {
      try (RowReader reader = ParquetRows.read(ingestion, key, table.schema(), files.read())) {
        reader.forEachRemaining(row -> result.merge(row.getInt(table.primaryKey()), row,
            (old, now) -> timestamp(now, SourceTable.LAST_UPDATED).isBefore(timestamp(old, SourceTable.LAST_UPDATED))
                ? old : now));
      }
    }
    return result;
  }

  /**
   * The latest version of each key across the objects, as {@link #latest} gives them. One object is
   * streamed as it is, in its own order: it holds each key once (the extract writes one query over a table
   * with a primary key per object), so every row is its key's latest. Several are merged in memory, in key
   * order; they are the changes since the last transform.
   */
  private void latestEach(List<String> objects, SourceTable table, Consumer<Row> each) {
    if (objects.size() == 1) {
      try (RowReader reader = ParquetRows.read(ingestion, objects.get(0), table.schema(), files.read())) {
        reader.forEachRemaining(each);
      }
      return;
    }
    latest(objects, table).values().forEach(each);
  }

  /**
   * Every distinct version (key, last_updated) across the objects, each once, streamed. One object needs
   * no memory of what it has seen (it holds each key once); several remember the versions seen so far.
   */
  private void versions(List<String> objects, SourceTable table, Consumer<Row> each) {
    if (objects.size() == 1) {
      try (RowReader reader = ParquetRows.read(ingestion, objects.get(0), table.schema(), files.read())) {
        reader.forEachRemaining(each);
      }
      return;
    }
    Set<String> seen = new HashSet<>();
    for (String key : objects) {
      try (RowReader reader = ParquetRows.read(ingestion, key, table.schema(), files.read())) {
        reader.forEachRemaining(row -> {
          if (seen.add(row.getInt(table.primaryKey()) + "@" + row.getTimestamp(SourceTable.LAST_UPDATED))) {
            each.accept(row);
          }
        });
      }
    }
  }

  private Manifest readManifest() {
    if (!processed.exists(MANIFEST_KEY)) {
      return new Manifest(List.of(), null, null);
    }
    try {
      return JSON.readValue(processed.getBytes(MANIFEST_KEY), Manifest.class);
    } catch (IOException e) {
      throw new DataFormatException("the transform manifest " + MANIFEST_KEY + " in " + processed.describe()
          + " is not readable (" + e.getMessage() + ")", e);
    }
  }

  private void writeManifest(Manifest manifest) {
    try {
      processed.put(MANIFEST_KEY, JSON.writeValueAsBytes(manifest));
    } catch (JsonProcessingException e) {
      throw new DelphaException("cannot serialise the transform manifest", e);
    }
  }
}
