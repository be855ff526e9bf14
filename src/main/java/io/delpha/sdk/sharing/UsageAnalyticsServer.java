package io.delpha.sdk.sharing;

import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.internal.JsonSupport;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.ServerOptions;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.http.Exchange;
import io.delpha.sdk.core.internal.http.HttpError;
import io.delpha.sdk.core.internal.http.HttpService;
import io.delpha.sdk.core.internal.http.HttpService.Route;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.core.parquet.ColumnType;
import io.delpha.sdk.core.parquet.Row;
import io.delpha.sdk.core.parquet.RowReader;
import io.delpha.sdk.core.parquet.RowSchema;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.KeyPrincipal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage-analytics middleware: an embeddable HTTP service (the library's one HTTP foundation, on Jetty) that serves
 * each caller the rows of a shared usage table that belong to the caller's organisation.
 *
 * <pre>{@code
 * try (UsageAnalyticsServer server = UsageAnalyticsServer.builder()
 *     .client(sharingClient).table("analytics.platform.usage")
 *     .organisationColumn("org_id").dateColumn("usage_date")
 *     .accessKeys(keys).port(8080).build().start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>{@code GET /api/v1/usage?from=YYYY-MM-DD&to=YYYY-MM-DD} with {@code Authorization: Bearer <access
 * key>} answers {@code {"organisation", "from", "to", "rowCount", "rows": [{column: value}]}}. An
 * organisation key reads its own organisation only ({@code org=} naming another is 403); the admin key
 * must name one with {@code org=}. Errors are JSON {@code {"error", "message"}}: 400 bad or missing
 * dates, 401 missing or unknown key, 403 another organisation, 404/405 wrong path or method, 413 more
 * rows than {@link Builder#maxRows(int)}, 502 the sharing server refused, 503 it or Cassandra is
 * unreachable. The organisation filter is applied by the client on every row, whatever the sharing
 * server does with the hint, so one organisation never sees another's rows.
 */
public final class UsageAnalyticsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UsageAnalyticsServer.class);
  private static final ObjectMapper JSON = JsonSupport.MAPPER;
  /** The path of the usage endpoint. */
  public static final String PATH = "/api/v1/usage";

  private final DeltaSharingClient client;
  private final String table;
  private final String organisationColumn;
  private final String dateColumn;
  private final Function<String, KeyPrincipal> authenticator;
  private final int maxRows;
  private final ServerOptions options;
  private final Recorder metrics;
  private HttpService http;
  private volatile ColumnType dateType;

  private UsageAnalyticsServer(Builder b) {
    this.client = b.client;
    this.table = b.table;
    this.organisationColumn = b.organisationColumn;
    this.dateColumn = b.dateColumn;
    this.authenticator = b.authenticator;
    this.maxRows = b.maxRows;
    this.metrics = Recorder.of(b.metrics);
    ServerOptions.Builder o = b.options != null ? b.options.toBuilder() : ServerOptions.builder();
    if (b.address != null) {
      o.address(b.address);
    }
    if (b.threads > 0) {
      o.threads(Math.max(2, b.threads));
    }
    this.options = o.build();
  }

  /**
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts serving.
   *
   * @return this server
   * @throws ServiceUnavailableException if the port cannot be bound
   */
  public synchronized UsageAnalyticsServer start() {
    if (http == null) {
      http = HttpService.start("usage-analytics", options, List.of(new Route("GET", PATH, this::handle)), metrics);
      LOG.info("usage analytics serving {} on {}", table, uri());
    }
    return this;
  }

  /**
   * @return the port listened on (useful with port 0)
   */
  public int port() {
    return http.uri().getPort();
  }

  /**
   * @return the base URI, e.g. {@code http://127.0.0.1:8080} ({@code https} with TLS)
   */
  public URI uri() {
    String u = http.uri().toString();
    return URI.create(u.substring(0, u.length() - 1));
  }

  /** Stops accepting requests and stops the server. */
  @Override
  public synchronized void close() {
    if (http != null) {
      http.close();
      http = null;
    }
  }

  private void handle(Exchange exchange) throws IOException {
    KeyPrincipal caller = authenticate(exchange);
    int status = usage(exchange, caller);
    LOG.info("GET {} key={} -> {}", PATH, caller.keyId(), status);
  }

  private KeyPrincipal authenticate(Exchange exchange) {
    String header = exchange.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      throw new HttpError(401, "unauthorized", "send Authorization: Bearer <access key>",
          Map.of("WWW-Authenticate", "Bearer"));
    }
    try {
      KeyPrincipal p = http.passwordCheck(() -> authenticator.apply(header.substring(7).trim()));
      exchange.authenticated();
      return p;
    } catch (AccessDeniedException e) {
      throw new HttpError(401, "unauthorized", "the access key is not valid",
          Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    } catch (ServiceUnavailableException e) {
      throw new HttpError(503, "unavailable", "access keys cannot be checked right now; retry later");
    }
  }

  private int usage(Exchange exchange, KeyPrincipal caller) throws IOException {
    LocalDate from = date(exchange.query("from"), "from");
    LocalDate to = date(exchange.query("to"), "to");
    if (from.isAfter(to)) {
      throw new HttpError(400, "bad_request", "from (" + from + ") is after to (" + to + ")");
    }
    String requested = exchange.query("org");
    String organisation;
    if (caller.isAdmin()) {
      if (requested == null || requested.isBlank()) {
        throw new HttpError(400, "bad_request", "an admin key must name the organisation with org=");
      }
      organisation = requested;
    } else {
      if (requested != null && !requested.equals(caller.organisation())) {
        throw new HttpError(403, "forbidden", "this key may read its own organisation's usage only");
      }
      organisation = caller.organisation();
    }
    List<Row> rows = new ArrayList<>();
    RowSchema schema;
    try (RowReader reader = client.readTable(table, ReadOptions.builder().filter(Filter.and(
        Filter.eq(organisationColumn, organisation), Filter.ge(dateColumn, bound(from)),
        Filter.le(dateColumn, bound(to)))).build())) {
      schema = reader.schema();
      while (reader.hasNext()) {
        if (rows.size() == maxRows) {
          throw new HttpError(413, "too_many_rows", "more than " + maxRows + " rows; ask for a shorter date range");
        }
        rows.add(reader.next());
      }
    } catch (ServiceUnavailableException e) {
      LOG.warn("sharing server unavailable: {}", e.getMessage());
      throw new HttpError(503, "unavailable", "the usage data cannot be reached right now; retry later");
    } catch (HttpError f) {
      throw f;
    } catch (DelphaException e) {
      LOG.warn("reading {} failed: {}", table, e.getMessage());
      throw new HttpError(502, "upstream", "the usage data could not be read");
    }
    exchange.respond(200, body(organisation, from, to, schema, rows));
    return 200;
  }

  /** The date literal in the type of the date column (DATE, TIMESTAMP at UTC midnight, or ISO text). */
  private Object bound(LocalDate date) {
    ColumnType type = dateType;
    if (type == null) {
      type = client.tableMetadata(table).schema().column(dateColumn).type();
      dateType = type;
    }
    return switch (type.kind()) {
      case TIMESTAMP -> date.atStartOfDay(ZoneOffset.UTC).toInstant();
      case STRING -> date.toString();
      default -> date;
    };
  }

  private static LocalDate date(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new HttpError(400, "bad_request", "missing " + name + "=YYYY-MM-DD");
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new HttpError(400, "bad_request", name + " must be a date YYYY-MM-DD");
    }
  }

  private static byte[] body(String organisation, LocalDate from, LocalDate to, RowSchema schema, List<Row> rows) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("organisation", organisation);
      g.writeStringField("from", from.toString());
      g.writeStringField("to", to.toString());
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

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
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
    } else if (v instanceof LocalDate || v instanceof Instant || v instanceof LocalTime) {
      g.writeString(v.toString());
    } else {
      g.writeString(v.toString());
    }
  }

  @Override
  public String toString() {
    return "UsageAnalyticsServer[" + table + ", org=" + organisationColumn + ", date=" + dateColumn + "]";
  }

  /** Builds a {@link UsageAnalyticsServer}. */
  public static final class Builder {
    private DeltaSharingClient client;
    private String table;
    private String organisationColumn;
    private String dateColumn;
    private Function<String, KeyPrincipal> authenticator;
    private int maxRows = 100_000;
    private InetSocketAddress address;
    private int threads;
    private ServerOptions options;
    private Metrics metrics = Metrics.none();

    private Builder() {}

    /**
     * @param client the Delta Sharing client reading the usage table
     * @return this builder
     */
    public Builder client(DeltaSharingClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * @param table the shared usage table, {@code share.schema.table}
     * @return this builder
     */
    public Builder table(String table) {
      this.table = SharedTable.parse(table).coordinates();
      return this;
    }

    /**
     * @param column the column holding each row's organisation
     * @return this builder
     */
    public Builder organisationColumn(String column) {
      this.organisationColumn = column;
      return this;
    }

    /**
     * @param column the column holding each row's date (DATE, TIMESTAMP or ISO date text)
     * @return this builder
     */
    public Builder dateColumn(String column) {
      this.dateColumn = column;
      return this;
    }

    /**
     * @param keys the library's access keys, which authenticate every request
     * @return this builder
     */
    public Builder accessKeys(AccessKeys keys) {
      Objects.requireNonNull(keys, "keys");
      this.authenticator = keys::authenticate;
      return this;
    }

    /**
     * @param maxRows the most rows one answer holds (default 100,000); more is a 413
     * @return this builder
     */
    public Builder maxRows(int maxRows) {
      if (maxRows < 1) {
        throw new InvalidInputException("maxRows must be >= 1, was " + maxRows);
      }
      this.maxRows = maxRows;
      return this;
    }

    /**
     * @param address the address to listen on (default 127.0.0.1, a free port)
     * @return this builder
     */
    public Builder bind(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * @param port the port on 127.0.0.1 (0 for a free one)
     * @return this builder
     */
    public Builder port(int port) {
      this.address = new InetSocketAddress("127.0.0.1", port);
      return this;
    }

    /**
     * @param threads requests served at once (default 16, at least 2)
     * @return this builder
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new InvalidInputException("threads must be >= 1, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * @param options address, HTTPS ({@link ServerOptions.Builder#tls}) and limits; {@link #bind}, {@link
     *     #port} and {@link #threads} given as well override its address and threads
     * @return this builder
     */
    public Builder options(ServerOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * @param metrics where requests are timed ({@code delpha.http.server.requests}, docs/metrics.md); the access
     *     keys given meter their own checks; default {@link Metrics#none()}
     * @return this builder
     */
    public Builder metrics(Metrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * @return the server, not started yet
     * @throws InvalidInputException if the client, table, columns or access keys are missing
     */
    public UsageAnalyticsServer build() {
      Capability.require("UsageAnalyticsServer", Capability.HTTP_SERVER);
      if (client == null || table == null || blank(organisationColumn) || blank(dateColumn) || authenticator == null) {
        throw new InvalidInputException("the usage server needs a client, a table, an organisation column, a date "
            + "column and access keys");
      }
      return new UsageAnalyticsServer(this);
    }

    private static boolean blank(String s) {
      return s == null || s.isBlank();
    }
  }
}
