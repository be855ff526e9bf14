package io.delpha.sdk.usage.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The usage page, drawn on the server: a static shell (a form and a small script, no data), and the report the
 * script fetches with the caller's key, an HTML fragment with two inline SVG bar charts (per day, per feature) and
 * the numbers behind them as tables. No build step, no script library, nothing fetched from elsewhere. Every text
 * from the data is escaped; every bar carries its value in {@code data-value} (and its day or feature in {@code
 * data-day} / {@code data-feature}) so tools and tests can read the numbers back from the DOM.
 */
public final class UsagePage {

  /** The Content-Security-Policy of the shell and the report: our own script and nothing else. */
  public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
      + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final int WIDTH = 720;
  private static final int HEIGHT = 260;
  private static final int LEFT = 64;
  private static final int BOTTOM = 40;
  private static final int TOP = 16;

  private UsagePage() {}

  /** One bar: a day or feature and its value. */
  public record Point(String label, BigDecimal value) {}

  /**
   * @param from the default start of the range
   * @param to the default end
   * @param reportPath the report endpoint
   * @return the shell page
   */
  public static byte[] shell(LocalDate from, LocalDate to, String reportPath) {
    String html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Platform usage</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
          form { display: flex; gap: .75rem; flex-wrap: wrap; align-items: end; margin-bottom: 1.5rem; }
          label { display: flex; flex-direction: column; font-size: .85rem; gap: .25rem; }
          table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
          td, th { border: 1px solid #d0d7de; padding: .2rem .6rem; text-align: right; }
          th:first-child, td:first-child { text-align: left; }
          #message { color: #b42318; }
        </style>
        <script src="%s/app.js" defer></script>
        </head>
        <body>
        <h1>Platform usage</h1>
        <form id="query" data-report="%s">
          <label>Access key <input id="key" type="password" autocomplete="off" required></label>
          <label>From <input id="from" type="date" value="%s" required></label>
          <label>To <input id="to" type="date" value="%s" required></label>
          <label>Organisation (admin keys) <input id="org" type="text"></label>
          <button id="show" type="submit">Show</button>
        </form>
        <p id="message" role="alert"></p>
        <div id="report" data-state="empty"></div>
        </body>
        </html>
        """.formatted(PAGE_PATH, escape(reportPath), from, to);
    return html.getBytes(StandardCharsets.UTF_8);
  }

  /** The page's path; its script is at {@code PAGE_PATH + "/app.js"}. */
  public static final String PAGE_PATH = "/usage";

  /** @return the page's script: sends the key as a Bearer header, never in a URL, and shows the report */
  public static byte[] script() {
    String js = """
        'use strict';
        document.addEventListener('DOMContentLoaded', () => {
          const form = document.getElementById('query');
          const report = document.getElementById('report');
          const message = document.getElementById('message');
          form.addEventListener('submit', async (event) => {
            event.preventDefault();
            const params = new URLSearchParams({
              from: document.getElementById('from').value, to: document.getElementById('to').value });
            const org = document.getElementById('org').value.trim();
            if (org) params.set('org', org);
            report.replaceChildren();
            report.dataset.state = 'loading';
            message.textContent = '';
            try {
              const answer = await fetch(form.dataset.report + '?' + params, { cache: 'no-store',
                headers: { 'Authorization': 'Bearer ' + document.getElementById('key').value } });
              if (answer.ok) {
                report.innerHTML = await answer.text();
                report.dataset.state = 'ok';
              } else {
                let text = 'HTTP ' + answer.status;
                try { text = (await answer.json()).message || text; } catch (e) { /* not JSON */ }
                message.textContent = answer.status === 401 ? 'The access key was refused.' : text;
                report.dataset.state = 'error';
              }
            } catch (e) {
              message.textContent = 'The usage service cannot be reached.';
              report.dataset.state = 'error';
            }
          });
        });
        """;
    return js.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param organisation the organisation shown
   * @param from the range's first day
   * @param to the range's last day
   * @param measure what the values are, e.g. {@code sum(events)}
   * @param daily one point per day that has usage
   * @param features one point per feature, or {@code null} when the table has no feature column
   * @return the report fragment
   */
  public static byte[] report(String organisation, LocalDate from, LocalDate to, String measure,
      Map<LocalDate, BigDecimal> daily, @Nullable List<Point> features) {
    StringBuilder h = new StringBuilder();
    h.append("<section id=\"usage-report\" data-organisation=\"").append(escape(organisation)).append("\">\n");
    h.append("<h2>Usage of <span id=\"organisation\">").append(escape(organisation)).append("</span>, ")
        .append(from).append(" to ").append(to).append("</h2>\n");
    h.append("<h3>").append(escape(measure)).append(" per day</h3>\n");
    h.append(dailyChart(from, to, measure, daily));
    h.append("<table id=\"daily-table\"><tr><th>day</th><th>").append(escape(measure)).append("</th></tr>\n");
    daily.forEach((d, v) -> h.append("<tr><td>").append(d).append("</td><td>").append(v.toPlainString())
        .append("</td></tr>\n"));
    h.append("</table>\n");
    if (features != null) {
      h.append("<h3>").append(escape(measure)).append(" per feature</h3>\n");
      h.append(featureChart(measure, features));
      h.append("<table id=\"feature-table\"><tr><th>feature</th><th>").append(escape(measure)).append("</th></tr>\n");
      for (Point p : features) {
        h.append("<tr><td>").append(escape(p.label())).append("</td><td>").append(p.value().toPlainString())
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("</section>\n");
    return h.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Vertical bars, one slot per day of the range (days without usage have no bar). */
  private static String dailyChart(LocalDate from, LocalDate to, String measure, Map<LocalDate, BigDecimal> daily) {
    int days = (int) (to.toEpochDay() - from.toEpochDay()) + 1;
    BigDecimal max = daily.values().stream().max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
    double scale = axisMax(max);
    double plotW = WIDTH - LEFT - 16.0;
    double plotH = HEIGHT - TOP - BOTTOM;
    double slot = plotW / days;
    StringBuilder s = new StringBuilder();
    s.append("<svg id=\"daily-chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" aria-label=\"").append(escape(measure)).append(" per day\">\n");
    axes(s, scale, plotH);
    int labelEvery = Math.max(1, (int) Math.ceil(days / 8.0));
    for (int i = 0; i < days; i++) {
      LocalDate day = from.plusDays(i);
      double x = LEFT + i * slot;
      BigDecimal v = daily.get(day);
      if (v != null && v.signum() > 0) {
        double h = scale == 0 ? 0 : v.doubleValue() / scale * plotH;
        s.append(String.format(java.util.Locale.ROOT,
            "<rect class=\"bar\" data-day=\"%s\" data-value=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                + "fill=\"#2f6fde\"><title>%s: %s</title></rect>%n",
            day, v.toPlainString(), x + slot * 0.1, TOP + plotH - h, Math.max(1, slot * 0.8), h, day, v.toPlainString()));
      }
      if (i % labelEvery == 0) {
        s.append(String.format(java.util.Locale.ROOT,
            "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n",
            x + slot / 2, HEIGHT - BOTTOM + 16, day.toString().substring(5)));
      }
    }
    return s.append("</svg>\n").toString();
  }

  /** Horizontal bars, one per feature, largest first. */
  private static String featureChart(String measure, List<Point> features) {
    int rowH = 24;
    int height = TOP + Math.max(1, features.size()) * rowH + 24;
    int labelW = 180;
    double plotW = WIDTH - labelW - 80.0;
    BigDecimal max = features.stream().map(Point::value).max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
    double scale = axisMax(max);
    StringBuilder s = new StringBuilder();
    s.append("<svg id=\"feature-chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(WIDTH)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
        .append("\" aria-label=\"").append(escape(measure)).append(" per feature\">\n");
    for (int i = 0; i < features.size(); i++) {
      Point p = features.get(i);
      double y = TOP + i * rowH;
      double w = scale == 0 || p.value().signum() <= 0 ? 0 : p.value().doubleValue() / scale * plotW;
      String label = p.label().length() > 28 ? p.label().substring(0, 27) + "…" : p.label();
      s.append(String.format(java.util.Locale.ROOT,
          "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%s</text>%n", labelW - 8, y + 16,
          escape(label)));
      s.append(String.format(java.util.Locale.ROOT,
          "<rect class=\"bar\" data-feature=\"%s\" data-value=\"%s\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
              + "fill=\"#1f9d74\"><title>%s: %s</title></rect>%n",
          escape(p.label()), p.value().toPlainString(), labelW, y + 4, w, rowH - 8, escape(p.label()),
          p.value().toPlainString()));
      s.append(String.format(java.util.Locale.ROOT,
          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s</text>%n", labelW + w + 6, y + 16,
          p.value().toPlainString()));
    }
    return s.append("</svg>\n").toString();
  }

  private static void axes(StringBuilder s, double scale, double plotH) {
    s.append(String.format(java.util.Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#57606a\"/>%n", LEFT, TOP, LEFT, TOP + plotH));
    s.append(String.format(java.util.Locale.ROOT,
        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#57606a\"/>%n", LEFT, TOP + plotH, WIDTH - 16,
        TOP + plotH));
    for (int t = 0; t <= 4; t++) {
      double value = scale * t / 4;
      double y = TOP + plotH - plotH * t / 4;
      s.append(String.format(java.util.Locale.ROOT,
          "<text class=\"tick\" x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4,
          tick(value)));
    }
  }

  /** A round axis maximum at or above {@code max} (1, 2 or 5 times a power of ten). */
  static double axisMax(BigDecimal max) {
    double m = max.doubleValue();
    if (m <= 0) {
      return 0;
    }
    double p = Math.pow(10, Math.floor(Math.log10(m)));
    for (double f : new double[] {1, 2, 5, 10}) {
      if (f * p >= m) {
        return f * p;
      }
    }
    return 10 * p;
  }

  private static String tick(double v) {
    BigDecimal d = BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
    return d.toPlainString();
  }

  /**
   * @param text any text
   * @return the text with HTML's special characters escaped, safe in elements and quoted attributes
   */
  public static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
