package io.delpha.sdk.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ClientBuilder;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.http.Redirects;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.ingest.FetchReport.RejectedFile;
import io.delpha.sdk.ingest.FetchReport.StagedFile;
import io.delpha.sdk.ingest.internal.FileChecks;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.core.internal.http.TrustedCa;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The client side of {@link UploadServer}, for customers on other machines. It fetches the customer's constraints,
 * checks every file before sending any, sends the passing ones and commits the upload, which stages them.
 *
 * <pre>{@code
 * FetchReport r = UploadClient.to(URI.create("https://ingest.example:8443/"))
 *     .fetch("customer-1", "password-1", Path.of("client-input-dir"));
 * UploadClient tuned = UploadClient.builder().endpoint(URI.create("https://ingest.example/"))
 *     .trustedCa(Path.of("ca.pem")).responseLimits(l -> l.idleTimeout(Duration.ofSeconds(30))).build();
 * }</pre>
 *
 * <p>The server is not trusted further than the credentials need: they go to the endpoint's origin only (redirects
 * are never followed: a 301, 302, 303, 307 or 308 is a {@link DataFormatException} naming the status and where it
 * pointed), every answer is
 * read under the {@link Builder#responseLimits(ResponseLimits) ResponseLimits} (a breach is a {@link
 * ResponseLimitException}, never retried), the wait for an answer is bounded by the {@link
 * Builder#requestTimeout(Duration) request timeout} (after a file's last byte for a file), and an answer that is not
 * what the protocol says (an upload id that is not a plain name, a commit without its list of staged files,
 * constraints that cannot be used) is a {@link DataFormatException}; nothing of it is returned as if whole.
 * Thread-safe: a client holds only immutable settings.
 */
public final class UploadClient {

  /** What an upload id may be: it becomes a path segment of the later requests. */
  private static final Pattern UPLOAD_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

  private final URI base;
  private final HttpCaller http;
  private final ResponseLimits limits;

  private UploadClient(URI base, HttpCaller http, ResponseLimits limits) {
    this.base = base;
    this.http = http;
    this.limits = limits;
  }

  /**
   * @param endpoint the upload server's base URI ({@code https} trusts the JDK's default CAs)
   * @return a client with the default settings ({@code builder().endpoint(endpoint).build()})
   * @throws InvalidInputException if the endpoint is not an {@code http(s)} URL with a host and no user info
   */
  public static UploadClient to(URI endpoint) {
    return builder().endpoint(endpoint).build();
  }

  /**
   * @param endpoint the upload server's base URI, {@code https}
   * @param caPem the PEM certificate of the CA that signed the server's certificate (a private CA)
   * @return a client trusting that CA only; the server's certificate must match the host dialled
   * @throws io.delpha.sdk.core.TlsException if the file cannot be read as PEM certificates
   * @throws InvalidInputException if the endpoint is not an {@code http(s)} URL with a host and no user info
   */
  public static UploadClient to(URI endpoint, Path caPem) {
    return builder().endpoint(endpoint).trustedCa(Objects.requireNonNull(caPem, "caPem")).build();
  }

  /** @return a builder; the endpoint is required, every other setting optional */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Uploads every regular, non-hidden file of a directory, with the same checks and report as {@link
   * BatchIngestor#fetch}.
   *
   * @param customerId the customer
   * @param password the password; sent as HTTP Basic credentials
   * @param clientInputDir the directory
   * @return what was staged and what was refused
   * @throws AuthenticationException for wrong credentials; nothing is sent
   * @throws ServiceUnavailableException if the server cannot be reached, or sends no answer within the request
   *     timeout
   * @throws ResponseLimitException if an answer breaks the {@link ResponseLimits} (not retried)
   * @throws DataFormatException if the server redirects, or answers what the protocol does not say
   */
  public FetchReport fetch(String customerId, String password, Path clientInputDir) {
    return fetch(customerId, password, clientInputDir, ProgressListener.NONE);
  }

  /**
   * As {@link #fetch(String, String, Path)}, reporting the bytes sent: {@code onStart("upload")}, then
   * {@link ProgressListener.Progress}{@code ("upload", bytesSent, bytesOfPassingFiles, "bytes")} as the
   * bytes leave, then {@code onSuccess} or {@code onFailure}.
   *
   * @param customerId the customer
   * @param password the password; sent as HTTP Basic credentials
   * @param clientInputDir the directory
   * @param progress told how the upload goes
   * @return what was staged and what was refused
   * @throws AuthenticationException for wrong credentials; nothing is sent
   * @throws ServiceUnavailableException if the server cannot be reached, or sends no answer within the request
   *     timeout
   * @throws ResponseLimitException if an answer breaks the {@link ResponseLimits} (not retried)
   * @throws DataFormatException if the server redirects, or answers what the protocol does not say
   */
  public FetchReport fetch(String customerId, String password, Path clientInputDir, ProgressListener progress) {
    Objects.requireNonNull(progress, "progress");
    try {
      FetchReport report = send(customerId, password, clientInputDir, progress);
      progress.onSuccess("upload", report.accepted().size() + " staged, " + report.rejected().size() + " refused");
      return report;
    } catch (DelphaException e) {
      progress.onFailure("upload", e);
      throw e;
    }
  }

  private FetchReport send(String customerId, String password, Path clientInputDir, ProgressListener progress) {
    String auth = "Basic " + Base64.getEncoder().encodeToString((customerId + ":" + password).getBytes(StandardCharsets.UTF_8));
    IngestionConstraints constraints = constraints(call("GET constraints", HttpCaller.TRANSIENT,
        http.request(base.resolve("constraints")).header("Authorization", auth).GET().build(), 200));
    FileChecks.Selection selection = FileChecks.select(clientInputDir, constraints);
    List<RejectedFile> rejected = selection.rejected();
    List<Path> passing = selection.passing();
    if (passing.isEmpty()) {
      return new FetchReport(customerId, List.of(), rejected);
    }
    String upload = uploadId(call("POST uploads", HttpCaller.ASKED_TO_RETRY, http.request(base.resolve("uploads"))
        .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(), 201));
    long total = 0;
    for (Path f : passing) {
      total += sizeOf(f);
    }
    progress.onStart("upload");
    AtomicLong sent = new AtomicLong();
    long totalBytes = total;
    for (Path f : passing) {
      String name = f.getFileName().toString();
      AtomicLong fileSent = new AtomicLong();
      // a PUT replaces the file, so it is tried again; the bytes of a failed attempt are taken back from the progress
      Answer r = http.retrying("PUT " + name, HttpCaller.TRANSIENT, attempt -> {
        sent.addAndGet(-fileSent.getAndSet(0));
        HttpRequest.BodyPublisher file;
        try {
          file = HttpCaller.observed(HttpRequest.BodyPublishers.ofFile(f), n -> {
            fileSent.addAndGet(n);
            progress.onProgress(new ProgressListener.Progress("upload", sent.addAndGet(n), totalBytes, "bytes"));
          }, () -> { });
        } catch (IOException e) {
          throw new DataFormatException("cannot read " + name + " to send it: " + e.getMessage(), e);
        }
        String what = "send " + name;
        Answer answer = read(what, http.sendUpload(what, http.upload(base.resolve("uploads/" + upload + "/files/"
            + name)).header("Authorization", auth), "PUT", file, HttpResponse.BodyHandlers.ofInputStream()));
        int status = answer.response().statusCode();
        if (status != 200 && status != 422 && status != 413 && status != 409) {
          throw failure(answer);
        }
        return answer;
      });
      String said = HttpCaller.withoutCredentials(r.response().request(), r.body());
      int status = r.response().statusCode();
      if (status == 422) {
        rejected.add(new RejectedFile(name, json(said).path("reason").asText()));
      } else if (status == 413 || status == 409) {
        rejected.add(new RejectedFile(name, json(said).path("message").asText()));
      }
    }
    JsonNode done = call("POST commit", HttpCaller.ASKED_TO_RETRY, http.request(base.resolve("uploads/" + upload + "/commit"))
        .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(), 200);
    if (!done.path("accepted").isArray() || !(done.path("rejected").isArray() || done.path("rejected").isMissingNode())) {
      throw new DataFormatException("the upload server answered the commit of upload " + upload + " without its "
          + "lists of staged and refused files; whether the files were staged is unknown: look for them in the "
          + "staging store before sending them again");
    }
    List<StagedFile> accepted = new ArrayList<>();
    done.path("accepted").forEach(n -> accepted.add(new StagedFile(n.path("name").asText(), n.path("key").asText(),
        n.path("size").asLong())));
    done.path("rejected").forEach(n -> rejected.add(new RejectedFile(n.path("name").asText(), n.path("reason").asText())));
    return new FetchReport(customerId, accepted, rejected);
  }

  /** The constraints the server sent; the server's fault, not the caller's, when they are unusable. */
  private static IngestionConstraints constraints(JsonNode answer) {
    try {
      return IngestionConstraints.fromJson(answer.toString());
    } catch (InvalidInputException e) {
      throw new DataFormatException("the upload server sent constraints this client cannot use: "
          + abbreviate(String.valueOf(e.getMessage())), e);
    }
  }

  /** The id of the upload the server opened: a plain name, since it becomes a path segment of the next requests. */
  private static String uploadId(JsonNode answer) {
    JsonNode id = answer.path("upload");
    if (!id.isTextual() || !UPLOAD_ID.matcher(id.asText()).matches()) {
      throw new DataFormatException("the upload server opened an upload without a usable id (" + abbreviate(
          answer.toString()) + "); an id is 1 to 128 letters, digits, '.', '_' or '-', so no file was sent");
    }
    return id.asText();
  }

  private static long sizeOf(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0;
    }
  }

  private JsonNode call(String what, Predicate<RuntimeException> retryable, HttpRequest request, int expected) {
    Answer r = http.retrying(what, retryable, attempt -> {
      Answer answer = send(what, request);
      if (answer.response().statusCode() != expected) {
        throw failure(answer);
      }
      return answer;
    });
    return json(r.body());
  }

  /** An answer whose body was read whole, at most {@link ResponseLimits#maxBodyBytes()} of it. */
  private record Answer(HttpResponse<InputStream> response, String body) {}

  /**
   * One exchange, its body read under the client's {@link ResponseLimits} (by default 64 MiB, within 5 minutes, each
   * read within 2 minutes, JSON depth 256), an error answer's first 64 KiB only: what the server sends is bounded
   * before it is kept. Redirects are not followed (the client is built with {@code Redirect.NEVER}), so the
   * credentials go to {@code base} only.
   */
  private Answer send(String what, HttpRequest request) {
    return read(what, http.send(what, request, HttpResponse.BodyHandlers.ofInputStream()));
  }

  private Answer read(String what, HttpResponse<InputStream> response) {
    if (response.statusCode() >= 300) {
      return new Answer(response, HttpCaller.drain(response.body()));
    }
    try (InputStream in = BoundedBody.whole(response.body(), what, limits)) {
      return new Answer(response, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      ResponseLimitException limit = BoundedBody.limitOf(e);
      if (limit != null) {
        throw limit;
      }
      throw new ServiceUnavailableException(what + ": the upload server stopped answering mid-body", e);
    }
  }

  private JsonNode json(String body) {
    if (body.isBlank()) {
      throw new DataFormatException("the upload server answered something that is not JSON (an empty body)");
    }
    return BoundedBody.parseJson(body, "the upload server's answer", limits);
  }

  private RuntimeException failure(Answer a) {
    HttpResponse<InputStream> r = a.response();
    int status = r.statusCode();
    String body = HttpCaller.withoutCredentials(r.request(), a.body());
    if (Redirects.isRedirect(status)) {
      return redirected(r);
    }
    String message;
    try {
      JsonNode error = BoundedBody.parseJson(body, "the upload server's error", limits);
      message = abbreviate(error.path("message").asText(error.path("error").asText(body)));
    } catch (DataFormatException e) {
      message = abbreviate(body);
    }
    if (status == 401) {
      return new AuthenticationException("the upload server refused the credentials: " + message);
    }
    if (status == 400 || status == 422) {
      return new DataFormatException("upload server " + base + ": " + message);
    }
    return HttpCaller.failure(r, "upload server " + base + " answered " + status + ": " + message);
  }

  /** A redirect, never followed: it would carry the credentials to wherever it points. */
  private DataFormatException redirected(HttpResponse<?> response) {
    String target = Redirects.target(response);
    return new DataFormatException("upload server " + base + " answered " + response.request().method() + " "
        + base.relativize(response.request().uri()) + " with HTTP " + response.statusCode() + " redirecting to "
        + target + "; redirects are not followed, so the credentials were sent nowhere else: check the endpoint");
  }

  /** Quotes a server's text in a message: one line, at most 300 characters. */
  private static String abbreviate(String text) {
    String line = text.replaceAll("[\\r\\n\\t]+", " ").strip();
    return line.length() <= 300 ? line : line.substring(0, 300) + "...";
  }

  /**
   * Builds an {@link UploadClient}. The endpoint is required; the client trusts the JDK's CAs for {@code https}
   * unless given one, retries as {@link RetryPolicy#defaults()}, waits 2 minutes for an answer and reads answers under
   * {@link ResponseLimits#defaults()}.
   */
  public static final class Builder implements ClientBuilder.WithRetries<Builder>,
      ClientBuilder.WithRequestTimeout<Builder>, ClientBuilder.WithResponseLimits<Builder> {
    private @Nullable URI endpoint;
    private @Nullable Path trustedCa;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Duration requestTimeout = Duration.ofMinutes(2);
    private ResponseLimits responseLimits = ResponseLimits.defaults();

    private Builder() {}

    /**
     * @param endpoint the upload server's base URI, {@code http} or {@code https}, with a host and no user info
     *     (plain {@code http} only to loopback, unless {@link ResponseLimits#credentialsOverPlainHttp()} allows it for
     *     a trusted private network: the password would cross the network in clear)
     * @return this builder
     */
    public Builder endpoint(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * @param caPem the PEM certificate of the only CA to trust for the server's certificate (a private CA); {@code
     *     null} for the JDK's default CAs
     * @return this builder
     */
    public Builder trustedCa(@Nullable Path caPem) {
      this.trustedCa = caPem;
      return this;
    }

    /**
     * @param policy the retries of {@code GET /constraints} and each file's {@code PUT} on 429, 5xx and connection
     *     failures, and of the {@code POST}s on a 429 or 503 with {@code Retry-After} (default {@link
     *     RetryPolicy#defaults()})
     * @return this builder
     */
    @Override
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param timeout how long a request waits for its answer's headers, counted for a file's {@code PUT} from the
     *     file's last byte (sending it takes as long as it takes); default 2 minutes
     * @return this builder
     */
    @Override
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new InvalidInputException("requestTimeout must be positive, was " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * @param limits the bounds on the server's answers: each read whole up to {@code maxBodyBytes}, nested at most
     *     {@code maxJsonDepth} deep with strings of at most {@code maxStringChars}, within {@code bodyTimeout}, each
     *     read within {@code idleTimeout} (default {@link ResponseLimits#defaults()}; the line and stream limits do
     *     not apply, no answer is line-delimited)
     * @return this builder
     */
    @Override
    public Builder responseLimits(ResponseLimits limits) {
      this.responseLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * @return the client; nothing is sent until {@link UploadClient#fetch}
     * @throws InvalidInputException if no endpoint was given, or it is not an {@code http(s)} URL with a host and no
     *     user info (never echoed: it may hold a password), or it is plain {@code http} to a host that is not loopback
     *     and {@link ResponseLimits#credentialsOverPlainHttp()} does not allow it
     * @throws io.delpha.sdk.core.TlsException if {@link #trustedCa} cannot be read as PEM certificates
     */
    public UploadClient build() {
      if (endpoint == null) {
        throw new InvalidInputException("an upload client needs endpoint(..), the upload server's base URI");
      }
      if (endpoint.getRawUserInfo() != null) {
        throw new InvalidInputException("the upload server's endpoint must not carry user info (user:password@); "
            + "the customer's id and password are given to fetch(..)");
      }
      String scheme = endpoint.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || endpoint.getHost() == null || endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
        throw new InvalidInputException("the upload server's endpoint must be an absolute http(s) URL with a host "
            + "and no query, was " + endpoint);
      }
      Peers.requireProtected(endpoint, responseLimits, "the upload server's endpoint");
      String s = endpoint.toString();
      URI base = URI.create(s.endsWith("/") ? s : s + "/");
      HttpCaller http = new HttpCaller(HttpCaller.newClient(HttpCaller.DEFAULT_CONNECT_TIMEOUT,
          HttpClient.Redirect.NEVER, trustedCa == null ? null : TrustedCa.sslContext(trustedCa)),
          "the upload server", requestTimeout, Retrier.of(retryPolicy), responseLimits);
      return new UploadClient(base, http, responseLimits);
    }
  }
}
