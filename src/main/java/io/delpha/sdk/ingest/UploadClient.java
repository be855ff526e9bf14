package io.delpha.sdk.ingest;

import io.delpha.sdk.core.internal.JsonSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.http.BoundedBody;
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
import io.delpha.sdk.core.internal.http.TrustedCa;
import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The client side of {@link UploadServer}, for customers on other machines: the
 * original Python service's {@code fetchdata} script as a class. It fetches the customer's constraints, checks every file before
 * sending any, sends the passing ones and commits the upload, which stages them.
 *
 * <pre>{@code
 * FetchReport r = UploadClient.to(URI.create("http://ingest.example:8080/"))
 *     .fetch("customer-1", "password-1", Path.of("client-input-dir"));
 * }</pre>
 */
public final class UploadClient {

  private static final ObjectMapper JSON = JsonSupport.MAPPER;
  private static final Logger LOG = LoggerFactory.getLogger(UploadClient.class);

  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
  private static final ResponseLimits LIMITS = ResponseLimits.defaults();

  private final URI base;
  private final HttpCaller http;

  private UploadClient(URI base, @Nullable SSLContext tls) {
    this.base = base;
    this.http = new HttpCaller(HttpCaller.newClient(HttpCaller.DEFAULT_CONNECT_TIMEOUT, HttpClient.Redirect.NEVER, tls),
        "the upload server", REQUEST_TIMEOUT, Retrier.of(RetryPolicy.defaults()));
  }

  /**
   * @param endpoint the upload server's base URI ({@code https} trusts the JDK's default CAs)
   * @return a client
   */
  public static UploadClient to(URI endpoint) {
    return new UploadClient(base(endpoint), null);
  }

  /**
   * @param endpoint the upload server's base URI, {@code https}
   * @param caPem the PEM certificate of the CA that signed the server's certificate (a private CA)
   * @return a client trusting that CA only; the server's certificate must match the host dialled
   * @throws io.delpha.sdk.core.TlsException if the file cannot be read as PEM certificates
   */
  public static UploadClient to(URI endpoint, Path caPem) {
    return new UploadClient(base(endpoint), TrustedCa.sslContext(caPem));
  }

  private static URI base(URI endpoint) {
    String s = Objects.requireNonNull(endpoint, "endpoint").toString();
    if (!s.startsWith("https:") && !isLoopback(endpoint)) {
      LOG.warn("sending credentials to {} over plain HTTP; use https outside loopback", endpoint.getHost());
    }
    return URI.create(s.endsWith("/") ? s : s + "/");
  }

  private static boolean isLoopback(URI uri) {
    String h = uri.getHost();
    return h != null && (h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1"));
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
   * @throws ServiceUnavailableException if the server cannot be reached
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
   * @throws ServiceUnavailableException if the server cannot be reached
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
    IngestionConstraints constraints = IngestionConstraints.fromJson(call("GET constraints", HttpCaller.TRANSIENT,
        http.request(base.resolve("constraints")).header("Authorization", auth).GET().build(), 200).toString());
    FileChecks.Selection selection = FileChecks.select(clientInputDir, constraints);
    List<RejectedFile> rejected = selection.rejected();
    List<Path> passing = selection.passing();
    if (passing.isEmpty()) {
      return new FetchReport(customerId, List.of(), rejected);
    }
    String upload = call("POST uploads", HttpCaller.ASKED_TO_RETRY, http.request(base.resolve("uploads"))
        .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(), 201).get("upload").asText();
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
        HttpRequest put;
        try {
          put = http.upload(base.resolve("uploads/" + upload + "/files/" + name)).header("Authorization", auth)
              .PUT(counting(HttpRequest.BodyPublishers.ofFile(f), n -> {
                fileSent.addAndGet(n);
                progress.onProgress(new ProgressListener.Progress("upload", sent.addAndGet(n), totalBytes, "bytes"));
              })).build();
        } catch (IOException e) {
          throw new DataFormatException("cannot read " + name + " to send it: " + e.getMessage(), e);
        }
        Answer answer = send("send " + name, put);
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
    List<StagedFile> accepted = new ArrayList<>();
    done.path("accepted").forEach(n -> accepted.add(new StagedFile(n.path("name").asText(), n.path("key").asText(),
        n.path("size").asLong())));
    done.path("rejected").forEach(n -> rejected.add(new RejectedFile(n.path("name").asText(), n.path("reason").asText())));
    return new FetchReport(customerId, accepted, rejected);
  }

  private static long sizeOf(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0;
    }
  }

  /** A body publisher that tells {@code sent} how many bytes each buffer handed to the connection holds. */
  private static HttpRequest.BodyPublisher counting(HttpRequest.BodyPublisher body, LongConsumer sent) {
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return body.contentLength();
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> downstream) {
        body.subscribe(new Flow.Subscriber<ByteBuffer>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            downstream.onSubscribe(subscription);
          }

          @Override
          public void onNext(ByteBuffer item) {
            int n = item.remaining();
            downstream.onNext(item);
            sent.accept(n);
          }

          @Override
          public void onError(Throwable error) {
            downstream.onError(error);
          }

          @Override
          public void onComplete() {
            downstream.onComplete();
          }
        });
      }
    };
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
   * One exchange, its body read under the {@link ResponseLimits} defaults (64 MiB, within 5 minutes, JSON depth 256),
   * an error answer's first 64 KiB only: what the server sends is bounded before it is kept. Redirects are not
   * followed (the client is built with {@code Redirect.NEVER}), so the credentials go to {@code base} only.
   */
  private Answer send(String what, HttpRequest request) {
    HttpResponse<InputStream> response = http.send(what, request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() >= 300) {
      return new Answer(response, HttpCaller.drain(response.body()));
    }
    try (InputStream in = BoundedBody.whole(response.body(), what, LIMITS)) {
      return new Answer(response, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      ResponseLimitException limit = BoundedBody.limitOf(e);
      if (limit != null) {
        throw limit;
      }
      throw new ServiceUnavailableException(what + ": the upload server stopped answering mid-body", e);
    }
  }

  private static JsonNode json(String body) {
    if (body.isBlank()) {
      throw new DataFormatException("the upload server answered something that is not JSON (an empty body)");
    }
    return BoundedBody.parseJson(body, "the upload server's answer", LIMITS);
  }

  private RuntimeException failure(Answer a) {
    HttpResponse<InputStream> r = a.response();
    int status = r.statusCode();
    String body = HttpCaller.withoutCredentials(r.request(), a.body());
    String message;
    try {
      JsonNode error = BoundedBody.parseJson(body, "the upload server's error", LIMITS);
      message = error.path("message").asText(error.path("error").asText(body));
    } catch (DataFormatException e) {
      message = body;
    }
    if (status == 401) {
      return new AuthenticationException("the upload server refused the credentials: " + message);
    }
    if (status == 400 || status == 422) {
      return new DataFormatException("upload server " + base + ": " + message);
    }
    return HttpCaller.failure(r, "upload server " + base + " answered " + status + ": " + message);
  }
}
