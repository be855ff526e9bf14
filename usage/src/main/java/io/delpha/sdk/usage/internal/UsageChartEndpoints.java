package io.delpha.sdk.usage.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.server.HttpException;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.server.Exchange;
import io.delpha.sdk.server.HttpService.Route;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage page's routes: the page and its script (no data, no key needed), and, for an authenticated caller, the
 * charts as JSON ({@link #DAILY_PATH}, {@link #FEATURES_PATH}) and as the
 * HTML fragment the page shows ({@link #REPORT_PATH}). HTML answers carry {@link UsagePage#CSP}.
 * An organisation an admin names that has no key and no rows is 404 ({@link UsageOrganisations}).
 */
public final class UsageChartEndpoints {

  /** The JSON of the per-day chart: {@code {"organisation","from","to","measure","points":[{"day","value"}]}}. */
  public static final String DAILY_PATH = "/api/v1/usage/daily";
  /** The JSON of the per-feature chart: {@code {..., "points":[{"feature","value"}]}}, largest first. */
  public static final String FEATURES_PATH = "/api/v1/usage/features";
  /** The charts as an HTML fragment with inline SVG, what the page shows. */
  public static final String REPORT_PATH = "/api/v1/usage/report";
  /** The longest range a chart covers, in days. */
  public static final int MAX_DAYS = 366;

  private static final Logger LOG = LoggerFactory.getLogger(UsageChartEndpoints.class);
  private static final ObjectMapper JSON = JsonSupport.MAPPER;

  private final UsageAuth auth;
  private final UsageCharts charts;
  private final UsageOrganisations organisations;
  private final Clock clock;

  /**
   * @param auth authenticates the chart requests
   * @param charts answers them
   * @param organisations refuses (404) an organisation an admin names that has no key and no rows
   * @param clock the clock of the page's default range (the last 30 days, UTC)
   */
  public UsageChartEndpoints(UsageAuth auth, UsageCharts charts, UsageOrganisations organisations, Clock clock) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.charts = Objects.requireNonNull(charts, "charts");
    this.organisations = Objects.requireNonNull(organisations, "organisations");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** @return the page's routes */
  public List<Route> routes() {
    return List.of(new Route("GET", UsagePage.PAGE_PATH, this::page),
        new Route("GET", UsagePage.PAGE_PATH + "/app.js", this::script),
        new Route("GET", DAILY_PATH, e -> chartJson(e, false)),
        new Route("GET", FEATURES_PATH, e -> chartJson(e, true)),
        new Route("GET", REPORT_PATH, this::report));
  }

  private void page(Exchange exchange) throws IOException {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    secureHeaders(exchange);
    exchange.respond(200, "text/html; charset=utf-8",
        UsagePage.shell(today.minusDays(29), today, REPORT_PATH));
  }

  private void script(Exchange exchange) throws IOException {
    secureHeaders(exchange);
    exchange.respond(200, "text/javascript; charset=utf-8", UsagePage.script());
  }

  private static void secureHeaders(Exchange exchange) {
    exchange.setHeader("Content-Security-Policy", UsagePage.CSP);
    exchange.setHeader("X-Content-Type-Options", "nosniff");
    exchange.setHeader("Referrer-Policy", "no-referrer");
  }

  private void chartJson(Exchange exchange, boolean perFeature) throws IOException {
    KeyPrincipal caller = auth.authenticate(exchange);
    if (perFeature && !charts.hasFeatures()) {
      throw new HttpException(404, "not_found", "this server has no feature column configured");
    }
    UsageRequest r = UsageRequest.of(exchange, caller, MAX_DAYS);
    organisations.requireKnown(caller, r.organisation(), charts::hasRows);
    ObjectNode body = JSON.createObjectNode().put("organisation", r.organisation()).put("from", r.from().toString())
        .put("to", r.to().toString()).put("measure", charts.measureLabel());
    ArrayNode points = body.putArray("points");
    if (perFeature) {
      for (UsagePage.Point p : charts.features(r)) {
        points.addObject().put("feature", p.label()).put("value", p.value());
      }
    } else {
      charts.daily(r).forEach((d, v) -> points.addObject().put("day", d.toString()).put("value", v));
    }
    exchange.respond(200, JSON.writeValueAsBytes(body));
    LOG.info("GET {} key={} -> 200", perFeature ? FEATURES_PATH : DAILY_PATH,
        caller.keyId());
  }

  private void report(Exchange exchange) throws IOException {
    KeyPrincipal caller = auth.authenticate(exchange);
    UsageRequest r = UsageRequest.of(exchange, caller, MAX_DAYS);
    organisations.requireKnown(caller, r.organisation(), charts::hasRows);
    byte[] html = UsagePage.report(r.organisation(), r.from(), r.to(), charts.measureLabel(), charts.daily(r),
        charts.hasFeatures() ? charts.features(r) : null);
    secureHeaders(exchange);
    exchange.respond(200, "text/html; charset=utf-8", html);
    LOG.info("GET {} key={} -> 200", REPORT_PATH, caller.keyId());
  }
}
