package io.delpha.sdk.sharing.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.core.internal.http.PageBudget;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.sharing.DeltaSharingClientConfig;
import io.delpha.sdk.sharing.QueryFailedException;
import io.delpha.sdk.sharing.QueryPageExpiredException;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The answer of one table query or changes query, page by page: the protocol's paged form ({@code maxFiles} and
 * {@code pageToken} in the query's body, or the changes' query string; the next page's token in the answer's
 * {@code endStreamAction}) and its asynchronous form ({@code asyncquery=true}: the server answers a {@code
 * queryStatus} with a {@code queryId}, polled with Get Query Info, {@code POST .../queries/{queryId}}, itself paged).
 *
 * <p>The first page is read when the query is sent ({@link #send}): it names the table's metadata and format.
 * The others are read as the read reaches them ({@link #next()}), so only one page's file actions are held at a
 * time. Every page must name the same metadata, physical schema and format as the first (else {@link
 * DataFormatException}) and is checked whole before any of its files is handed out (a page that fails its parse,
 * its {@code endStreamAction} or its budget hands out nothing). The pages are read under one {@link PageBudget}: a
 * token seen before, more pages than {@code maxPages}, more requests than {@code maxRequests} or empty pages without
 * end are a {@link io.delpha.sdk.core.ResponseLimitException}. A 400 to a request with a page token is a {@link
 * QueryPageExpiredException}.
 *
 * <p>An async query is submitted with an {@code idempotencyKey} in its body: a retried submission (the same body)
 * names the same query, so a retry never starts a second one. A pending query is polled through the client's
 * {@link Retrier} (its clock and sleeper, the retry policy's growing delays) up to a timeout ({@link
 * ServiceUnavailableException} then); a failed one is a {@link QueryFailedException}.
 *
 * <p>{@link #next()} is called by one thread at a time (the reader serialises its downloaders); the rest is
 * thread-safe.
 */
public final class QueryPages implements FileSource {

  /** What one answer was: a page of the table's lines, or the status of a pending or failed async query. */
  private record Answer(@Nullable QueryResponse page, @Nullable String queryId, @Nullable String status,
      @Nullable String error) {}

  private final SharingHttp http;
  private final String tablePath;
  private final @Nullable ObjectNode body;
  private final @Nullable String changesQuery;
  private final String table;
  /** How the query is sent (its page size, async, the async timeout, the file id hash) and its limits. */
  private final DeltaSharingClientConfig config;
  private final Retrier poller;
  private final Consumer<FileAction> check;
  private final ResponseLimits limits;
  private final PageBudget budget;
  private final QueryResponse first;
  private final @Nullable String queryId;
  /** The token each page read so far was asked with, by page index ({@code null} for the first). */
  private final List<@Nullable String> tokens = new ArrayList<>();
  /** The files handed out and not yet done, by {@link #key}: the index of their page (for a refresh). */
  private final Map<String, Integer> inFlight = new HashMap<>();
  private final ArrayDeque<FileAction> current = new ArrayDeque<>();
  private int currentPage;
  private @Nullable String nextToken;
  private @Nullable List<FileAction> all;
  private @Nullable RuntimeException failed;
  /** The next page, asked for once the read took half of the current one; {@code null} when none is. */
  private volatile @Nullable Future<Answer> ahead;
  private volatile boolean closed;
  private @Nullable String aheadToken;
  /** How few files of the current page may be left before the next is asked for. */
  private final int prefetchAt;

  /** The threads that ask for a next page ahead (daemon, ended after a minute unused). */
  private static final ExecutorService PREFETCH = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "delta-sharing-next-page");
    t.setDaemon(true);
    return t;
  });

  private QueryPages(SharingHttp http, String tablePath, @Nullable ObjectNode body, @Nullable String changesQuery,
      String table, DeltaSharingClientConfig config, Retrier poller, Consumer<FileAction> check) {
    this.http = http;
    this.tablePath = tablePath;
    this.body = body;
    this.changesQuery = changesQuery;
    this.table = table;
    this.config = config;
    this.poller = poller;
    this.check = check;
    this.limits = config.responseLimits();
    this.prefetchAt = config.queryPageSize() / 2;
    this.budget = PageBudget.of("the Delta Sharing " + (changesQuery == null ? "query" : "changes") + " of " + table,
        this.limits);
    String key = config.asyncQueries() && changesQuery == null ? UUID.randomUUID().toString() : null;
    Answer answer = firstAnswer(key);
    String id = answer.queryId();
    this.queryId = id;
    if (id != null && "pending".equals(answer.status())) {
      answer = poller.poll("the async query " + Peers.echo(id) + " of " + table, config.asyncQueryTimeout(),
          () -> {
            Answer a = request(null, false, 1);
            return a.page() != null || "failed".equals(a.status()) ? Optional.of(a) : Optional.empty();
          }, () -> new ServiceUnavailableException("the async query " + Peers.echo(id) + " of " + table
              + " was still pending after " + config.asyncQueryTimeout() + "; the read was stopped"));
    }
    this.first = accept(answer, null);
  }

  /**
   * Sends a table query and reads its first page (polling an async query until it is done).
   *
   * @param http the server
   * @param tablePath the table's path below the prefix
   * @param body the query's body (filter hints, version, timestamp), without paging fields
   * @param table {@code share.schema.table}, for messages
   * @param config how the query is sent (page size, async, file id hash) and the read's limits (its page budget)
   * @param poller the pauses between polls of an async query
   * @param check applied to every file of a page before any is handed out (partition values parsed)
   * @return the query's pages, the first one read
   */
  public static QueryPages send(SharingHttp http, String tablePath, ObjectNode body, String table,
      DeltaSharingClientConfig config, Retrier poller, Consumer<FileAction> check) {
    return new QueryPages(http, tablePath, body, null, table, config, poller, check);
  }

  /**
   * Sends a changes query ({@code GET .../changes}) and reads its first page; never async.
   *
   * @param http the server
   * @param tablePath the table's path below the prefix
   * @param query the query string without paging parameters ({@code startingVersion=...})
   * @param table {@code share.schema.table}, for messages
   * @param config how the query is sent (its async setting is not used) and the read's limits
   * @param poller not used: a changes query is never async
   * @return the query's pages, the first one read
   */
  public static QueryPages changes(SharingHttp http, String tablePath, String query, String table,
      DeltaSharingClientConfig config, Retrier poller) {
    return new QueryPages(http, tablePath, null, query, table, config, poller, f -> {});
  }

  /** @return the first page (the table's metadata, physical schema and format) */
  public QueryResponse first() {
    return first;
  }

  private Answer firstAnswer(@Nullable String idempotencyKey) {
    if (idempotencyKey == null) {
      return request(null, true, 1);
    }
    ObjectNode b = paged(null);
    b.put("idempotencyKey", idempotencyKey);
    return send("POST", tablePath + "/query", b.toString(), true, true);
  }

  /** The body of a query page request: the query's body with {@code maxFiles} and {@code pageToken}. */
  private ObjectNode paged(@Nullable String token) {
    ObjectNode b = queryId != null || body == null ? io.delpha.sdk.core.internal.JsonSupport.MAPPER.createObjectNode()
        : body.deepCopy();
    if (config.queryPageSize() > 0) {
      b.put("maxFiles", config.queryPageSize());
    }
    if (token != null) {
      b.put("pageToken", token);
    }
    return b;
  }

  /** One request of a page (number {@code page}, for messages), {@code counted} against the budget. */
  private Answer request(@Nullable String token, boolean counted, int page) {
    try {
      if (changesQuery != null) {
        StringBuilder q = new StringBuilder(tablePath).append("/changes?").append(changesQuery);
        if (config.queryPageSize() > 0) {
          q.append("&maxFiles=").append(config.queryPageSize());
        }
        if (token != null) {
          q.append("&pageToken=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
        }
        return send("GET", q.toString(), null, false, counted);
      }
      String path = queryId != null ? tablePath + "/queries/" + SharingHttp.path(queryId).substring(1)
          : tablePath + "/query";
      return send("POST", path, paged(token).toString(), false, counted);
    } catch (InvalidInputException e) {
      if (token == null || e.getClass() != InvalidInputException.class) {
        throw e; // not the server's 400: a parse error (DataFormatException), or no page token to blame
      }
      throw new QueryPageExpiredException("the sharing server refused the page token of page " + page
          + " of the query of " + table + " (" + Peers.echo(token) + "): it expired or is not valid; the read was "
          + "stopped (" + e.getMessage() + ")", e);
    }
  }

  private Answer send(String method, String path, @Nullable String requestBody, boolean async, boolean counted) {
    SharingHttp.Extra extra = new SharingHttp.Extra(async, config.fileIdHash(), counted ? budget : null);
    boolean changes = changesQuery != null;
    return http.ndjson(method, path, requestBody, extra, a -> new AnswerReader(a, table, changes,
        config.fileIdHash()));
  }

  /** Checks a page against the first and the budget; queues its files. */
  private QueryResponse accept(Answer answer, @Nullable QueryResponse firstPage) {
    if ("failed".equals(answer.status())) {
      throw new QueryFailedException("the async query " + Peers.echo(answer.queryId()) + " of " + table
          + " failed on the sharing server" + (answer.error() == null ? "" : ": " + Peers.echo(answer.error())),
          answer.queryId() == null ? "" : answer.queryId());
    }
    QueryResponse page = answer.page();
    if (page == null) {
      throw new DataFormatException("the sharing server answered page " + (tokens.size() + 1) + " of the query of "
          + table + " with a query status (" + Peers.echo(answer.status()) + ") instead of its files");
    }
    if (firstPage != null && (!firstPage.metadata().equals(page.metadata())
        || !firstPage.physicalSchema().equals(page.physicalSchema()) || !firstPage.format().equals(page.format()))) {
      throw new DataFormatException("page " + (tokens.size() + 1) + " of the query of " + table + " names another "
          + "table version, schema or response format than its first page; the read was stopped");
    }
    for (FileAction f : page.files()) {
      check.accept(f);
    }
    String token = budget.page(page.nextPageToken(), page.files().size());
    Long minExpiry = page.minUrlExpirationTimestamp();
    tokens.add(nextToken); // the token this page was asked with (null for the first)
    currentPage = tokens.size() - 1;
    for (FileAction f : page.files()) {
      current.add(minExpiry != null && f.expirationTimestamp() == null ? f.withUrl(f.url(), minExpiry) : f);
    }
    nextToken = token;
    return page;
  }

  @Override
  public synchronized @Nullable FileAction next() {
    if (failed != null) {
      throw failed; // a page failed: every later call fails with it, never asks the page again nor ends quietly
    }
    while (current.isEmpty()) {
      String token = nextToken;
      if (token == null) {
        return null;
      }
      try {
        Future<Answer> prefetched = ahead;
        ahead = null;
        accept(prefetched != null && token.equals(aheadToken) ? await(prefetched)
            : request(token, true, tokens.size() + 1), first);
      } catch (RuntimeException e) {
        failed = e;
        throw e;
      }
    }
    FileAction f = current.poll();
    inFlight.put(key(f), currentPage);
    String token = nextToken;
    if (ahead == null && token != null && current.size() <= prefetchAt && !closed) {
      // half the page taken: ask for the next one now, so the read does not wait for it (two pages held at most)
      int page = tokens.size() + 1;
      aheadToken = token;
      ahead = PREFETCH.submit(() -> request(token, true, page));
    }
    return f;
  }

  /** @return the answer of a page asked for ahead, its failure thrown as the request would have thrown it */
  private static Answer await(Future<Answer> page) {
    try {
      return page.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw Workers.failure(e.getCause() == null ? e : e.getCause(), "reading the next page of a query");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      page.cancel(true);
      throw new ServiceUnavailableException("interrupted while waiting for the next page of a query", e);
    }
  }

  /** Stops a page asked for ahead, if any: the read is over. Never waits for a page being read. */
  @Override
  public void close() {
    closed = true;
    Future<Answer> prefetched = ahead;
    ahead = null;
    if (prefetched != null) {
      prefetched.cancel(true);
    }
  }

  @Override
  public synchronized void done(FileAction file) {
    inFlight.remove(key(file));
  }

  @Override
  public synchronized int sizeHint() {
    return nextToken == null ? Math.max(1, current.size()) : Integer.MAX_VALUE;
  }

  @Override
  public synchronized int left() {
    return nextToken == null ? current.size() : Integer.MAX_VALUE;
  }

  /**
   * @return every file of the query, every page read (a read that needs the whole list: a change feed, a SQL
   *     cache's manifest); the same list on every call. Not mixed with {@link #next()}.
   */
  public synchronized List<FileAction> all() {
    if (all == null) {
      List<FileAction> files = new ArrayList<>();
      for (FileAction f = next(); f != null; f = next()) {
        files.add(f);
      }
      inFlight.clear();
      all = List.copyOf(files);
    }
    return all;
  }

  /**
   * Fresh URLs for a file: its page asked again with the token it was read with, or, when that token is refused or
   * the file's page is not known, the query's pages from the first until one names the file (a page of a read
   * that is not the one being refreshed is never kept).
   *
   * @param stale a file whose URL expired
   * @return the file actions of a page that names the file, or every page's if none does
   */
  public List<FileAction> refetch(FileAction stale) {
    Integer page;
    String token;
    synchronized (this) {
      page = inFlight.get(key(stale));
      token = page == null ? null : tokens.get(page);
    }
    if (page != null && token != null) {
      try {
        List<FileAction> files = page(request(token, false, page + 1)).files();
        if (files.stream().anyMatch(f -> key(f).equals(key(stale)))) {
          return files;
        }
      } catch (QueryPageExpiredException e) {
        // the page's token no longer serves: read the pages from the first
      }
    }
    PageBudget scan = PageBudget.of("the refresh of the URLs of " + table, limits);
    String next = null;
    do {
      QueryResponse p = page(request(next, false, scan.pages() + 1));
      if (p.files().stream().anyMatch(f -> key(f).equals(key(stale)))) {
        return p.files();
      }
      next = scan.page(p.nextPageToken(), p.files().size());
    } while (next != null);
    return List.of();
  }

  private QueryResponse page(Answer a) {
    QueryResponse p = a.page();
    if (p == null) {
      throw new DataFormatException("the sharing server answered a page of the query of " + table
          + " with a query status (" + Peers.echo(a.status()) + ") instead of its files");
    }
    return p;
  }

  private static String key(FileAction f) {
    return f.kind() + ":" + f.id() + ":" + f.version();
  }

  /**
   * Reads one answer: a {@code queryStatus} line (an async query pending or failed), or the table's lines read by
   * {@link QueryResponse#reader} (made at the first line that is not a status). An answer with files must echo the
   * {@code fileidhash} asked for.
   */
  private static final class AnswerReader implements SharingHttp.LineReader<Answer> {
    private final SharingHttp.Answer answer;
    private final String table;
    private final boolean changes;
    private final @Nullable String fileIdHash;
    private SharingHttp.@Nullable LineReader<QueryResponse> lines;
    private @Nullable JsonNode status;

    AnswerReader(SharingHttp.Answer answer, String table, boolean changes, @Nullable String fileIdHash) {
      this.answer = answer;
      this.table = table;
      this.changes = changes;
      this.fileIdHash = fileIdHash;
    }

    @Override
    public void line(JsonNode line) {
      if (lines == null && status == null && line.has("queryStatus")) {
        status = line.get("queryStatus");
        return;
      }
      if (status != null) {
        throw new DataFormatException("the sharing server's answer for " + table + " has lines after its "
            + "queryStatus (an async query's status is the answer's one line)");
      }
      tableLines().line(line);
    }

    private SharingHttp.LineReader<QueryResponse> tableLines() {
      if (lines == null) {
        if (fileIdHash != null && (answer.fileIdHash() == null
            || !answer.fileIdHash().trim().equalsIgnoreCase(fileIdHash))) {
          throw new DataFormatException("the sharing server answered the query of " + table + " with "
              + (answer.fileIdHash() == null ? "no fileidhash header" : "fileidhash=" + Peers.echo(answer.fileIdHash()))
              + " where fileidhash=" + fileIdHash + " was asked: its file ids may follow another scheme");
        }
        lines = changes ? QueryResponse.changesReader(answer, table) : QueryResponse.reader(answer, table);
      }
      return lines;
    }

    @Override
    public Answer end() {
      JsonNode s = status;
      if (s != null) {
        String id = QueryResponse.text(s, "queryId");
        String state = QueryResponse.text(s, "status");
        state = state == null ? "pending" : state.toLowerCase(Locale.ROOT);
        if (id == null || id.isBlank()) {
          throw new DataFormatException("the sharing server's queryStatus for " + table + " names no queryId");
        }
        if (!state.equals("pending") && !state.equals("failed")) {
          throw new DataFormatException("the sharing server's queryStatus for " + table + " is "
              + Peers.echo(state) + " (the protocol's are pending and failed)");
        }
        String error = QueryResponse.text(s, "errorMessage");
        if (error == null) {
          error = QueryResponse.text(s, "message");
        }
        return new Answer(null, id, state, error);
      }
      return new Answer(tableLines().end(), null, null, null);
    }
  }
}
