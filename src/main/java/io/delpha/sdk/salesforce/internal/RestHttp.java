package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.salesforce.ApiUsage;
import io.delpha.sdk.core.internal.http.HttpCaller;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@link HttpCaller} side of the component: the REST resources force-rest-api does not cover
 * (Bulk API 2.0, sObject Collections) and what it cannot show (the {@code Sforce-Limit-Info} header).
 *
 * <p>Every answer's {@code Sforce-Limit-Info} header updates {@link #lastUsage()}. Error answers are
 * mapped with {@link SalesforceErrors}; connection failures become {@link ServiceUnavailableException}.
 */
public final class RestHttp {

  private static final Pattern API_USAGE = Pattern.compile("api-usage=(\\d+)/(\\d+)");

  private final HttpCaller caller;
  private final ObjectMapper mapper;
  private final String apiVersion;
  private final AtomicReference<ApiUsage> lastUsage = new AtomicReference<>();

  /**
   * @param caller the HTTP client layer (its retries are the {@link RequestExecutor}'s, not used here)
   * @param mapper the JSON mapper
   * @param apiVersion e.g. {@code v60.0}
   */
  public RestHttp(HttpCaller caller, ObjectMapper mapper, String apiVersion) {
    this.caller = caller;
    this.mapper = mapper;
    this.apiVersion = apiVersion;
  }

  /**
   * @return the usage from the most recent answer that carried {@code Sforce-Limit-Info}
   */
  public Optional<ApiUsage> lastUsage() {
    return Optional.ofNullable(lastUsage.get());
  }

  /**
   * @param header a {@code Sforce-Limit-Info} value, e.g. {@code api-usage=18/5000}
   * @return the usage it states
   */
  public static Optional<ApiUsage> parseLimitInfo(String header) {
    if (header == null) {
      return Optional.empty();
    }
    Matcher m = API_USAGE.matcher(header);
    return m.find()
        ? Optional.of(new ApiUsage(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))))
        : Optional.empty();
  }

  /**
   * Sends a JSON request to a path under {@code /services/data/vXX.X} and reads the JSON answer.
   *
   * @param session the session
   * @param what what the caller is doing, for messages
   * @param method the HTTP method
   * @param path the path below the versioned data root, starting with {@code /}
   * @param body the request body (serialised with Jackson), or {@code null}
   * @return the answer's JSON, a missing node when the answer has no body
   */
  public JsonNode json(Session session, String what, String method, String path, @Nullable Object body) {
    HttpRequest.BodyPublisher publisher;
    try {
      publisher = body == null
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new DataFormatException(what + ": the records could not be written as JSON ("
          + e.getOriginalMessage() + ")", e);
    }
    HttpRequest request = request(session, path)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .method(method, publisher)
        .build();
    HttpResponse<String> response = send(what, request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    failOnError(what, response, response.body());
    String text = response.body();
    if (text == null || text.isBlank()) {
      return mapper.missingNode();
    }
    try {
      return mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new DataFormatException(what + ": Salesforce's answer is not JSON ("
          + e.getOriginalMessage() + ")", e);
    }
  }

  /**
   * Opens a streamed GET (Bulk API 2.0 results). The caller closes the body.
   *
   * @param session the session
   * @param what what the caller is doing
   * @param path the path below the versioned data root, with its query string
   * @param accept the media type to accept
   * @return the open response; its status is 200
   */
  public HttpResponse<InputStream> openStream(Session session, String what, String path, String accept) {
    HttpRequest request = request(session, path).header("Accept", accept).GET().build();
    HttpResponse<InputStream> response = send(what, request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() >= 300) {
      failOnError(what, response, HttpCaller.drain(response.body()));
    }
    return response;
  }

  /**
   * Asks Salesforce for the org's API usage: a GET of the {@code limits} resource, reading the
   * {@code Sforce-Limit-Info} header whatever the status (it is sent with error answers too).
   *
   * @param session the session
   * @return the usage, empty when Salesforce did not send the header or could not be reached
   */
  public Optional<ApiUsage> probeUsage(Session session) {
    HttpRequest request = request(session, "/limits").header("Accept", "application/json").GET().build();
    try {
      send("read API usage", request, HttpResponse.BodyHandlers.discarding());
    } catch (ServiceUnavailableException unreachable) {
      return Optional.empty();
    }
    return lastUsage();
  }

  private HttpRequest.Builder request(Session session, String path) {
    return caller.request(URI.create(session.instanceUrl() + "/services/data/" + apiVersion + path))
        .header("Authorization", "Bearer " + session.accessToken().reveal());
  }

  private <T> HttpResponse<T> send(String what, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    HttpResponse<T> response = caller.send(what, request, handler);
    record(response.headers());
    return response;
  }

  private void record(HttpHeaders headers) {
    headers.firstValue("Sforce-Limit-Info").flatMap(RestHttp::parseLimitInfo).ifPresent(lastUsage::set);
  }

  private void failOnError(String what, HttpResponse<?> response, String body) {
    if (response.statusCode() >= 300) {
      throw SalesforceErrors.fromResponse(what, response.statusCode(), HttpCaller.withoutCredentials(response.request(), body),
          HttpCaller.retryAfter(response.headers()).orElse(null), this::lastUsage);
    }
  }
}
