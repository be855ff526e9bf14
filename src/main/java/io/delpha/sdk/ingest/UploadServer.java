package io.delpha.sdk.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.ingest.internal.FileChecks;
import io.delpha.sdk.ingest.internal.Registry.Customer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload endpoint (the seed's server side), on the JDK's HTTP server, with the same
 * authentication (HTTP Basic) and constraints as {@link BatchIngestor#fetch}. {@link UploadClient} speaks
 * it. An upload is a session whose files are held aside until the commit stages them all:
 *
 * <ul>
 *   <li>{@code GET /constraints}: the customer's constraints in the seed's JSON shape</li>
 *   <li>{@code POST /uploads}: opens an upload, {@code 201 {"upload":"<id>"}}</li>
 *   <li>{@code PUT /uploads/<id>/files/<name>}: one file, checked at once: {@code 200}, or {@code 422
 *       {"reason":...}} (format, content, size, count)</li>
 *   <li>{@code POST /uploads/<id>/commit}: stages the held files, {@code 200
 *       {"accepted":[{"name","key","size"}],"rejected":[{"name","reason"}]}}</li>
 * </ul>
 * Wrong credentials are {@code 401} and nothing is held or staged. Serve it behind TLS (a reverse proxy)
 * outside a trusted network: Basic credentials are only encoded.
 */
public final class UploadServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UploadServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BatchIngestor ingestor;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Path holding;
  private final Map<String, Upload> uploads = new ConcurrentHashMap<>();

  private record Upload(String customer, Path dir, Map<String, Path> files) {}

  private UploadServer(BatchIngestor ingestor, HttpServer server, ExecutorService executor, Path holding) {
    this.ingestor = ingestor;
    this.server = server;
    this.executor = executor;
    this.holding = holding;
  }

  static UploadServer start(BatchIngestor ingestor, InetSocketAddress address) {
    try {
      HttpServer http = HttpServer.create(address, 0);
      ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "upload-server");
        t.setDaemon(true);
        return t;
      });
      UploadServer s = new UploadServer(ingestor, http, pool, Files.createTempDirectory("delpha-uploads-"));
      http.createContext("/", s::handle);
      http.setExecutor(pool);
      http.start();
      LOG.info("upload endpoint listening on {}", s.uri());
      return s;
    } catch (IOException e) {
      throw new ServiceUnavailableException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
  }

  /**
   * @return the base URI, e.g. {@code http://127.0.0.1:41234/}
   */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getHostString() + ":" + a.getPort() + "/");
  }

  /** Stops listening and drops uploads that were never committed. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    uploads.values().forEach(u -> deleteQuietly(u.dir()));
    deleteQuietly(holding);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String[] path = ex.getRequestURI().getPath().replaceAll("^/+|/+$", "").split("/");
      String method = ex.getRequestMethod();
      Customer customer;
      try {
        customer = authenticate(ex);
      } catch (AuthenticationException e) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"delpha-ingest\"");
        reply(ex, 401, error(e.getMessage()));
        return;
      }
      if (method.equals("GET") && path.length == 1 && path[0].equals("constraints")) {
        reply(ex, 200, customer.constraints().toJson());
      } else if (method.equals("POST") && path.length == 1 && path[0].equals("uploads")) {
        String id = UUID.randomUUID().toString();
        uploads.put(id, new Upload(customer.id(), Files.createDirectory(holding.resolve(id)), new LinkedHashMap<>()));
        reply(ex, 201, JSON.createObjectNode().put("upload", id).toString());
      } else if (path.length >= 2 && path[0].equals("uploads")) {
        Upload u = uploads.get(path[1]);
        if (u == null || !u.customer().equals(customer.id())) {
          reply(ex, 404, error("no open upload " + path[1] + " for this customer"));
        } else if (method.equals("PUT") && path.length == 4 && path[2].equals("files")) {
          receive(ex, customer, u, path[3]);
        } else if (method.equals("POST") && path.length == 3 && path[2].equals("commit")) {
          commit(ex, u, path[1]);
        } else {
          reply(ex, 404, error("no such endpoint"));
        }
      } else {
        reply(ex, 404, error("no such endpoint"));
      }
    } catch (DelphaException e) {
      reply(ex, 503, error(e.getMessage()));
    }
  }

  private void receive(HttpExchange ex, Customer customer, Upload u, String name) throws IOException {
    long declared = Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Length")).map(Long::parseLong).orElse(-1L);
    Optional<String> bad;
    synchronized (u) {
      bad = u.files().size() >= customer.constraints().numberFiles()
          ? Optional.of("upload already holds " + u.files().size() + " files; the limit is "
              + customer.constraints().numberFiles() + " per upload")
          : u.files().containsKey(name) ? Optional.of("file " + name + " was already sent in this upload")
          : FileChecks.check(name, Math.max(declared, 1), customer.constraints());
    }
    if (bad.isPresent()) {
      reply(ex, 422, JSON.createObjectNode().put("reason", bad.get()).toString());
      return;
    }
    Path held = u.dir().resolve(name);
    long limit = customer.constraints().maxFileBytes();
    try (InputStream in = ex.getRequestBody(); OutputStream out = Files.newOutputStream(held)) {
      long n = in.transferTo(out);
      bad = n > limit ? FileChecks.check(name, n, customer.constraints()) : Optional.empty();
    }
    if (bad.isEmpty()) {
      bad = FileChecks.check(name, Files.size(held), customer.constraints());
    }
    if (bad.isEmpty()) {
      try (InputStream in = Files.newInputStream(held)) {
        bad = FileChecks.sniff(name, in);
      }
    }
    if (bad.isPresent()) {
      Files.deleteIfExists(held);
      reply(ex, 422, JSON.createObjectNode().put("reason", bad.get()).toString());
      return;
    }
    synchronized (u) {
      u.files().put(name, held);
    }
    reply(ex, 200, JSON.createObjectNode().put("name", name).put("size", Files.size(held)).toString());
  }

  private void commit(HttpExchange ex, Upload u, String id) throws IOException {
    uploads.remove(id);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode accepted = body.putArray("accepted");
    ArrayNode rejected = body.putArray("rejected");
    for (Map.Entry<String, Path> f : u.files().entrySet()) {
      String key = BatchIngestor.incoming(u.customer()) + f.getKey();
      try {
        long size = Files.size(f.getValue());
        ingestor.staging().putIfAbsent(key, f.getValue());
        accepted.addObject().put("name", f.getKey()).put("key", key).put("size", size);
      } catch (ConflictException e) {
        rejected.addObject().put("name", f.getKey())
            .put("reason", "a file named " + f.getKey() + " is already staged and not yet ingested");
      }
    }
    deleteQuietly(u.dir());
    LOG.info("customer {} committed an upload: {} staged, {} refused", u.customer(), accepted.size(), rejected.size());
    reply(ex, 200, body.toString());
  }

  private Customer authenticate(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw new AuthenticationException("HTTP Basic credentials are required");
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new AuthenticationException("malformed Basic credentials");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new AuthenticationException("malformed Basic credentials");
    }
    return ingestor.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  private static String error(String message) {
    return JSON.createObjectNode().put("error", message).toString();
  }

  private static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var s = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(s.toList());
      java.util.Collections.reverse(all);
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // temporary holding files; the OS cleans its temp folder
    }
  }
}
