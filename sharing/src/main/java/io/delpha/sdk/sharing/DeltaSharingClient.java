package io.delpha.sdk.sharing;

import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.internal.Retrier;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.core.internal.http.PageBudget;
import io.delpha.sdk.core.internal.metrics.Recorder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.internal.BearerTokens;
import io.delpha.sdk.sharing.internal.DeltaReads;
import io.delpha.sdk.sharing.internal.DownloadSpace;
import io.delpha.sdk.sharing.internal.FileDownloader;
import io.delpha.sdk.sharing.internal.ParallelBatchReader;
import io.delpha.sdk.sharing.internal.ParallelRowReader;
import io.delpha.sdk.sharing.internal.QueryPages;
import io.delpha.sdk.sharing.internal.QueryResponse;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import io.delpha.sdk.sharing.internal.SharingHttp;
import io.delpha.sdk.sharing.internal.TableQuery;
import io.delpha.sdk.sharing.internal.UrlRefresher;
import io.delpha.sdk.sharing.internal.Values;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A client of the open Delta Sharing protocol that reads shared tables as typed {@link
 * io.delpha.sdk.parquet.Row}s, without Spark.
 *
 * <pre>{@code
 * try (DeltaSharingClient client = DeltaSharingClient.fromProfile(Path.of("config.share"))) {
 *   client.listShares().forEach(s -> System.out.println(s.name()));
 *   try (RowReader rows = client.readTable("share.schema.table")) {
 *     rows.forEachRemaining(r -> ...);            // streamed: files download in parallel as you read
 *   }
 * }
 * }</pre>
 *
 * <p>The bearer token goes to the sharing server only, never to the presigned file URLs, and requests
 * to the server never follow redirects (a redirect would carry the token elsewhere: it is a {@link
 * DataFormatException}). What the peers send is read under the client's {@link io.delpha.sdk.core.ResponseLimits}
 * ({@link DeltaSharingClientBuilder#responseLimits(io.delpha.sdk.core.ResponseLimits)}): a breach, a data file
 * longer than its declared size or a body that stalls is a {@link io.delpha.sdk.core.ResponseLimitException}, never
 * retried; a file URL that is not an {@code http(s)} URL, or names user info, is a {@link DataFormatException} and
 * is never fetched. Files are downloaded ahead by a bounded pool ({@link
 * DeltaSharingClientBuilder#downloadParallelism(int)} at a time) while others are decoded, on every core,
 * and handed over as they are decoded, so rows of different files interleave in no fixed order (the rows of one file
 * keep the file's order). Expired presigned URLs are refreshed by sending the query again; 429, 5xx and connection
 * failures are retried per the {@link RetryPolicy}. Errors are typed: 400 {@link InvalidInputException}, 401 {@link
 * io.delpha.sdk.core.AuthenticationException}, 403 {@link io.delpha.sdk.core.AccessDeniedException}, 404 {@link
 * io.delpha.sdk.core.NotFoundException}, 429 {@link io.delpha.sdk.core.RateLimitedException}, 5xx or unreachable
 * {@link io.delpha.sdk.core.ServiceUnavailableException}, unreadable answers {@link DataFormatException}.
 *
 * <p>Thread-safe; one client may serve many concurrent reads. Each {@link RowReader} it returns is for
 * one consumer thread and must be closed.
 */
public final class DeltaSharingClient implements AutoCloseable {

  private static final ObjectMapper JSON = JsonSupport.MAPPER;

  private final URI endpoint;
  private final SharingHttp http;
  private final FileDownloader downloader;
  private final DeltaSharingClientConfig config;
  private final @Nullable Path spoolDirectory;
  private final int maxFileBytesInMemory;
  private final Recorder metrics;
  /** The pauses between polls of an async query. */
  private final Retrier poller;
  private final ClosedGuard guard = new ClosedGuard("this DeltaSharingClient");

  DeltaSharingClient(DeltaSharingClientConfig config, BearerTokens tokens, HttpCaller sharingHttp,
      HttpCaller storageHttp, Retrier retries, @Nullable Path spoolDirectory, int maxFileBytesInMemory) {
    this.config = config;
    this.endpoint = config.endpoint();
    this.http = new SharingHttp(sharingHttp, endpoint, tokens, config.responseLimits());
    this.downloader = new FileDownloader(storageHttp, config.urlExpiryMargin(), config.clock(),
        config.responseLimits());
    this.spoolDirectory = spoolDirectory;
    this.maxFileBytesInMemory = maxFileBytesInMemory;
    this.metrics = Recorder.of(config.metrics());
    this.poller = retries;
  }

  /**
   * A client for the server and credentials of a profile file.
   *
   * @param profileFile a profile file (version 1 or 2)
   * @return the client
   * @throws io.delpha.sdk.core.NotFoundException if the file does not exist
   * @throws DataFormatException if it is not a valid profile
   */
  public static DeltaSharingClient fromProfile(Path profileFile) {
    return builder().profile(DeltaSharingProfile.read(profileFile)).build();
  }

  /**
   * @return a builder
   */
  public static DeltaSharingClientBuilder builder() {
    return new DeltaSharingClientBuilder();
  }

  /**
   * @return the settings this client was built with (answers after {@link #close()} too)
   */
  public DeltaSharingClientConfig config() {
    return config;
  }

  /**
   * A builder for another client with this one's settings ({@code config().toBuilder()}, credentials included), so
   * {@code toBuilder().build().config()} equals {@link #config()}.
   *
   * @return a new builder holding {@link #config()}
   */
  public DeltaSharingClientBuilder toBuilder() {
    return config.toBuilder();
  }

  /**
   * @return every share the recipient may read, all pages
   * @throws ResponseLimitException if the list breaks the client's {@link ResponseLimits}, and nothing of it is
   *     returned: more pages than {@code maxPages}, more requests (retries included) than {@code maxRequests}, more
   *     than {@code maxEmptyPages} pages in a row without an item, a page token the list handed out before ({@code
   *     "page handle"}), more items over all pages than {@code maxItems}, or a page that breaks a limit of its own
   *     ({@code maxBodyBytes}, {@code maxItems}, {@code maxTokens}, {@code maxJsonDepth}, the timeouts and rate)
   */
  public List<Share> listShares() {
    guard.check();
    return call("list_shares", () -> {
      List<Share> shares = new ArrayList<>();
      paginate("/shares", item -> shares.add(new Share(item.path("name").asText(), QueryResponse.text(item, "id"))));
      return shares;
    });
  }

  /**
   * @param share a share
   * @return its schemas, all pages
   * @throws ResponseLimitException as {@link #listShares()}
   */
  public List<SharedSchema> listSchemas(String share) {
    guard.check();
    String path = SharingHttp.path("shares", required(share, "share"), "schemas");
    return call("list_schemas", () -> {
      List<SharedSchema> schemas = new ArrayList<>();
      paginate(path, item -> schemas.add(new SharedSchema(item.path("name").asText(), item.path("share").asText(share))));
      return schemas;
    });
  }

  /**
   * @param share a share
   * @param schema one of its schemas
   * @return the schema's tables, all pages
   * @throws ResponseLimitException as {@link #listShares()}
   */
  public List<SharedTable> listTables(String share, String schema) {
    guard.check();
    String path = SharingHttp.path("shares", required(share, "share"), "schemas", required(schema, "schema"), "tables");
    return call("list_tables", () -> {
      List<SharedTable> tables = new ArrayList<>();
      paginate(path, item -> tables.add(table(item, share, schema)));
      return tables;
    });
  }

  /**
   * @param share a share
   * @return every table of every schema of the share, all pages
   * @throws ResponseLimitException as {@link #listShares()}
   */
  public List<SharedTable> listAllTables(String share) {
    guard.check();
    String path = SharingHttp.path("shares", required(share, "share"), "all-tables");
    return call("list_all_tables", () -> {
      List<SharedTable> tables = new ArrayList<>();
      paginate(path, item -> tables.add(table(item, share, null)));
      return tables;
    });
  }

  /**
   * @param table {@code share.schema.table}
   * @return the table's current version
   */
  public long tableVersion(String table) {
    guard.check();
    SharedTable t = SharedTable.parse(table);
    return call("table_version", () -> http.getVersion(tablePath(t) + "/version"));
  }

  /**
   * @param table {@code share.schema.table}
   * @return its schema, partition columns and version
   * @throws DataFormatException if its schema has types this client cannot represent
   */
  public TableMetadata tableMetadata(String table) {
    guard.check();
    SharedTable t = SharedTable.parse(table);
    return call("table_metadata",
        () -> http.ndjson("GET", tablePath(t) + "/metadata", null, a -> QueryResponse.reader(a, t.coordinates()))
            .metadata());
  }

  /**
   * Reads every row of the table's current version.
   *
   * @param table {@code share.schema.table}
   * @return the rows, streamed; close the reader
   */
  public RowReader readTable(String table) {
    guard.check();
    return readTable(table, QueryOptions.all());
  }

  /**
   * Reads the rows of a table that match the options.
   *
   * @param table {@code share.schema.table}
   * @param options filter, limit, version or timestamp
   * @return the rows, streamed; close the reader
   * @throws InvalidInputException if the filter names a column the table does not have
   */
  public RowReader readTable(String table, QueryOptions options) {
    guard.check();
    TableQuery q = query(table, options);
    return new ParallelRowReader(q.schema(), q.pages(), q.constants(), q.opener(), config.downloadParallelism(), options.filter(),
        options.limit(), q.name());
  }

  /**
   * Reads every row of the table's current version as batches of column vectors: the fast way for code that
   * can work on columns (sums, copies into a columnar store). See {@link #readTableBatches(String, QueryOptions)}.
   *
   * @param table {@code share.schema.table}
   * @return the batches, streamed; close the reader
   */
  public ColumnBatchReader readTableBatches(String table) {
    guard.check();
    return readTableBatches(table, QueryOptions.all());
  }

  /**
   * Reads the rows of a table that match the options as batches of column vectors in the table's schema
   * (partition columns filled in). The files are downloaded ahead ({@code downloadParallelism} at a time)
   * and decoded on every core while the caller works on earlier batches, and nothing is copied on the way: a batch
   * holds the vectors its file was decoded into, so it is valid only until the next call of {@code next()} (copy
   * what must outlive it). Batches of one file come in file order; files interleave. A filter is applied before a
   * batch is handed out (matching rows only); the limit cuts the last batch.
   *
   * <pre>{@code
   * try (ColumnBatchReader reader = client.readTableBatches("share.schema.usage")) {
   *   for (ColumnBatch batch = reader.next(); batch != null; batch = reader.next()) {
   *     long[] events = batch.column("events").longs();
   *     for (int i = 0; i < batch.rowCount(); i++) total += events[i];
   *   }
   * }
   * }</pre>
   *
   * @param table {@code share.schema.table}
   * @param options filter, limit, version or timestamp
   * @return the batches, streamed; close the reader
   * @throws InvalidInputException if the filter names a column the table does not have
   */
  public ColumnBatchReader readTableBatches(String table, QueryOptions options) {
    guard.check();
    TableQuery q = query(table, options);
    return new ParallelBatchReader(q.schema(), q.pages(), q.constants(), q.opener(), config.downloadParallelism(), options.filter(),
        options.limit(), false, q.name());
  }

  /**
   * Sends a table query (the options' filter and limit as hints) and returns its answer with the means to fetch
   * its files: the one query path of {@link #readTable}, {@link #readTableBatches} and {@link SharingSql}.
   */
  TableQuery query(String table, QueryOptions options) {
    Objects.requireNonNull(options, "options");
    SharedTable t = SharedTable.parse(table);
    String name = t.coordinates();
    ObjectNode body = JSON.createObjectNode();
    Long limit = options.limit();
    if (options.filter() != null || limit != null) {
      // the schema is needed to check the filter and type the hint before the query is sent
      TableMetadata metadata = tableMetadata(table);
      if (options.filter() != null) {
        options.filter().checkColumns(metadata.schema());
        options.filter().toJsonPredicate(metadata.schema())
            .ifPresent(hint -> body.put("jsonPredicateHints", hint.toString()));
      } else if (limit != null && limit <= Integer.MAX_VALUE) {
        // with a filter the server could pick files by row count that hold no matching row: no limit hint
        body.put("limitHint", limit.intValue());
      }
    }
    if (options.version() != null) {
      body.put("version", options.version());
    }
    if (options.timestamp() != null) {
      body.put("timestamp", options.timestamp().toString());
    }
    String path = tablePath(t);
    // the partition values of every file of a page are parsed when the page arrives, before any file of it is read
    java.util.concurrent.atomic.AtomicReference<@Nullable TableMetadata> first =
        new java.util.concurrent.atomic.AtomicReference<>();
    QueryPages pages = call("query", () -> QueryPages.send(http, path, body, name, config, poller, f -> {
      TableMetadata m = first.get();
      if (m != null) {
        partitionValues(m, f, name);
      }
    }));
    QueryResponse response = pages.first();
    first.set(response.metadata());
    for (FileAction f : response.files()) {
      partitionValues(response.metadata(), f, name);
    }
    UrlRefresher refresher = new UrlRefresher(pages::refetch, name);
    DownloadSpace space = new DownloadSpace(maxFileBytesInMemory,
        ParallelBatchReader.filesHeld(config.downloadParallelism()), spoolDirectory);
    DeltaReads reads = new DeltaReads(downloader, refresher, space, name, response.location(),
        response.metadata().schema(), response.physicalSchema());
    TableMetadata metadata = response.metadata();
    return new TableQuery(metadata, response.physicalSchema(), pages, f -> partitionValues(metadata, f, name),
        reads.opener(), (f, target) -> downloader.downloadTo(f, refresher, name, target), name);
  }

  /**
   * Reads the change data feed of a table from a version on: inserted, deleted and updated rows, with
   * the columns {@code _change_type} ({@code insert}, {@code delete}, {@code update_preimage},
   * {@code update_postimage}), {@code _commit_version} and {@code _commit_timestamp} (epoch ms) added.
   * The table must have change data feed enabled by its provider.
   *
   * @param table {@code share.schema.table}
   * @param startingVersion the first version, inclusive
   * @return the changes, streamed; close the reader
   */
  public RowReader readChanges(String table, long startingVersion) {
    guard.check();
    if (startingVersion < 0) {
      throw new InvalidInputException("startingVersion must be >= 0, was " + startingVersion);
    }
    SharedTable t = SharedTable.parse(table);
    String name = t.coordinates();
    // historical protocols too: a reader feature a later version turns on is checked like the first version's
    String query = "startingVersion=" + startingVersion + "&includeHistoricalProtocol=true";
    QueryPages pages = call("changes",
        () -> QueryPages.changes(http, tablePath(t), query, name, config, poller));
    QueryResponse response = pages.first();
    // a change needs the other actions of its version: every page is read before the first row
    List<FileAction> all = pages.all();
    UrlRefresher refresher = new UrlRefresher(pages::refetch, name);
    List<Column> columns = new ArrayList<>(response.metadata().schema().columns());
    List<Column> physical = new ArrayList<>(response.physicalSchema().columns());
    for (Column extra : List.of(Column.nullable("_change_type", ColumnType.STRING),
        Column.nullable("_commit_version", ColumnType.LONG), Column.nullable("_commit_timestamp", ColumnType.LONG))) {
      columns.add(extra);
      physical.add(extra);
    }
    RowSchema schema = new RowSchema(columns);
    DownloadSpace space = new DownloadSpace(maxFileBytesInMemory,
        ParallelBatchReader.filesHeld(config.downloadParallelism()), spoolDirectory);
    DeltaReads reads = new DeltaReads(downloader, refresher, space, name, response.location(), schema,
        new RowSchema(physical));
    Map<FileAction, DeltaReads.@Nullable Pair> changes = reads.changes(all);
    Map<FileAction, Map<String, Object>> constants = new HashMap<>();
    for (FileAction f : changes.keySet()) {
      Map<String, Object> values = partitionValues(response.metadata(), f, name);
      values.put("_commit_version", f.version());
      values.put("_commit_timestamp", f.timestamp());
      if (!f.kind().equals("cdf")) { // cdf files carry _change_type in their data
        values.put("_change_type", f.kind().equals("remove") ? "delete" : "insert");
      }
      constants.put(f, values);
    }
    return new ParallelRowReader(schema, new ArrayList<>(changes.keySet()), constants,
        (f, answered) -> reads.open(f, reads.changedRows(f, changes.get(f)), answered), config.downloadParallelism(),
        null, null, name);
  }

  private <T> T call(String operation, java.util.function.Supplier<T> call) {
    return metrics.call("delta-sharing", operation, call);
  }

  /** @return how many files this client downloads at once */
  int downloadParallelism() {
    return config.downloadParallelism();
  }

  /**
   * @return the sharing server's endpoint
   */
  public URI endpoint() {
    guard.check();
    return endpoint;
  }

  /** Releases nothing shared: readers own their download pools. Present for try-with-resources. */
  /**
   * Closes this client. Idempotent; afterwards every method throws {@link ClosedException}. Readers it returned before
   * read on until they are closed.
   */
  @Override
  public void close() {
    guard.close(); // the JDK HttpClient frees its connections when unreachable
  }

  @Override
  public String toString() {
    return "DeltaSharingClient[" + endpoint + ", downloadParallelism=" + config.downloadParallelism() + "]";
  }

  private static Map<String, Object> partitionValues(TableMetadata metadata, FileAction f, String table) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (String p : metadata.partitionColumns()) {
      values.put(p, Values.parsePartition(metadata.schema().column(p), f.partitionValues().get(p),
          table + " " + f.label()));
    }
    return values;
  }

  /**
   * Reads every page of a list under one {@link PageBudget}: each attempt counts against {@code maxRequests}, each
   * page against {@code maxPages}, a page token must be one this list has not handed out before, at most {@code
   * maxEmptyPages} pages in a row may hold no item, and the items of all the pages together are at most {@code
   * maxItems} (the list is one container, however it is paged).
   */
  private void paginate(String path, java.util.function.Consumer<JsonNode> each) {
    ResponseLimits limits = config.responseLimits();
    Integer pageSize = config.listPageSize();
    PageBudget budget = PageBudget.of("the Delta Sharing list GET " + path, limits);
    String token = null;
    long total = 0;
    do {
      Map<String, String> query = new LinkedHashMap<>();
      if (pageSize != null) {
        query.put("maxResults", pageSize.toString());
      }
      if (token != null) {
        query.put("pageToken", token);
      }
      JsonNode page = http.getJson(path, query, budget);
      JsonNode items = page.path("items");
      if (!items.isMissingNode() && !items.isNull() && !items.isArray()) {
        throw new DataFormatException("GET " + path + " answered 'items' that is not an array");
      }
      total += items.size();
      if (total > limits.maxItems()) {
        throw new ResponseLimitException("maxItems", "the Delta Sharing list GET " + path + " holds more than "
            + limits.maxItems() + " items over its " + (budget.pages() + 1) + " pages (ResponseLimits.maxItems); "
            + "the read was stopped and nothing of it was returned", null);
      }
      items.forEach(each);
      JsonNode next = page.get("nextPageToken");
      token = budget.page(next == null || next.isNull() ? null : next.asText(), items.size());
    } while (token != null);
  }

  private static SharedTable table(JsonNode item, String share, @Nullable String schema) {
    return new SharedTable(item.path("name").asText(), item.path("schema").asText(schema),
        item.path("share").asText(share), QueryResponse.text(item, "id"));
  }

  private static String tablePath(SharedTable t) {
    return SharingHttp.path("shares", t.share(), "schemas", t.schema(), "tables", t.name());
  }

  private static String required(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException("the " + what + " name must not be blank");
    }
    return value;
  }
}
