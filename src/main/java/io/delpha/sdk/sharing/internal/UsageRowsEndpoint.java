package io.delpha.sdk.sharing.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.core.internal.http.HttpError;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.server.internal.Exchange;
import io.delpha.sdk.server.internal.HttpService.Route;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.sharing.QueryOptions;
import io.delpha.sdk.sharing.UsageAnalyticsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows route, {@link UsageAnalyticsServer#PATH}: the caller's organisation's rows of the usage table in a range
 * of days, read through the sharing client with the organisation and range as the filter, as JSON. The organisation
 * filter is the client's, applied to every row whatever the sharing server does with the hint. An organisation an
 * admin names that has no key and no rows is 404: before the read when the server has a cache, else when the read
 * finds no row.
 */
public final class UsageRowsEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(UsageAnalyticsServer.class);

  private final UsageAuth auth;
  private final UsageTable table;
  private final UsageOrganisations organisations;
  private final @Nullable Predicate<String> hasRows;
  private final int maxRows;

  /**
   * @param auth authenticates the requests
   * @param table the usage table
   * @param organisations tells which organisations hold a key
   * @param hasRows whether the table has rows of an organisation, from the shared cache; {@code null} without one
   *     (then an admin's organisation with no key is 404 when the read finds no row in the range)
   * @param maxRows the most rows one answer holds; more is a 413
   */
  public UsageRowsEndpoint(UsageAuth auth, UsageTable table, UsageOrganisations organisations,
      @Nullable Predicate<String> hasRows, int maxRows) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.table = Objects.requireNonNull(table, "table");
    this.organisations = Objects.requireNonNull(organisations, "organisations");
    this.hasRows = hasRows;
    this.maxRows = maxRows;
  }

  /** @return the route */
  public Route route() {
    return new Route("GET", UsageAnalyticsServer.PATH, this::handle);
  }

  private void handle(Exchange exchange) throws IOException {
    KeyPrincipal caller = auth.authenticate(exchange);
    int status = usage(exchange, caller);
    LOG.info("GET {} key={} -> {}", UsageAnalyticsServer.PATH, caller.keyId(), status);
  }

  private int usage(Exchange exchange, KeyPrincipal caller) throws IOException {
    UsageRequest r = UsageRequest.of(exchange, caller, 0);
    boolean keyed = !caller.isAdmin() || organisations.hasKey(r.organisation());
    if (!keyed && hasRows != null && !hasRows.test(r.organisation())) {
      throw UsageOrganisations.unknown(); // before the read
    }
    String dateColumn = table.dateColumn();
    List<Row> rows = new ArrayList<>();
    RowSchema schema;
    try (RowReader reader = table.client().readTable(table.table(), QueryOptions.builder().filter(Filter.and(
        Filter.eq(table.organisationColumn(), r.organisation()), Filter.ge(dateColumn, bound(r.from())),
        Filter.le(dateColumn, bound(r.to())))).build())) {
      schema = reader.schema();
      while (reader.hasNext()) {
        if (rows.size() == maxRows) {
          throw new HttpError(413, "too_many_rows", "more than " + maxRows + " rows; ask for a shorter date range");
        }
        rows.add(reader.next());
      }
    } catch (DelphaException e) {
      throw table.unreadable(e);
    }
    if (!keyed && hasRows == null && rows.isEmpty()) { // no cache: the read is what tells
      throw UsageOrganisations.unknown();
    }
    exchange.respond(200, body(r, schema, rows));
    return 200;
  }

  /** The date literal in the type of the date column (DATE, TIMESTAMP at UTC midnight, or ISO text). */
  private Object bound(LocalDate date) {
    return switch (table.dateType().kind()) {
      case TIMESTAMP -> date.atStartOfDay(ZoneOffset.UTC).toInstant();
      case STRING -> date.toString();
      default -> date;
    };
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
