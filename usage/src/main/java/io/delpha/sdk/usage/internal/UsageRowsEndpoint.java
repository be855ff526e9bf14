package io.delpha.sdk.usage.internal;

import io.delpha.sdk.parquet.internal.engines.DuckDbSql;
import com.fasterxml.jackson.core.JsonGenerator;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.server.HttpException;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.server.Exchange;
import io.delpha.sdk.server.HttpService.Route;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.sharing.QueryOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows route, {@link #PATH}: the caller's organisation's rows of the usage table in a range
 * of days, as JSON. With the shared cache ({@link UsageCache}) they are read from its database, the organisation and
 * the range as bound parameters, so no request downloads what the cache holds; without it (or for a table with
 * columns the cache does not read back exactly: times, binary, nested types) through the sharing client with the
 * organisation and range as the filter, applied to every row whatever the sharing server does with the hint. Both
 * keep the same rows: the organisation equal, the date column between the bounds in its own type. An organisation an
 * admin names that has no key and no rows is 404: before the read when the server has a cache, else when the read
 * finds no row.
 */
public final class UsageRowsEndpoint {

  /** The path of the rows route. */
  public static final String PATH = "/api/v1/usage";

  private static final Logger LOG = LoggerFactory.getLogger(UsageRowsEndpoint.class);

  private final UsageAuth auth;
  private final UsageTable table;
  private final UsageOrganisations organisations;
  private final @Nullable UsageCache cache;
  private final int maxRows;

  /**
   * @param auth authenticates the requests
   * @param table the usage table
   * @param organisations tells which organisations hold a key
   * @param cache the shared cache the rows are read from, {@code null} to read them through the client (then an
   *     admin's organisation with no key is 404 when the read finds no row in the range)
   * @param maxRows the most rows one answer holds; more is a 413
   */
  public UsageRowsEndpoint(UsageAuth auth, UsageTable table, UsageOrganisations organisations,
      @Nullable UsageCache cache, int maxRows) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.table = Objects.requireNonNull(table, "table");
    this.organisations = Objects.requireNonNull(organisations, "organisations");
    this.cache = cache;
    this.maxRows = maxRows;
  }

  /** @return the route */
  public Route route() {
    return new Route("GET", PATH, this::handle);
  }

  private void handle(Exchange exchange) throws IOException {
    KeyPrincipal caller = auth.authenticate(exchange);
    int status = usage(exchange, caller);
    LOG.info("GET {} key={} -> {}", PATH, caller.keyId(), status);
  }

  private int usage(Exchange exchange, KeyPrincipal caller) throws IOException {
    UsageRequest r = UsageRequest.of(exchange, caller, 0);
    boolean keyed = !caller.isAdmin() || organisations.hasKey(r.organisation());
    UsageCache c = cache;
    if (!keyed && c != null && !c.hasRows(r.organisation())) {
      throw UsageOrganisations.unknown(); // before the read
    }
    Answer answer;
    try {
      RowSchema schema = table.schema();
      String selection = c == null ? null : cacheSelection(schema);
      Optional<List<Row>> cached = c != null && selection != null ? cachedRows(c, r, schema, selection)
          : Optional.empty();
      answer = cached.isPresent() ? new Answer(schema, cached.get()) : clientRows(r);
    } catch (DelphaException e) {
      throw table.unreadable(e);
    }
    if (!keyed && c == null && answer.rows().isEmpty()) { // no cache: the read is what tells
      throw UsageOrganisations.unknown();
    }
    exchange.respond(200, body(r, answer.schema(), answer.rows()));
    return 200;
  }

  /** The rows of an answer, in the schema they were read with. */
  private record Answer(RowSchema schema, List<Row> rows) {}

  /**
   * The rows through the sharing client, the organisation and range as its filter. The reader streams (a few files
   * ahead): the read stops at the first row past {@code maxRows}, and closing the reader stops the downloads. No
   * {@code limitHint} is sent: a server that applied it without the filter could leave out files holding the
   * organisation's rows, and a short answer would pass for a whole one.
   *
   * @throws HttpException 413 {@code too_many_rows} when the range holds more than {@code maxRows} rows
   */
  private Answer clientRows(UsageRequest r) {
    String dateColumn = table.dateColumn();
    List<Row> rows = new ArrayList<>();
    try (RowReader reader = table.client().readTable(table.table(), QueryOptions.builder().filter(Filter.and(
        Filter.eq(table.organisationColumn(), r.organisation()), Filter.ge(dateColumn, bound(r.from())),
        Filter.le(dateColumn, bound(r.to())))).build())) {
      while (reader.hasNext()) {
        if (rows.size() == maxRows) {
          throw tooMany();
        }
        rows.add(reader.next());
      }
      return new Answer(reader.schema(), rows);
    }
  }

  /**
   * The answer for a range holding more than {@code maxRows} rows, thrown as soon as row {@code maxRows + 1} is seen:
   * nothing is sent of the rows read so far. {@code usage}'s and {@link UsageCache#query}'s mapping of read failures
   * ({@link UsageTable#unreadable}) passes it through as it is.
   */
  private HttpException tooMany() {
    return new HttpException(413, "too_many_rows", "more than " + maxRows
        + " rows in the range (the server's maxRows limit); ask for a shorter date range");
  }

  /**
   * The columns as the cache's database gives them back exactly ({@link DuckDbSql#exactSelect}), or {@code null} when
   * a column's type is not read back exactly from it (then the client reads).
   */
  private static @Nullable String cacheSelection(RowSchema schema) {
    StringJoiner selection = new StringJoiner(", ");
    for (int i = 0; i < schema.size(); i++) {
      String column = DuckDbSql.exactSelect(schema.column(i).type(), DuckDbSql.identifier(schema.column(i).name()));
      if (column == null) {
        return null;
      }
      selection.add(column);
    }
    return selection.toString();
  }

  /**
   * The rows from the shared cache, the same filter as the client's (the organisation equal, the date column
   * between the bounds in its own type), every value bound as a parameter, at most {@code maxRows + 1} of them
   * ({@code LIMIT}); empty when the cached version lacks a column of the schema (a version changed the schema: the
   * client reads).
   *
   * @throws HttpException 413 {@code too_many_rows} when the range holds more than {@code maxRows} rows
   */
  private Optional<List<Row>> cachedRows(UsageCache c, UsageRequest r, RowSchema schema, String selection) {
    String date = DuckDbSql.identifier(table.dateColumn());
    String boundType = DuckDbSql.type(boundType(), table.dateColumn(), table.table());
    String sql = "SELECT " + selection + " FROM " + UsageCache.VIEW + " WHERE " + DuckDbSql.identifier(table.organisationColumn())
        + " = ? AND " + date + " >= CAST(? AS " + boundType + ") AND " + date + " <= CAST(? AS " + boundType
        + ") LIMIT " + (maxRows + 1L);
    return c.query(db -> {
      try (PreparedStatement ps = db.prepareStatement(sql)) {
        ps.setString(1, r.organisation());
        ps.setString(2, boundText(r.from()));
        ps.setString(3, boundText(r.to()));
        try (ResultSet rs = ps.executeQuery()) {
          List<Row> rows = new ArrayList<>();
          while (rs.next()) {
            if (rows.size() == maxRows) {
              throw tooMany();
            }
            @Nullable Object[] values = new Object[schema.size()];
            for (int i = 0; i < values.length; i++) {
              values[i] = DuckDbSql.value(rs, i + 1, schema.column(i).type());
            }
            rows.add(Row.of(schema, values));
          }
          return Optional.of(rows);
        }
      } catch (SQLException e) {
        String message = e.getMessage();
        if (message != null && message.contains("not found")) { // a column of the schema is not in the view
          LOG.info("usage rows of {}: the cached version lacks a column of the schema; reading through the client",
              table.table());
          return Optional.<List<Row>>empty();
        }
        throw e;
      }
    });
  }

  /**
   * The type of the bounds the date column is compared with. The date column is a DATE, a TIMESTAMP (a day is its UTC
   * midnight) or ISO date text (a STRING): its own type for the last two, DATE otherwise.
   */
  private ColumnType boundType() {
    ColumnType t = table.dateType();
    return t.equals(ColumnType.TIMESTAMP) || t.equals(ColumnType.STRING) ? t : ColumnType.DATE;
  }

  /** A bound as text DuckDB casts to the {@link #boundType}: the client's bounds, the same instants and days. */
  private String boundText(LocalDate day) {
    return boundType().equals(ColumnType.TIMESTAMP) ? day + " 00:00:00+00" : day.toString();
  }

  /** A bound as the client's filter compares it with the date column: a value of the {@link #boundType}. */
  private Object bound(LocalDate date) {
    ColumnType t = boundType();
    return t.equals(ColumnType.TIMESTAMP) ? date.atStartOfDay(ZoneOffset.UTC).toInstant()
        : t.equals(ColumnType.STRING) ? date.toString() : date;
  }

  private static byte[] body(UsageRequest r, RowSchema schema, List<Row> rows) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JsonSupport.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("organisation", r.organisation());
      g.writeStringField("from", r.from().toString());
      g.writeStringField("to", r.to().toString());
      g.writeNumberField("rowCount", rows.size());
      g.writeArrayFieldStart("rows");
      for (Row row : rows) {
        g.writeStartObject();
        for (int i = 0; i < schema.size(); i++) {
          g.writeFieldName(schema.column(i).name());
          writeValue(g, row.get(i));
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new DelphaException("cannot write the usage answer", e);
    }
    return out.toByteArray();
  }

  /** Numbers and booleans as JSON's, bytes as Base64, everything else (dates, times, text) as its string. */
  private static void writeValue(JsonGenerator g, @Nullable Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Integer n) {
      g.writeNumber(n);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof byte[] bytes) {
      g.writeString(Base64.getEncoder().encodeToString(bytes));
    } else {
      g.writeString(v.toString());
    }
  }
}
