package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.http.HttpStatus;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.salesforce.ApiUsage;
import io.delpha.sdk.salesforce.SalesforceError;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Maps Salesforce's answers to the library's exception types.
 *
 * <p>Salesforce's REST error body is an array of {@code {message, errorCode, fields}}; its OAuth
 * error body is {@code {error, error_description}}. Neither carries a credential, so Salesforce's
 * own message is kept: it is what tells the caller what to fix.
 */
public final class SalesforceErrors {

  /** The most errors of one answer a message describes; the rest are counted. */
  private static final int DESCRIBED = 5;

  private SalesforceErrors() {}

  /**
   * @param body an error body (at most the first 64 KiB of the answer)
   * @param limits the limits it is parsed under (depth, strings, items, tokens)
   * @return the errors it lists; one synthetic entry when the body is not Salesforce's JSON (or breaks a limit)
   */
  public static List<SalesforceError> parse(@Nullable String body, ResponseLimits limits) {
    if (body == null || body.isBlank()) {
      return new ArrayList<>();
    }
    try {
      return of(BoundedBody.parseJson(body, "an error answer", limits));
    } catch (DataFormatException notJson) {
      List<SalesforceError> errors = new ArrayList<>();
      errors.add(new SalesforceError("", Peers.echo(body.strip().replaceAll("\\s+", " ")), List.of()));
      return errors;
    }
  }

  /**
   * @param root an error answer's JSON: an array of {@code {message, errorCode, fields}} (REST), or {@code {error,
   *     error_description}} (OAuth), or one REST error object
   * @return the errors it lists, as Salesforce wrote them (the caller echoes them in a message)
   */
  public static List<SalesforceError> of(JsonNode root) {
    List<SalesforceError> errors = new ArrayList<>();
    if (root.isArray()) {
      for (JsonNode e : root) {
        errors.add(error(e));
      }
    } else if (root.isObject() && root.has("error")) {
      errors.add(new SalesforceError(
          Objects.requireNonNullElse(Json.text(root, "error"), ""),
          Objects.requireNonNullElse(Json.text(root, "error_description"), ""), List.of()));
    } else if (root.isObject()) {
      errors.add(error(root));
    }
    return errors;
  }

  private static SalesforceError error(JsonNode e) {
    String code = Json.text(e, "errorCode");
    if (code == null) {
      code = Json.text(e, "statusCode");
    }
    List<String> fields = new ArrayList<>();
    JsonNode f = e.get("fields");
    if (f != null && f.isArray()) {
      f.forEach(x -> fields.add(x.asText()));
    }
    return new SalesforceError(Objects.requireNonNullElse(code, ""),
        Objects.requireNonNullElse(Json.text(e, "message"), ""), fields);
  }

  /**
   * Maps an HTTP error answer from the REST API.
   *
   * @param what what the caller was doing, e.g. {@code "query"}
   * @param status the HTTP status
   * @param body the response body
   * @param retryAfter the answer's {@code Retry-After}, {@code null} when it had none
   * @param usage the API usage if known (for rate-limit messages)
   * @param limits the limits the body is parsed under
   * @return the exception to throw: a 429 or 5xx carries {@code retryAfter}; Salesforce's codes and messages are
   *     echoed ({@link Peers#echo}), at most five of them
   */
  public static DelphaException fromResponse(String what, int status, @Nullable String body,
      @Nullable Duration retryAfter, Supplier<Optional<ApiUsage>> usage, ResponseLimits limits) {
    List<SalesforceError> errors = parse(body, limits);
    String code = errors.isEmpty() ? "" : errors.get(0).errorCode();
    String said = describe(errors, status);
    if (status == 401 || "INVALID_SESSION_ID".equals(code)) {
      return new SessionExpiredException(what + ": Salesforce rejected the session (" + said + ")");
    }
    if ("REQUEST_LIMIT_EXCEEDED".equals(code) || status == 429) {
      String usageText = usage.get().map(u -> "; " + u).orElse("");
      String advice = retryAfter != null
          ? "Salesforce asked to wait " + retryAfter.toSeconds() + " s."
          : "Wait for the rolling 24-hour window to free requests, or ask the org's admin for a higher limit.";
      return new RateLimitedException(what + ": Salesforce refused the call because the org's API "
          + "request limit is reached (" + said + usageText + "). " + advice, retryAfter, null);
    }
    if (status >= 500) {
      return new ServiceUnavailableException(
          what + ": Salesforce answered HTTP " + status + " (" + said + ")", retryAfter, null);
    }
    if (status == 300) {
      return new ConflictException(what + ": " + said); // several records match an external id
    }
    boolean named = status == 400 || status == 403 || status == 404 || status == 409 || status == 412;
    String message = named ? what + ": " + said : what + ": Salesforce answered HTTP " + status + " (" + said + ")";
    return HttpStatus.exceptionFor(status, message, null);
  }

  private static String describe(List<SalesforceError> errors, int status) {
    if (errors.isEmpty()) {
      return "HTTP " + status + " with no error body";
    }
    String described = errors.stream().limit(DESCRIBED).map(SalesforceErrors::describe)
        .collect(Collectors.joining("; "));
    return errors.size() > DESCRIBED ? described + "; and " + (errors.size() - DESCRIBED) + " more" : described;
  }

  /**
   * @param error one error Salesforce sent
   * @return its code, message and fields as a message quotes them, each echoed ({@link Peers#echo})
   */
  static String describe(SalesforceError error) {
    return (error.errorCode().isEmpty() ? "" : Peers.echo(error.errorCode()) + ": ")
        + Peers.echo(error.message().strip())
        + (error.fields().isEmpty() ? "" : " " + Peers.echo(error.fields().toString()));
  }
}
