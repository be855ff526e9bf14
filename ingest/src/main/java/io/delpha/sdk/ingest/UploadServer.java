package io.delpha.sdk.ingest;

import io.delpha.sdk.core.internal.JsonSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.server.Exchange;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.server.HttpException;
import io.delpha.sdk.server.HttpService;
import io.delpha.sdk.server.HttpService.Route;
import io.delpha.sdk.ingest.internal.FileChecks;
import io.delpha.sdk.ingest.internal.Registry.Customer;
import io.delpha.sdk.ingest.internal.StagingKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload endpoint over HTTP, with the same authentication (HTTP Basic) and
 * constraints as {@link BatchIngestor#fetch}. {@link UploadClient} speaks it. An upload is a session
 * whose files are held aside until the commit stages them all:
 *
 * <ul>
 *   <li>{@code GET /constraints}: the customer's constraints in the original service's JSON shape</li>
 *   <li>{@code POST /uploads}: opens an upload, {@code 201 {"upload":"<id>"}}; {@code 429} when the
 *       customer already has {@value #MAX_OPEN_UPLOADS} open</li>
 *   <li>{@code PUT /uploads/<id>/files/<name>}: one file, checked at once: {@code 200}, {@code 413} once
 *       the body passes the customer's {@code data_sizes} (cut while streaming), or {@code 422
 *       {"reason":...}} (format, content, count); {@code 409} for a name being sent or sent already</li>
 *   <li>{@code POST /uploads/<id>/commit}: stages the held files, {@code 200
 *       {"accepted":[{"name","key","size"}],"rejected":[{"name","reason"}]}}</li>
 * </ul>
 *
 * <p>Runs on the library's one HTTP foundation (Jetty): idle timeouts, bounded connections, header
 * limits and HTTPS come from {@link ServerOptions}; plain HTTP only on loopback unless asked for. Wrong
 * credentials are {@code 401} and nothing is held or staged; an unknown customer costs the same password
 * work as a wrong password, and password checks run a bounded number at a time. Parallel PUTs never hold
 * more than {@code number_files} files; a commit racing a PUT stages only the files complete before it
 * (the late PUT answers 409 and keeps nothing). Uploads left open expire after {@link #IDLE_EXPIRY}.
 * Errors are {@code {"error": code, "message": text}}.
 */
public final class UploadServer implements UploadEndpoint {

  /** Open uploads a customer may hold at once. */
  public static final int MAX_OPEN_UPLOADS = 8;
  /** How long an upload may see no request before it is dropped with its held files. */
  public static final Duration IDLE_EXPIRY = Duration.ofMinutes(15);

  private static final Logger LOG = LoggerFactory.getLogger(UploadServer.class);
  private static final ObjectMapper JSON = JsonSupport.MAPPER;
  private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Basic realm=\"delpha-ingest\"");

  private final BatchIngestor ingestor;
  private final Path holding;
  private final Clock clock;
  private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
  private final ClosedGuard guard = new ClosedGuard("this UploadServer");
  // set by the factory right after construction (its routes call this instance), before the server is returned
  @SuppressWarnings("NullAway.Init")
  private HttpService http;

  /** An open upload; its fields are guarded by its own monitor. */
  private static final class Upload {
    final String id;
    final String customer;
    final Path dir;
    final Map<String, Path> files = new LinkedHashMap<>();
    final Set<String> receiving = new HashSet<>();
    Instant lastActivity;
    boolean closed;

    Upload(String id, String customer, Path dir, Instant now) {
      this.id = id;
      this.customer = customer;
      this.dir = dir;
      this.lastActivity = now;
    }
  }

  private UploadServer(BatchIngestor ingestor, Path holding, Clock clock) {
    this.ingestor = ingestor;
    this.holding = holding;
    this.clock = clock;
  }

  static UploadServer start(BatchIngestor ingestor, ServerOptions options, Clock clock) {
    Path holding;
    try {
      holding = Files.createTempDirectory("delpha-uploads-");
    } catch (IOException e) {
      throw new ServiceUnavailableException("cannot create the upload holding folder: " + e.getMessage(), e);
    }
    UploadServer s = new UploadServer(ingestor, holding, clock);
    ingestor.prepareDummyHash(); // so that the first refusal of an unknown customer costs no more than later ones
    s.http = HttpService.start("upload-endpoint", options, List.of(
        new Route("GET", "/constraints", s::constraints),
        new Route("POST", "/uploads", s::open),
        new Route("PUT", "/uploads/{id}/files/{name}", s::receive),
        new Route("POST", "/uploads/{id}/commit", s::commit)), ingestor.config().metrics());
    return s;
  }

  /**
   * @return the base URI, e.g. {@code http://127.0.0.1:41234/} ({@code https} with TLS)
   */
  @Override
  public URI uri() {
    guard.check();
    return http.uri();
  }

  /** The folder holding files of open uploads (tests measure what reaches the disk). */
  Path holding() {
    return holding;
  }

  /**
   * Stops listening and drops uploads that were never committed. Idempotent; afterwards {@link #uri()} throws
   * {@link ClosedException}.
   */
  @Override
  public void close() {
    if (!guard.close()) {
      return;
    }
    http.close();
    uploads.values().forEach(u -> deleteQuietly(u.dir));
    uploads.clear();
    deleteQuietly(holding);
  }

  private void constraints(Exchange ex) throws IOException {
    Customer c = authenticate(ex);
    ex.respond(200, c.constraints().toJson().getBytes(StandardCharsets.UTF_8));
  }

  private void open(Exchange ex) throws IOException {
    Customer c = authenticate(ex);
    expireIdle();
    String id = UUID.randomUUID().toString();
    synchronized (uploads) {
      long open = uploads.values().stream().filter(u -> u.customer.equals(c.id())).count();
      if (open >= MAX_OPEN_UPLOADS) {
        throw new HttpException(429, "too_many_uploads", "customer already has " + open + " open uploads (the limit is "
            + MAX_OPEN_UPLOADS + "); commit them or wait " + IDLE_EXPIRY.toMinutes() + " minutes for them to expire");
      }
      uploads.put(id, new Upload(id, c.id(), createDir(holding.resolve(id)), clock.instant()));
    }
    ex.respond(201, JSON.createObjectNode().put("upload", id));
  }

  private void receive(Exchange ex) throws IOException {
    Customer customer = authenticate(ex);
    Upload u = upload(ex, customer);
    String name = ex.param("name");
    Optional<String> bad = FileChecks.check(name, 1, customer.constraints());
    if (bad.isPresent()) {
      ex.respond(422, JSON.createObjectNode().put("reason", bad.get()));
      return;
    }
    int limit = customer.constraints().numberFiles();
    synchronized (u) {
      if (u.closed) {
        throw new HttpException(404, "not_found", "no open upload " + u.id + " for this customer");
      }
      if (u.files.containsKey(name) || u.receiving.contains(name)) {
        throw new HttpException(409, "conflict", "file " + name + " is being sent or was sent already in this upload");
      }
      // a file kept stays in receiving until its exchange completes: counted once
      int holds = u.files.size();
      for (String other : u.receiving) {
        holds += u.files.containsKey(other) ? 0 : 1;
      }
      if (holds >= limit) {
        ex.respond(422, JSON.createObjectNode().put("reason", "upload already holds " + holds + " files; the limit is "
            + limit + " per upload"));
        return;
      }
      u.receiving.add(name);
      u.lastActivity = clock.instant();
    }
    Path held = u.dir.resolve(name);
    AtomicBoolean kept = new AtomicBoolean();
    ex.onComplete(() -> {
      synchronized (u) {
        u.receiving.remove(name);
      }
      if (!kept.get()) {
        try {
          Files.deleteIfExists(held);
        } catch (IOException e) {
          LOG.debug("cannot delete a refused file of upload {}: {}", u.id, e.toString());
        }
      }
      deleteIfFinished(u);
    });
    // the body arrives without holding a thread; what follows runs once it is whole
    ex.receiveBody(customer.constraints().maxFileBytes(), held, whole -> kept.set(keep(whole, customer, u, name, held)));
  }

  /** Checks a file received whole and keeps it in its upload, or answers why not. @return whether it was kept */
  private boolean keep(Exchange ex, Customer customer, Upload u, String name, Path held) throws IOException {
    synchronized (u) {
      if (u.closed) {
        throw committedMeanwhile(name, held, u);
      }
    }
    long size = Files.size(held);
    Optional<String> bad = FileChecks.check(name, size, customer.constraints());
    if (bad.isEmpty()) {
      try (InputStream in = Files.newInputStream(held)) {
        bad = FileChecks.sniff(name, in);
      }
    }
    if (bad.isPresent()) {
      Files.deleteIfExists(held); // a refused file is gone before the client reads why
      ex.respond(422, JSON.createObjectNode().put("reason", bad.get()));
      return false;
    }
    synchronized (u) {
      if (u.closed) {
        throw committedMeanwhile(name, held, u);
      }
      u.files.put(name, held);
      u.lastActivity = clock.instant();
    }
    ex.respond(200, JSON.createObjectNode().put("name", name).put("size", size));
    return true;
  }

  /**
   * The answer to a PUT that finished after its upload's commit: its file is deleted, and the upload's folder too if
   * no other PUT still writes into it, before the answer is sent.
   */
  private static HttpException committedMeanwhile(String name, Path held, Upload u) throws IOException {
    Files.deleteIfExists(held);
    synchronized (u) {
      u.receiving.remove(name);
    }
    deleteIfFinished(u);
    return new HttpException(409, "conflict", "the upload was committed while " + name + " was being sent; send it "
        + "again in a new upload");
  }

  /** Removes a closed upload's folder once no PUT is still writing into it. */
  private static void deleteIfFinished(Upload u) {
    synchronized (u) {
      if (u.closed && u.receiving.isEmpty()) {
        deleteQuietly(u.dir);
      }
    }
  }

  private void commit(Exchange ex) throws IOException {
    Customer customer = authenticate(ex);
    Upload u = upload(ex, customer);
    Map<String, Path> files;
    synchronized (u) {
      if (u.closed) {
        throw new HttpException(404, "not_found", "no open upload " + u.id + " for this customer");
      }
      u.closed = true;
      files = new LinkedHashMap<>(u.files);
    }
    uploads.remove(u.id);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode accepted = body.putArray("accepted");
    ArrayNode rejected = body.putArray("rejected");
    for (Map.Entry<String, Path> f : files.entrySet()) {
      String key = StagingKeys.incoming(u.customer) + f.getKey();
      try {
        long size = Files.size(f.getValue());
        ingestor.staging().putIfAbsent(key, f.getValue());
        accepted.addObject().put("name", f.getKey()).put("key", key).put("size", size);
      } catch (ConflictException e) {
        rejected.addObject().put("name", f.getKey())
            .put("reason", "a file named " + f.getKey() + " is already staged and not yet ingested");
      }
    }
    deleteIfFinished(u);
    LOG.info("customer {} committed an upload: {} staged, {} refused", u.customer, accepted.size(), rejected.size());
    ex.respond(200, body);
  }

  private Upload upload(Exchange ex, Customer customer) {
    expireIdle();
    Upload u = uploads.get(ex.param("id"));
    if (u == null || !u.customer.equals(customer.id())) {
      throw new HttpException(404, "not_found", "no open upload " + ex.param("id") + " for this customer");
    }
    return u;
  }

  /** Drops uploads idle for longer than {@link #IDLE_EXPIRY}, with their held files. */
  private void expireIdle() {
    Instant cutoff = clock.instant().minus(IDLE_EXPIRY);
    List<Upload> expired = new ArrayList<>();
    for (Upload u : uploads.values()) {
      synchronized (u) {
        if (!u.closed && u.receiving.isEmpty() && u.lastActivity.isBefore(cutoff)) {
          u.closed = true;
          expired.add(u);
        }
      }
    }
    for (Upload u : expired) {
      uploads.remove(u.id);
      deleteIfFinished(u);
      LOG.info("upload {} of customer {} expired after {} idle", u.id, u.customer, IDLE_EXPIRY);
    }
  }

  private Customer authenticate(Exchange ex) {
    String header = ex.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw new HttpException(401, "unauthorized", "HTTP Basic credentials are required", CHALLENGE);
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new HttpException(401, "unauthorized", "malformed Basic credentials", CHALLENGE);
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new HttpException(401, "unauthorized", "malformed Basic credentials", CHALLENGE);
    }
    try {
      String customer = decoded.substring(0, colon);
      Customer c = http.passwordCheck(ex, customer, () -> ingestor.authenticate(customer, decoded.substring(colon + 1)));
      ex.authenticated();
      return c;
    } catch (AuthenticationException e) {
      throw new HttpException(401, "unauthorized", "unknown customer or wrong password", CHALLENGE);
    }
  }

  private static Path createDir(Path dir) {
    try {
      return Files.createDirectory(dir);
    } catch (IOException e) {
      throw new ServiceUnavailableException("cannot create an upload folder: " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      io.delpha.sdk.core.internal.Folders.deleteTree(dir);
    } catch (IOException ignored) {
      // temporary holding files; the OS cleans its temp folder
    }
  }

  @Override
  public String toString() {
    return "UploadServer[" + (guard.isClosed() ? "closed" : http.uri()) + "]";
  }
}
