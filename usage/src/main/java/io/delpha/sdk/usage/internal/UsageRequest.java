package io.delpha.sdk.usage.internal;

import io.delpha.sdk.server.HttpException;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.server.Exchange;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a usage request asks for: the organisation and the range of days, read from its query string and checked
 * against the caller's key before anything is read (400 bad dates or organisation name, 403 another organisation).
 *
 * @param organisation the organisation whose usage is read
 * @param from the first day
 * @param to the last day, not before {@code from}
 */
public record UsageRequest(String organisation, LocalDate from, LocalDate to) {

  private static final Pattern ISO_DAY = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

  /**
   * @param exchange the request, with {@code from=}, {@code to=} and maybe {@code org=}
   * @param caller the authenticated caller
   * @param maxDays the most days the range may cover, or 0 for no bound
   * @return the request
   * @throws HttpException 400 or 403
   */
  public static UsageRequest of(Exchange exchange, KeyPrincipal caller, int maxDays) {
    LocalDate from = date(exchange.query("from"), "from");
    LocalDate to = date(exchange.query("to"), "to");
    if (from.isAfter(to)) {
      throw new HttpException(400, "bad_request", "from (" + from + ") is after to (" + to + ")");
    }
    if (maxDays > 0 && to.toEpochDay() - from.toEpochDay() >= maxDays) {
      throw new HttpException(400, "bad_request", "a chart covers at most " + maxDays + " days");
    }
    return new UsageRequest(organisation(exchange, caller), from, to);
  }

  /**
   * The caller's own organisation; an admin names one with {@code org=}, a name {@link AccessKeys} could have issued
   * (else 400); another organisation is 403.
   */
  private static String organisation(Exchange exchange, KeyPrincipal caller) {
    String requested = exchange.query("org");
    if (caller.isAdmin()) {
      if (requested == null || requested.isBlank()) {
        throw new HttpException(400, "bad_request", "an admin key must name the organisation with org=");
      }
      if (!AccessKeys.isOrganisationName(requested)) {
        throw new HttpException(400, "bad_request",
            "org= must be an organisation name: a letter or digit, then up to 63 letters, digits, '_', '.' or '-'");
      }
      return requested;
    }
    if (requested != null && !requested.equals(caller.organisation())) {
      throw new HttpException(403, "forbidden", "this key may read its own organisation's usage only");
    }
    return caller.organisation();
  }

  private static LocalDate date(@Nullable String value, String name) {
    if (value == null || value.isBlank()) {
      throw new HttpException(400, "bad_request", "missing " + name + "=YYYY-MM-DD");
    }
    if (!ISO_DAY.matcher(value).matches()) { // LocalDate.parse takes +10000-01-01 and -0001-01-01
      throw new HttpException(400, "bad_request", name + " must be a date YYYY-MM-DD");
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new HttpException(400, "bad_request", name + " must be a date YYYY-MM-DD");
    }
  }
}
