package io.delpha.sdk.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.delpha.sdk.sharing.internal.Z85Text;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Delta Sharing server on loopback that serves real Delta tables (a folder of tables, each with its
 * {@code _delta_log} as Delta Lake wrote it) the way the protocol's delta response format describes: it replays
 * the log to the asked version, answers {@code protocol}/{@code metaData} lines wrapping the Delta actions and one
 * {@code file} line per {@code add} (and, for changes, {@code remove} and {@code cdc}) whose paths are URLs to this
 * server's {@code /files/}, and turns deletion vectors stored beside the table ({@code u}) into pre-signed-like
 * absolute URLs ({@code p}), or, in {@link DvStyle#INLINE}, into inline bitmaps ({@code i}), as sharing servers
 * do. A client that asks only for the parquet format gets the error a Databricks server gives for a table with
 * deletion vectors or column mapping.
 *
 * <p>Written from the protocol and Delta's PROTOCOL.md, not from the client, and held by a second reader (a
 * Spark JVM with Delta Lake reading this server's answers, {@code -Pdelta-oracle}).
 */
final class DeltaLogServer implements AutoCloseable {

  static final String SHARE = "fixtures";
  static final String SCHEMA = "delta";
  static final String TOKEN = "delta-log-server-token";
  /** The user name of HTTP Basic credentials the server accepts, with {@link #TOKEN} as the password. */
  static final String BASIC_USER = "recipient";

  /** How deletion vectors stored beside the table are handed out. */
  enum DvStyle { PATH_URL, INLINE }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path tables;
  private final HttpServer server;
  private final DvStyle dvStyle;
  private final AtomicInteger fileRequests = new AtomicInteger();
  private final Map<String, Integer> dvRequests = new ConcurrentHashMap<>();
  private final List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());

  // ------------------------------------------------------------------ paged and async queries (PROTOCOL.md)

  /** How the server pages a query whose body (or changes query string) names {@code maxFiles}. */
  enum Paging {
    /** As the protocol says: {@code nextPageToken} in the {@code endStreamAction} until the last page. */
    NORMAL,
    /** From the third page on, the next token is the one the first page handed out: a loop. */
    LOOP,
    /** Every page token is refused with a 400, as a server refuses an expired one. */
    EXPIRE
  }

  volatile Paging paging = Paging.NORMAL;
  /** Whether a query asking {@code asyncquery=true} is run asynchronously (else answered at once). */
  volatile boolean asyncServed;
  /** Whether every query is run asynchronously, asked or not (a server may answer a pending query unasked). */
  volatile boolean asyncUnasked;
  /** How many polls of an async query are answered {@code pending} before its files. */
  volatile int pendingPolls = 2;
  /** Whether an async query's polls answer {@code failed}. */
  volatile boolean failQuery;
  /** Whether the first async submission is registered, then answered 503 (the client must retry it). */
  volatile boolean failFirstSubmission;
  /** The {@code fileidhash} echoed: {@code null} echoes what was asked, {@code ""} echoes nothing. */
  volatile String fileIdHashEcho;
  /** Whether the first answer of each page hands out URLs that expired a second ago (later answers fresh ones). */
  volatile boolean expireFirstUrls;
  private final Set<String> pagesAnswered = ConcurrentHashMap.newKeySet();
  /** When set, a changes query asking {@code includeHistoricalProtocol} gets a protocol line naming this feature. */
  volatile String historicalReaderFeature;

  private record AsyncQuery(String id, String table, long version, AtomicInteger polls) {}

  private final Map<String, Integer> pageTokens = new ConcurrentHashMap<>();
  private final Map<String, AsyncQuery> queriesByKey = new ConcurrentHashMap<>();
  private final Map<String, AsyncQuery> queriesById = new ConcurrentHashMap<>();
  private final AtomicInteger submissions = new AtomicInteger();
  private final AtomicInteger polls = new AtomicInteger();
  private final List<Integer> filesPerAnswer = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<String> filesServed = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<String> queryStrings = java.util.Collections.synchronizedList(new ArrayList<>());

  /** @return how many async submissions (POST .../query with asyncquery=true) arrived, retries included */
  int submissions() {
    return submissions.get();
  }

  /** @return how many async queries were started (one per idempotency key) */
  int queriesStarted() {
    return queriesByKey.size();
  }

  /** @return how many Get Query Info requests arrived */
  int polls() {
    return polls.get();
  }

  /** @return the number of file lines of each query or changes answer, in order */
  List<Integer> filesPerAnswer() {
    return filesPerAnswer;
  }

  /** @return the data file paths downloaded, in order */
  List<String> filesServed() {
    return filesServed;
  }

  /** @return the query strings of the changes requests */
  List<String> changesQueries() {
    return queryStrings;
  }

  DeltaLogServer(Path tables, DvStyle dvStyle) throws IOException {
    this.tables = tables;
    this.dvStyle = dvStyle;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/sharing/", this::sharing);
    server.createContext("/files/", this::file);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/sharing";
  }

  int fileRequests() {
    return fileRequests.get();
  }

  /** @return how often each deletion vector file was fetched */
  Map<String, Integer> dvRequests() {
    return dvRequests;
  }

  /** @return the NDJSON bodies of the query and changes answers, in order */
  List<String> answers() {
    return answers;
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  // ------------------------------------------------------------------------------------------ the protocol

  private void sharing(HttpExchange ex) throws IOException {
    try (ex) {
      answerSharing(ex);
    }
  }

  private void answerSharing(HttpExchange ex) throws IOException {
    try {
      String authorization = ex.getRequestHeaders().getFirst("Authorization");
      if (!("Bearer " + TOKEN).equals(authorization) && !("Basic " + java.util.Base64.getEncoder().encodeToString(
          (BASIC_USER + ":" + TOKEN).getBytes(StandardCharsets.UTF_8))).equals(authorization)) {
        error(ex, 401, "UNAUTHENTICATED", "bad token");
        return;
      }
      String[] parts = ex.getRequestURI().getPath().substring("/sharing/".length()).split("/");
      // shares/{share}/schemas/{schema}/tables/{table}/{op}, or .../queries/{queryId}
      boolean info = parts.length == 8 && parts[6].equals("queries");
      if ((parts.length != 7 && !info) || !parts[0].equals("shares") || !parts[1].equals(SHARE) || !parts[3].equals(SCHEMA)) {
        error(ex, 404, "RESOURCE_DOES_NOT_EXIST", "no such path");
        return;
      }
      Path table = tables.resolve(parts[5]);
      if (!Files.isDirectory(table.resolve("_delta_log"))) {
        error(ex, 404, "RESOURCE_DOES_NOT_EXIST", "no table " + parts[5]);
        return;
      }
      Map<String, String> caps = capabilities(ex.getRequestHeaders().getFirst("delta-sharing-capabilities"));
      boolean delta = List.of(caps.getOrDefault("responseformat", "parquet").split(",")).contains("delta");
      long latest = latestVersion(table);
      if (info) {
        answerQueryInfo(ex, table, parts[5], URLDecoder.decode(parts[7], StandardCharsets.UTF_8), delta, caps);
        return;
      }
      switch (parts[6]) {
        case "version" -> {
          ex.getResponseHeaders().add("Delta-Table-Version", Long.toString(latest));
          ex.sendResponseHeaders(200, -1);
        }
        case "metadata" -> answer(ex, table, parts[5], latest, delta, caps);
        case "query" -> {
          JsonNode body = JSON.readTree(ex.getRequestBody());
          long v = body.hasNonNull("version") ? body.get("version").asLong() : latest;
          if (v < 0 || v > latest) {
            // as Delta answers time travel past the table's versions
            error(ex, 400, "INVALID_PARAMETER_VALUE", "Cannot time travel Delta table to version " + v
                + ". Available versions: [0, " + latest + "].");
            return;
          }
          if ("true".equals(caps.get("asyncquery")) && asyncServed || asyncUnasked) {
            submit(ex, parts[5], v, body);
            return;
          }
          answerPage(ex, table, parts[5], v, delta, caps, body.path("maxFiles").asInt(0),
              body.hasNonNull("pageToken") ? body.get("pageToken").asText() : null);
        }
        case "changes" -> {
          Map<String, String> q = query(ex.getRequestURI());
          queryStrings.add(ex.getRequestURI().getRawQuery());
          long start = Long.parseLong(q.get("startingVersion"));
          long end = q.containsKey("endingVersion") ? Long.parseLong(q.get("endingVersion")) : latest;
          answerChanges(ex, table, parts[5], start, end, delta, caps, q);
        }
        default -> error(ex, 404, "RESOURCE_DOES_NOT_EXIST", "no such operation");
      }
    } catch (RuntimeException | IOException | Error e) {
      e.printStackTrace();
      error(ex, 500, "INTERNAL_ERROR", e.toString());
    }
  }

  /** A metadata answer. */
  private void answer(HttpExchange ex, Path table, String name, long version, boolean delta,
      Map<String, String> caps) throws IOException {
    answerPage(ex, table, name, version, delta, caps, false, 0, null);
  }

  /** A query's answer, one page of it when {@code maxFiles > 0} or a page token is given. */
  private void answerPage(HttpExchange ex, Path table, String name, long version, boolean delta,
      Map<String, String> caps, int maxFiles, String pageToken) throws IOException {
    answerPage(ex, table, name, version, delta, caps, true, maxFiles, pageToken);
  }

  /** A metadata answer ({@code files} false) or a query's, one page of it when paged. */
  private void answerPage(HttpExchange ex, Path table, String name, long version, boolean delta,
      Map<String, String> caps, boolean withFiles, int maxFiles, String pageToken) throws IOException {
    Snapshot s = replay(table, version);
    if (!delta && needsDelta(s.protocol)) {
      error(ex, 400, "DS_UNSUPPORTED_DELTA_TABLE_FEATURES", "Table features delta.enableDeletionVectors are found "
          + "in table version: " + version + ". Use delta-sharing-spark 3.1+ with responseFormat=delta.");
      return;
    }
    if (!delta) {
      error(ex, 400, "INVALID_PARAMETER_VALUE", "this test server answers the delta format only");
      return;
    }
    StringBuilder head = new StringBuilder();
    head.append(line("protocol", line("deltaProtocol", s.protocol))).append('\n');
    ObjectNode meta = JSON.createObjectNode();
    meta.put("version", version);
    meta.set("deltaMetadata", s.metadata);
    head.append(line("metaData", meta)).append('\n');
    if (!withFiles) {
      if ("true".equals(caps.get("includeendstreamaction"))) {
        head.append("{\"endStreamAction\":{}}\n");
      }
      send(ex, head.toString(), version, caps);
      return;
    }
    List<String> files = new ArrayList<>();
    for (ObjectNode add : s.files.values()) {
      files.add(fileLine(table, name, "add", add.deepCopy(), null, null));
    }
    sendPaged(ex, head, files, maxFiles, pageToken, version, caps, name + "@" + version);
  }

  /**
   * Sends the head lines and the page of {@code files} a token names ({@code null}: the first), with an {@code
   * endStreamAction} naming the next page's token while more remain; a token the server does not know is a 400.
   */
  private void sendPaged(HttpExchange ex, StringBuilder head, List<String> files, int maxFiles, String pageToken,
      long version, Map<String, String> caps, String query) throws IOException {
    int from = 0;
    if (pageToken != null) {
      Integer offset = paging == Paging.EXPIRE ? null : pageTokens.get(pageToken);
      if (offset == null) {
        error(ex, 400, "INVALID_PARAMETER_VALUE", "The page token has expired or is invalid");
        return;
      }
      from = offset;
    }
    int to = maxFiles > 0 ? Math.min(files.size(), from + maxFiles) : files.size();
    StringBuilder out = new StringBuilder(head);
    boolean expired = expireFirstUrls && pagesAnswered.add(query + "/" + from);
    for (String f : files.subList(from, to)) {
      out.append(expired ? f.replaceAll("\"expirationTimestamp\":\\d+",
          "\"expirationTimestamp\":" + (System.currentTimeMillis() - 1000)) : f).append('\n');
    }
    filesPerAnswer.add(to - from);
    String next = null;
    if (to < files.size()) {
      if (paging == Paging.LOOP && from >= 2 * maxFiles) {
        next = tokenFor(query, maxFiles); // the token the first page handed out
      } else {
        next = tokenFor(query, to);
      }
    }
    ObjectNode end = JSON.createObjectNode();
    if (next != null) {
      end.put("nextPageToken", next);
    }
    end.put("minUrlExpirationTimestamp", System.currentTimeMillis() + 3_600_000);
    if (next != null || "true".equals(caps.get("includeendstreamaction"))) {
      out.append(line("endStreamAction", end)).append('\n');
    }
    send(ex, out.toString(), version, caps);
  }

  private String tokenFor(String query, int offset) {
    String token = "page-" + sha256(query + "/" + offset).substring(0, 12) + "-" + offset;
    pageTokens.put(token, offset);
    return token;
  }

  /** An async submission: the query of the key (started once per key), answered pending. */
  private void submit(HttpExchange ex, String table, long version, JsonNode body) throws IOException {
    int n = submissions.incrementAndGet();
    String key = body.path("idempotencyKey").asText("");
    AsyncQuery q = queriesByKey.computeIfAbsent(key.isEmpty() ? UUID.randomUUID().toString() : key,
        k -> new AsyncQuery("q-" + UUID.randomUUID(), table, version, new AtomicInteger()));
    queriesById.put(q.id(), q);
    if (failFirstSubmission && n == 1) {
      error(ex, 503, "TEMPORARILY_UNAVAILABLE", "the submission was accepted, but its answer was lost");
      return;
    }
    sendStatus(ex, q.id(), "pending", null);
  }

  /** Get Query Info: pending for {@link #pendingPolls} polls, then failed or the query's (paged) files. */
  private void answerQueryInfo(HttpExchange ex, Path table, String name, String id, boolean delta,
      Map<String, String> caps) throws IOException {
    polls.incrementAndGet();
    JsonNode body = JSON.readTree(ex.getRequestBody());
    AsyncQuery q = queriesById.get(id);
    if (q == null || !q.table().equals(name)) {
      error(ex, 404, "RESOURCE_DOES_NOT_EXIST", "The query is unknown or has expired");
      return;
    }
    if (q.polls().incrementAndGet() <= pendingPolls && !body.hasNonNull("pageToken")) {
      sendStatus(ex, id, "pending", null);
    } else if (failQuery) {
      sendStatus(ex, id, "failed", "the warehouse ran out of memory computing the query");
    } else {
      answerPage(ex, table, name, q.version(), delta, caps, body.path("maxFiles").asInt(0),
          body.hasNonNull("pageToken") ? body.get("pageToken").asText() : null);
    }
  }

  private void sendStatus(HttpExchange ex, String id, String status, String error) throws IOException {
    ObjectNode st = JSON.createObjectNode().put("queryId", id).put("status", status);
    if (error != null) {
      st.put("errorMessage", error);
    }
    byte[] bytes = (line("queryStatus", st) + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/x-ndjson; charset=utf-8");
    ex.getResponseHeaders().add("delta-sharing-capabilities", "asyncquery=true");
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(bytes);
    }
  }

  private void answerChanges(HttpExchange ex, Path table, String name, long start, long end, boolean delta,
      Map<String, String> caps, Map<String, String> q) throws IOException {
    if (!delta) {
      error(ex, 400, "DS_UNSUPPORTED_DELTA_TABLE_FEATURES", "use responseFormat=delta");
      return;
    }
    Snapshot s = replay(table, end);
    Properties timestamps = commitTimestamps(table);
    StringBuilder out = new StringBuilder();
    out.append(line("protocol", line("deltaProtocol", s.protocol))).append('\n');
    ObjectNode meta = JSON.createObjectNode();
    meta.put("version", start);
    meta.set("deltaMetadata", s.metadata);
    out.append(line("metaData", meta)).append('\n');
    List<String> files = new ArrayList<>();
    for (long v = start; v <= end; v++) {
      long ts = Long.parseLong(timestamps.getProperty(Long.toString(v), "0"));
      for (JsonNode action : commit(table, v)) {
        for (String kind : List.of("add", "remove", "cdc")) {
          if (action.has(kind)) {
            files.add(fileLine(table, name, kind, (ObjectNode) action.get(kind).deepCopy(), v, ts));
          }
        }
      }
      if ("true".equals(q.get("includeHistoricalProtocol")) && v > start) {
        // the protocol of a later version, as a server inlines it (a synthetic one naming a feature, when set)
        String feature = historicalReaderFeature;
        JsonNode p = null;
        for (JsonNode action : commit(table, v)) {
          if (action.has("protocol")) {
            p = action.get("protocol");
          }
        }
        if (feature != null && v == start + 1) {
          ObjectNode synthetic = JSON.createObjectNode().put("minReaderVersion", 3).put("minWriterVersion", 7);
          synthetic.putArray("readerFeatures").add(feature);
          synthetic.putArray("writerFeatures").add(feature);
          p = synthetic;
        }
        if (p != null) {
          ObjectNode wrapper = line("deltaProtocol", p);
          wrapper.put("version", v);
          files.add(line("protocol", wrapper).toString());
        }
      }
    }
    sendPaged(ex, out, files, Integer.parseInt(q.getOrDefault("maxFiles", "0")), q.get("pageToken"), end, caps,
        name + "/changes/" + start);
  }

  private String fileLine(Path table, String name, String kind, ObjectNode action, Long version, Long timestamp)
      throws IOException {
    String path = action.get("path").asText();
    ObjectNode wrapper = JSON.createObjectNode();
    wrapper.put("id", sha256(path));
    long expiry = System.currentTimeMillis() + 3_600_000;
    action.put("path", url(name, path, expiry));
    JsonNode dv = action.get("deletionVector");
    if (dv != null && !dv.isNull()) {
      String relative = dvPath(dv);
      if (relative != null) {
        if (dvStyle == DvStyle.INLINE) {
          byte[] file = Files.readAllBytes(table.resolve(relative));
          int offset = dv.get("offset").asInt();
          int size = dv.get("sizeInBytes").asInt();
          byte[] bitmap = java.util.Arrays.copyOfRange(file, offset + 4, offset + 4 + size);
          ObjectNode inline = JSON.createObjectNode();
          inline.put("storageType", "i");
          inline.put("pathOrInlineDv", z85(bitmap));
          inline.put("sizeInBytes", size);
          inline.put("cardinality", dv.get("cardinality").asLong());
          action.set("deletionVector", inline);
        } else {
          ObjectNode p = ((ObjectNode) dv).deepCopy();
          p.put("storageType", "p");
          p.put("pathOrInlineDv", url(name, relative, expiry));
          action.set("deletionVector", p);
          wrapper.put("deletionVectorFileId", sha256(relative));
        }
      }
    }
    if (version != null) {
      wrapper.put("version", version);
      wrapper.put("timestamp", timestamp);
    }
    wrapper.put("expirationTimestamp", expiry);
    if (action.has("size")) {
      wrapper.put("size", action.get("size").asLong());
    }
    wrapper.set("deltaSingleAction", line(kind, action));
    return line("file", wrapper).toString();
  }

  /** @return the path of an on-disk vector relative to the table's root, {@code null} for an inline one */
  private static String dvPath(JsonNode dv) {
    String type = dv.get("storageType").asText();
    String where = dv.get("pathOrInlineDv").asText();
    if (type.equals("u")) {
      String prefix = where.substring(0, where.length() - 20);
      UUID uuid = uuidFromZ85(where.substring(where.length() - 20));
      return (prefix.isEmpty() ? "" : prefix + "/") + "deletion_vector_" + uuid + ".bin";
    }
    if (type.equals("i")) {
      return null;
    }
    throw new IllegalStateException("the fixtures hold no absolute-path vector: " + dv);
  }

  private String url(String table, String path, long expiry) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + table + "/" + path
        + "?X-Expires=" + expiry + "&X-Signature=" + sha256(table + path + expiry).substring(0, 16);
  }

  private void send(HttpExchange ex, String body, long version, Map<String, String> caps) throws IOException {
    answers.add(body);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/x-ndjson; charset=utf-8");
    ex.getResponseHeaders().add("Delta-Table-Version", Long.toString(version));
    ex.getResponseHeaders().add("delta-sharing-capabilities", "responseformat=delta"
        + ("true".equals(caps.get("includeendstreamaction")) ? ";includeendstreamaction=true" : ""));
    String asked = ex.getRequestHeaders().getFirst("fileidhash");
    String echo = fileIdHashEcho != null ? fileIdHashEcho : asked == null ? null : asked.toLowerCase(Locale.ROOT);
    if (echo != null && !echo.isEmpty()) {
      ex.getResponseHeaders().add("fileidhash", echo);
    }
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(bytes);
    }
  }

  private void file(HttpExchange ex) throws IOException {
    try (ex) {
      String rel = ex.getRequestURI().getPath().substring("/files/".length());
      Path p = tables.resolve(rel).normalize();
      if (!p.startsWith(tables) || !Files.isRegularFile(p)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      if (p.getFileName().toString().startsWith("deletion_vector_")) {
        dvRequests.merge(rel, 1, Integer::sum);
      } else {
        fileRequests.incrementAndGet();
        filesServed.add(rel);
      }
      byte[] bytes = Files.readAllBytes(p);
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(bytes);
      }
    }
  }

  private static ObjectNode line(String key, JsonNode value) {
    ObjectNode n = JSON.createObjectNode();
    n.set(key, value);
    return n;
  }

  private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
    byte[] body = JSON.createObjectNode().put("errorCode", code).put("message", message).toString()
        .getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(body);
    }
  }

  // ------------------------------------------------------------------------------------------ the Delta log

  /** A table version: its protocol, metadata and live files keyed by path and deletion vector. */
  private record Snapshot(JsonNode protocol, JsonNode metadata, Map<String, ObjectNode> files) {}

  private static Snapshot replay(Path table, long version) throws IOException {
    JsonNode protocol = null;
    JsonNode metadata = null;
    Map<String, ObjectNode> files = new LinkedHashMap<>();
    for (long v = 0; v <= version; v++) {
      for (JsonNode action : commit(table, v)) {
        if (action.has("protocol")) {
          protocol = action.get("protocol");
        } else if (action.has("metaData")) {
          metadata = action.get("metaData");
        } else if (action.has("add")) {
          files.put(key(action.get("add")), (ObjectNode) action.get("add").deepCopy());
        } else if (action.has("remove")) {
          files.remove(key(action.get("remove")));
        }
      }
    }
    if (protocol == null || metadata == null) {
      throw new IllegalStateException("version " + version + " of " + table + " has no protocol or metadata");
    }
    return new Snapshot(protocol, metadata, files);
  }

  /** Delta's file key: the path and the deletion vector's unique id (PROTOCOL.md, "Add File and Remove File"). */
  private static String key(JsonNode fileAction) {
    JsonNode dv = fileAction.get("deletionVector");
    String id = dv == null || dv.isNull() ? "" : dv.get("storageType").asText() + dv.get("pathOrInlineDv").asText()
        + (dv.has("offset") ? "@" + dv.get("offset").asInt() : "");
    return fileAction.get("path").asText() + "|" + id;
  }

  private static List<JsonNode> commit(Path table, long version) throws IOException {
    Path f = table.resolve("_delta_log").resolve(String.format(Locale.ROOT, "%020d.json", version));
    List<JsonNode> actions = new ArrayList<>();
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        actions.add(JSON.readTree(line));
      }
    }
    return actions;
  }

  private static long latestVersion(Path table) throws IOException {
    try (var s = Files.list(table.resolve("_delta_log"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9]{20}\\.json"))
          .mapToLong(n -> Long.parseLong(n.substring(0, 20))).max().orElseThrow();
    }
  }

  private static boolean needsDelta(JsonNode protocol) {
    Set<String> needs = Set.of("deletionVectors", "columnMapping");
    for (JsonNode f : protocol.path("readerFeatures")) {
      if (needs.contains(f.asText())) {
        return true;
      }
    }
    return protocol.path("minReaderVersion").asInt() >= 2;
  }

  /**
   * Delta takes a commit's timestamp from its log file's modification time, which git does not keep: the fixture
   * holds each version's timestamp as Spark's change feed reported it ({@code _commit_timestamps.properties}).
   */
  private static Properties commitTimestamps(Path table) throws IOException {
    Properties p = new Properties();
    Path f = table.resolve("_commit_timestamps.properties");
    if (Files.isRegularFile(f)) {
      try (var in = Files.newInputStream(f)) {
        p.load(in);
      }
    }
    return p;
  }

  private static Map<String, String> capabilities(String header) {
    Map<String, String> caps = new HashMap<>();
    if (header != null) {
      for (String part : header.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          caps.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT),
              part.substring(eq + 1).trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    return caps;
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new HashMap<>();
    if (uri.getRawQuery() != null) {
      for (String kv : uri.getRawQuery().split("&")) {
        int eq = kv.indexOf('=');
        q.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------------------------------ Z85 (ZeroMQ RFC 32)

  /** Encodes bytes as Delta's inline vectors do: padded with zeros to a multiple of 4, then Z85. */
  static String z85(byte[] bytes) {
    return Z85Text.encode(bytes);
  }

  /** Decodes the 20 characters of a {@code u} vector: 16 bytes, the UUID's most then least significant half. */
  static UUID uuidFromZ85(String s) {
    ByteBuffer b = ByteBuffer.allocate(16);
    for (int chunk = 0; chunk < 4; chunk++) {
      long v = 0;
      for (int i = 0; i < 5; i++) {
        v = v * 85 + Z85Text.digit(s.charAt(chunk * 5 + i));
      }
      b.putInt((int) v);
    }
    b.flip();
    return new UUID(b.getLong(), b.getLong());
  }
}
