package io.delpha.sdk.sharing;

import static io.delpha.sdk.sharing.SharingFixture.JSON;
import static io.delpha.sdk.sharing.SharingFixture.schemaString;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.SharingFixture.Field;
import io.delpha.sdk.sharing.internal.DownloadSpace;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import io.delpha.sdk.testing.HostileAnswers;
import io.delpha.sdk.testing.HostilePeer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 58 for the Delta Sharing client: a seeded generator of hostile answers, each a valid answer shaped exactly as
 * the protocol documents it (list pages {@code {items, nextPageToken}}; a query's NDJSON of {@code protocol}, {@code
 * metaData} and {@code file} lines, in the parquet and the delta format; data files served with their {@code
 * Content-Length}) and then mutated: page tokens renewed or repeated forever, empty pages forever, a token of
 * megabytes, items, {@code partitionValues} or {@code stats} widened, files multiplied, JSON deepened, a file's size
 * lied about, an answer cut or trickled, a redirect, an error body or header full of garbage. Every seed runs every
 * kind of mutation with its own sizes, each on fresh loopback {@link HostilePeer}s (a sharing server, its storage and
 * another host), and each outcome is either a typed error (the right limit named, for a breach) or the whole right
 * result; the bearer token never reaches storage or the other host, every sharing request carries it, and no spool
 * file is left behind.
 *
 * <p>{@code -Dhostile.count=N} (or {@code -Dhostile.sharing.count=N}) runs N seeds; {@code
 * -Dhostile.sharing.kind=QUERY_TRICKLE} runs one kind alone, with the sizes the full run gives it.
 */
class SharingHostileAnswersTest {

  static final String TOKEN = "tok-HOSTILE-5858";
  static final String PREFIX = "/delta-sharing";
  static final String TABLE = PREFIX + "/shares/s/schemas/sc/tables/t";
  static final RowSchema FILE_SCHEMA = RowSchema.builder().required("id", ColumnType.LONG).build();
  static final String SCHEMA = schemaString(List.of(new Field("id", "long", false), new Field("day", "string", true)));

  // the test's budget: small, so that a breach comes after little work
  static final int MAX_ITEMS = 500;
  static final long MAX_TOKENS = 20_000;
  static final int MAX_PAGES = 40;
  static final int MAX_REQUESTS = 60;
  static final int MAX_EMPTY = 4;
  static final int MAX_DEPTH = 64;
  static final int MAX_LINES = 200;
  static final int ATTEMPTS = 3;

  static final Consumer<ResponseLimits.Builder> LIMITS = l -> l.maxItems(MAX_ITEMS).maxTokens(MAX_TOKENS)
      .maxPages(MAX_PAGES).maxRequests(MAX_REQUESTS).maxEmptyPages(MAX_EMPTY).maxJsonDepth(MAX_DEPTH)
      .maxLines(MAX_LINES).maxLineBytes(2 << 20).maxBodyBytes(8 << 20).maxStreamBytes(16 << 20)
      .minBytesPerSecond(1000).rateWindow(Duration.ofMillis(300))
      .idleTimeout(Duration.ofSeconds(30)).bodyTimeout(Duration.ofSeconds(90));

  /** The kinds of answer every seed sends. */
  enum Kind {
    LIST_VALID, LIST_RENEW_EMPTY, LIST_RENEW_ITEMS, LIST_REPEAT, LIST_RETRY_STORM, LIST_HUGE_TOKEN, LIST_WIDE_ITEMS,
    LIST_WIDE_ITEM, LIST_ITEMS_OVER_PAGES, LIST_MANY_TOKENS, LIST_DEEP, LIST_CUT, LIST_TRICKLE, LIST_REDIRECT,
    LIST_ERROR_BODY,
    QUERY_VALID, QUERY_WIDE_PARTITIONS, QUERY_WIDE_STATS, QUERY_MANY_TOKENS, QUERY_MULTIPLY_FILES, QUERY_DEEP,
    QUERY_CUT, QUERY_TRICKLE, QUERY_REDIRECT, QUERY_HUGE_ID, QUERY_VERSION_HEADER, QUERY_ERROR_BODY,
    FILE_DECLARED_HUGE, FILE_LONGER, FILE_SHORTER, FILE_CUT, FILE_TRICKLE, FILE_REDIRECT,
    LIST_PADDED, QUERY_PADDED, CHANGES_PADDED, TOKEN_PADDED
  }

  /** A data file of the table: its bytes and the rows it holds (ids; its partition value comes from the line). */
  record DataFile(byte[] bytes, List<Long> ids) {}

  @TempDir
  Path dir;

  private final List<DataFile> files = new ArrayList<>();

  @BeforeEach
  void writeFiles() {
    int[] counts = {5, 7, 3};
    for (int f = 0; f < counts.length; f++) {
      List<Row> rows = new ArrayList<>();
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < counts[f]; i++) {
        long id = 100L * f + i;
        rows.add(Row.of(FILE_SCHEMA, id));
        ids.add(id);
      }
      files.add(new DataFile(SharingFixture.parquet(dir, FILE_SCHEMA, rows), ids));
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.MINUTES) // a few seconds by default; -Dhostile.count=500 takes minutes
  @DisplayName("every kind of hostile answer, per seed, is a typed error naming its limit or the whole right result; "
      + "the token stays with the sharing server; no spool file is left")
  void hostileAnswersAreTypedOrRight() {
    String only = System.getProperty("hostile.sharing.kind");
    HostileAnswers.run(getClass(), "hostileAnswersAreTypedOrRight", "hostile.sharing.seed", "hostile.sharing.count",
        3, random -> {
          for (Kind kind : Kind.values()) {
            Random own = new Random(random.nextLong()); // the same sizes whether one kind runs or all
            if (only != null && !only.equals(kind.name())) {
              continue;
            }
            try (World w = new World(own)) {
              w.run(kind);
              w.checkAfter();
            } catch (Throwable e) {
              throw new AssertionError(kind + " (-Dhostile.sharing.kind=" + kind + "): " + e, e);
            }
          }
        });
  }

  /** One exchange's peers, its spool folder, and the random of its sizes. */
  private final class World implements AutoCloseable {
    final Random random;
    final HostilePeer sharing = HostilePeer.start();
    final HostilePeer storage = HostilePeer.start();
    final HostilePeer other = HostilePeer.start();
    final Path spool;
    final int memoryBytes;
    final boolean delta;

    World(Random random) throws IOException {
      this.random = random;
      this.spool = Files.createTempDirectory(dir, "spool");
      this.memoryBytes = random.nextBoolean() ? 64 : DownloadSpace.DEFAULT_MAX_FILE_BYTES; // spooled, or in memory
      this.delta = random.nextBoolean();
    }

    DeltaSharingClient client(Consumer<ResponseLimits.Builder> more) {
      return DeltaSharingClient.builder().endpoint(sharing.uri(PREFIX)).bearerToken(Secret.of(TOKEN))
          .retryPolicy(r -> r.maxAttempts(ATTEMPTS).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)))
          .responseLimits(l -> {
            LIMITS.accept(l);
            more.accept(l);
          })
          .spool(spool, memoryBytes).build();
    }

    DeltaSharingClient client() {
      return client(l -> { });
    }

    void run(Kind kind) throws Exception {
      switch (kind) {
        case LIST_VALID -> listValid();
        case LIST_RENEW_EMPTY -> listRenewEmpty();
        case LIST_RENEW_ITEMS -> listRenewItems();
        case LIST_REPEAT -> listRepeat();
        case LIST_RETRY_STORM -> listRetryStorm();
        case LIST_HUGE_TOKEN -> listHugeToken();
        case LIST_WIDE_ITEMS -> listWideItems();
        case LIST_WIDE_ITEM -> listWideItem();
        case LIST_ITEMS_OVER_PAGES -> listItemsOverPages();
        case LIST_MANY_TOKENS -> listManyTokens();
        case LIST_DEEP -> listDeep();
        case LIST_CUT -> listCut();
        case LIST_TRICKLE -> listTrickle();
        case LIST_REDIRECT -> listRedirect();
        case LIST_ERROR_BODY -> listErrorBody();
        case QUERY_VALID -> queryValid();
        case QUERY_WIDE_PARTITIONS -> queryWidePartitions();
        case QUERY_WIDE_STATS -> queryWideStats();
        case QUERY_MANY_TOKENS -> queryManyTokens();
        case QUERY_MULTIPLY_FILES -> queryMultiplyFiles();
        case QUERY_DEEP -> queryDeep();
        case QUERY_CUT -> queryCut();
        case QUERY_TRICKLE -> queryTrickle();
        case QUERY_REDIRECT -> queryRedirect();
        case QUERY_HUGE_ID -> queryHugeId();
        case QUERY_VERSION_HEADER -> queryVersionHeader();
        case QUERY_ERROR_BODY -> queryErrorBody();
        case FILE_DECLARED_HUGE -> fileDeclaredHuge();
        case FILE_LONGER -> fileLonger();
        case FILE_SHORTER -> fileShorter();
        case FILE_CUT -> fileCut();
        case FILE_TRICKLE -> fileTrickle();
        case FILE_REDIRECT -> fileRedirect();
        case LIST_PADDED -> listPadded();
        case QUERY_PADDED -> queryPadded(false);
        case CHANGES_PADDED -> queryPadded(true);
        case TOKEN_PADDED -> tokenPadded();
        default -> throw new AssertionError(kind);
      }
    }

    // ---- list pages ----

    /** Lists shares or all tables (the seed picks), each page given by {@code page} for a page index. */
    private boolean shares;

    private String listPath() {
      return shares ? PREFIX + "/shares" : PREFIX + "/shares/s/all-tables";
    }

    private ObjectNode item(int i) {
      ObjectNode item = JSON.createObjectNode().put("name", "n" + i);
      if (shares) {
        item.put("id", "id-" + i);
      } else {
        item.put("schema", "sc").put("share", "s");
      }
      return item;
    }

    private List<String> list(DeltaSharingClient c) {
      return shares ? c.listShares().stream().map(Share::name).toList()
          : c.listAllTables("s").stream().map(SharedTable::name).toList();
    }

    /** The page each token handed out names, and how many were handed out. */
    private final Map<String, Integer> tokenIndex = new ConcurrentHashMap<>();
    private final AtomicInteger tokenCount = new AtomicInteger();

    /**
     * Serves the list: {@code page} answers the page whose index the request's token names (0 without a token, -1
     * for a token this list never handed out through {@link #tokenFor}).
     */
    private void pages(IntFunction<HostilePeer.Answer> page) {
      shares = random.nextBoolean();
      AtomicInteger served = new AtomicInteger();
      sharing.on("GET", listPath(), (request, out) -> {
        if (served.incrementAndGet() > 10 * MAX_REQUESTS) { // a client that never stops fails, it does not hang
          HostilePeer.json(200, "{\"items\":[]}").write(request, out);
          return;
        }
        String token = pageToken(request.target());
        page.apply(token == null ? 0 : tokenIndex.getOrDefault(token, -1)).write(request, out);
      });
    }

    /** @return a new token naming page {@code i} */
    private String tokenFor(int i, int length) {
      String t = "p" + tokenCount.incrementAndGet() + "-" + HostileAnswers.handle(random, length);
      tokenIndex.put(t, i);
      return t;
    }

    private static String pageToken(String target) {
      int q = target.indexOf('?');
      if (q < 0) {
        return null;
      }
      for (String kv : target.substring(q + 1).split("&")) {
        if (kv.startsWith("pageToken=")) {
          return URLDecoder.decode(kv.substring("pageToken=".length()), StandardCharsets.UTF_8);
        }
      }
      return null;
    }

    private HostilePeer.Answer page(List<ObjectNode> items, String token, boolean itemsMissing) {
      ObjectNode page = JSON.createObjectNode();
      if (!itemsMissing) {
        ArrayNode array = page.putArray("items");
        items.forEach(array::add);
      }
      if (token != null) {
        page.put("nextPageToken", token);
      }
      return HostilePeer.json(200, page.toString());
    }

    void listValid() {
      int pageCount = 1 + random.nextInt(4);
      List<String> expected = new ArrayList<>();
      List<List<ObjectNode>> content = new ArrayList<>();
      int n = 0;
      for (int p = 0; p < pageCount; p++) {
        List<ObjectNode> items = new ArrayList<>();
        for (int k = random.nextInt(4); k > 0; k--) {
          items.add(item(n));
          expected.add("n" + n++);
        }
        content.add(items);
      }
      pages(i -> {
        boolean last = i == pageCount - 1;
        String token = last ? HostileAnswers.pick(random, null, "") : tokenFor(i + 1, 1 + random.nextInt(300));
        return page(content.get(i), token, content.get(i).isEmpty() && random.nextBoolean());
      });
      try (DeltaSharingClient c = client()) {
        assertThat(list(c)).containsExactlyElementsOf(expected);
      }
      assertThat(sharing.requests()).hasSize(pageCount);
    }

    void listRenewEmpty() {
      pages(i -> page(List.of(), tokenFor(i + 1, 1 + random.nextInt(100)), random.nextBoolean()));
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> list(c)), "maxEmptyPages");
      }
      assertThat(sharing.requests()).hasSize(MAX_EMPTY);
    }

    void listRenewItems() {
      pages(i -> page(List.of(item(i)), tokenFor(i + 1, 1 + random.nextInt(100)), false));
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> list(c)), "maxPages");
      }
      assertThat(sharing.requests()).hasSize(MAX_PAGES);
    }

    void listRepeat() {
      int cycle = 1 + random.nextInt(3);
      List<String> tokens = new ArrayList<>();
      pages(i -> {
        if (tokens.size() < cycle) {
          tokens.add(tokenFor(tokens.size() + 1, 1 + random.nextInt(100)));
        }
        // the first page holds an item, so that fewer than maxEmptyPages pages in a row are empty
        return page(i == 0 || random.nextBoolean() ? List.of(item(i)) : List.of(), tokens.get(Math.max(0, i) % cycle),
            false);
      });
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> list(c)), "page handle");
      }
      assertThat(sharing.requests()).hasSizeLessThanOrEqualTo(cycle + 1);
    }

    void listRetryStorm() {
      Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
      pages(i -> attempts.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet() < ATTEMPTS
          ? HostilePeer.json(503, SharingFixture.error("TEMPORARILY_UNAVAILABLE", "try again"))
          : page(List.of(item(i)), tokenFor(i + 1, 8), false));
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> list(c)), "maxRequests");
      }
      assertThat(sharing.requests()).hasSize(MAX_REQUESTS);
    }

    void listHugeToken() {
      boolean megabytes = random.nextBoolean();
      // a token of megabytes is refused by the peer's request line (64 KiB): retried, then a typed failure; one of
      // 40 KB is handed out again: a page handle seen before
      String huge = HostileAnswers.handle(random, megabytes ? (1 << 20) + random.nextInt(2 << 20)
          : 40_000 + random.nextInt(10_000));
      pages(i -> page(List.of(item(i)), huge, false));
      Throwable e;
      try (DeltaSharingClient c = client()) {
        e = thrown(() -> list(c));
      }
      if (megabytes) {
        assertThat(e).isInstanceOf(ServiceUnavailableException.class);
      } else {
        HostileAnswers.breaks(e, "page handle");
      }
      assertThat(HostileAnswers.typed(e)).isTrue();
      assertThat(e.getMessage()).doesNotContain(huge.substring(100, 400)).doesNotContain("\u001b");
    }

    void listWideItems() {
      int n = 1 + random.nextInt(2 * MAX_ITEMS);
      List<ObjectNode> items = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        items.add(item(i));
      }
      pages(i -> page(items, null, false));
      try (DeltaSharingClient c = client()) {
        Throwable e = thrown(() -> assertThat(list(c)).hasSize(n).first().isEqualTo("n0"));
        if (n > MAX_ITEMS) {
          HostileAnswers.breaks(e, "maxItems");
        } else {
          assertThat(e).isNull();
        }
      }
    }

    void listWideItem() {
      int n = 1 + random.nextInt(2 * MAX_ITEMS);
      pages(i -> page(List.of(HostileAnswers.widen(item(0), n)), null, false));
      int fields = HostileAnswers.widen(item(0), n).size(); // the item's own fields count too
      try (DeltaSharingClient c = client()) {
        Throwable e = thrown(() -> assertThat(list(c)).containsExactly("n0"));
        if (fields > MAX_ITEMS) {
          HostileAnswers.breaks(e, "maxItems");
        } else {
          assertThat(e).isNull();
        }
      }
    }

    void listItemsOverPages() {
      int perPage = MAX_ITEMS / 2 + 1 + random.nextInt(MAX_ITEMS / 2);
      pages(i -> {
        List<ObjectNode> items = new ArrayList<>();
        for (int k = 0; k < perPage; k++) {
          items.add(item(i * perPage + k));
        }
        return page(items, i < 5 ? tokenFor(i + 1, 10) : null, false);
      });
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> list(c)), "maxItems");
      }
      assertThat(sharing.requests()).hasSize(2);
    }

    void listManyTokens() {
      // each container within maxItems, the page beyond maxTokens
      int fields = 60 + random.nextInt(100);
      List<ObjectNode> items = new ArrayList<>();
      for (int i = 0; i < MAX_ITEMS - 1; i++) {
        items.add(HostileAnswers.widen(item(i), fields));
      }
      pages(i -> page(items, null, false));
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> list(c)), "maxTokens");
      }
    }

    void listDeep() {
      String deep = HostileAnswers.deep(MAX_DEPTH + 1 + random.nextInt(5_000));
      pages(i -> HostilePeer.json(200, "{\"items\":[{\"name\":\"n0\",\"x\":" + deep + "}]}"));
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> list(c)), "maxJsonDepth");
      }
    }

    void listCut() {
      String body = "{\"items\":[" + "{\"name\":\"n\"},".repeat(50) + "{\"name\":\"last\"}]}";
      pages(i -> cut(body.getBytes(StandardCharsets.UTF_8), "application/json", Map.of()));
      try (DeltaSharingClient c = client()) {
        Throwable e = thrown(() -> list(c));
        assertThat(HostileAnswers.typed(e)).isTrue();
        assertThat(e).isInstanceOf(ServiceUnavailableException.class);
      }
    }

    void listTrickle() {
      pages(i -> trickle("{\"items\":[{\"name\":\"n0\"},{\"name\":\"" .getBytes(StandardCharsets.UTF_8),
          "application/json", Map.of()));
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> list(c)), "minBytesPerSecond");
      }
      assertThat(sharing.requests()).as("a breach is not retried").hasSize(1);
    }

    void listRedirect() {
      int status = HostileAnswers.pick(random, 301, 302, 303, 307, 308);
      pages(i -> HostilePeer.redirect(status, other.uri(listPath()).toString()));
      try (DeltaSharingClient c = client()) {
        Throwable e = thrown(() -> list(c));
        assertThat(e).isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("redirect");
      }
      assertThat(other.requests()).isEmpty();
    }

    void listErrorBody() {
      int status = HostileAnswers.pick(random, 400, 401, 404, 500);
      pages(i -> HostilePeer.json(status, garbageError()));
      try (DeltaSharingClient c = client()) {
        Throwable e = thrown(() -> list(c));
        assertThat(HostileAnswers.typed(e)).isTrue();
        assertThat(e).isInstanceOf(switch (status) {
          case 400 -> InvalidInputException.class;
          case 401 -> AuthenticationException.class;
          case 404 -> NotFoundException.class;
          default -> ServiceUnavailableException.class;
        });
        assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain("\u001b").doesNotContain("\n");
      }
    }

    /** An error body as the protocol shapes it, its fields long, with control characters and the token echoed. */
    private String garbageError() {
      int length = random.nextBoolean() ? 2_000 + random.nextInt(20_000) : 70_000 + random.nextInt(100_000);
      String noise = "Bearer " + TOKEN + "\n\u001b[2J" + HostileAnswers.handle(random, length);
      return JSON.createObjectNode().put("errorCode", "E_" + noise).put("message", noise).toString();
    }

    // ---- query answers ----

    /** The file lines of a valid query answer, one per data file, each in the partition {@code d<i>}. */
    private List<ObjectNode> fileLines() {
      List<ObjectNode> lines = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        lines.add(fileLine(i, "f" + i, "d" + i, storage.uri("/f" + i + "?X-Amz-Signature=abc").toString(),
            files.get(i).bytes().length));
        serveFile(i);
      }
      return lines;
    }

    private void serveFile(int i) {
      byte[] bytes = files.get(i).bytes();
      storage.on("GET", "/f" + i, (request, out) -> {
        HostilePeer.head(out, 200, Map.of("Content-Type", "application/octet-stream",
            "Content-Length", String.valueOf(bytes.length)));
        out.write(bytes);
      });
    }

    private ObjectNode fileLine(int file, String id, String day, String url, long size) {
      ObjectNode line = JSON.createObjectNode();
      ObjectNode f = line.putObject("file");
      ObjectNode action;
      if (delta) {
        f.put("id", id).put("expirationTimestamp", System.currentTimeMillis() + 3_600_000L);
        action = f.putObject("deltaSingleAction").putObject("add");
        action.put("path", url).put("modificationTime", 1_700_000_000_000L).put("dataChange", true);
      } else {
        f.put("url", url).put("id", id);
        action = f;
      }
      action.putObject("partitionValues").put("day", day);
      action.put("size", size);
      action.put("stats", "{\"numRecords\":" + files.get(file).ids().size() + "}");
      return line;
    }

    /** @return the object of a file line holding its partitionValues, size and stats */
    private ObjectNode action(ObjectNode line) {
      ObjectNode f = (ObjectNode) line.get("file");
      return delta ? (ObjectNode) f.get("deltaSingleAction").get("add") : f;
    }

    private List<String> head() {
      if (!delta) {
        return List.of(SharingFixture.protocolLine(), SharingFixture.metadataLine(SCHEMA, List.of("day")));
      }
      ObjectNode meta = JSON.createObjectNode();
      ObjectNode m = meta.putObject("metaData").put("version", 7).putObject("deltaMetadata");
      m.put("id", "f8d5c169-3d01-4ca3-ad9e-7dc3355aedb2").putObject("format").put("provider", "parquet");
      m.put("schemaString", SCHEMA).putArray("partitionColumns").add("day");
      m.putObject("configuration");
      m.put("createdTime", 1_700_000_000_000L);
      return List.of("{\"protocol\":{\"deltaProtocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}}",
          meta.toString());
    }

    /** @return the answer's headers: its version, and in the delta format its capabilities */
    private Map<String, String> headers(boolean endPromised) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Delta-Table-Version", "7");
      if (delta) {
        h.put("delta-sharing-capabilities", "responseformat=delta" + (endPromised ? ";includeendstreamaction=true" : ""));
      }
      return h;
    }

    private void answerQuery(List<String> lines) {
      boolean end = delta && random.nextBoolean();
      List<String> all = new ArrayList<>(lines);
      if (end) {
        all.add("{\"endStreamAction\":{}}");
      }
      sharing.on("POST", TABLE + "/query", ndjson(all, headers(end)));
    }

    private List<String> withHead(List<ObjectNode> lines) {
      List<String> all = new ArrayList<>(head());
      lines.forEach(l -> all.add(l.toString()));
      return all;
    }

    /** @return the rows the table holds when file line {@code j} names data file {@code file[j]} in {@code day[j]} */
    private List<String> expected(List<Integer> fileOf, List<String> dayOf) {
      List<String> rows = new ArrayList<>();
      for (int j = 0; j < fileOf.size(); j++) {
        for (long id : files.get(fileOf.get(j)).ids()) {
          rows.add(id + "/" + dayOf.get(j));
        }
      }
      Collections.sort(rows);
      return rows;
    }

    private List<String> allFilesExpected() {
      List<Integer> fileOf = new ArrayList<>();
      List<String> dayOf = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        fileOf.add(i);
        dayOf.add("d" + i);
      }
      return expected(fileOf, dayOf);
    }

    private List<String> read(DeltaSharingClient c) {
      List<String> rows = new ArrayList<>();
      try (RowReader r = c.readTable("s.sc.t")) {
        while (r.hasNext()) {
          Row row = r.next();
          rows.add(row.getLong("id") + "/" + row.getString("day"));
        }
      }
      Collections.sort(rows);
      return rows;
    }

    void queryValid() {
      List<ObjectNode> lines = fileLines();
      for (ObjectNode line : lines) {
        for (int k = random.nextInt(3); k > 0; k--) { // keys of columns the table does not have: ignored
          ((ObjectNode) action(line).get("partitionValues")).put("x" + k, "y");
        }
      }
      answerQuery(withHead(lines));
      try (DeltaSharingClient c = client()) {
        assertThat(read(c)).isEqualTo(allFilesExpected());
      }
      assertThat(requestsTo(storage, "/f")).isEqualTo(files.size());
    }

    void queryWidePartitions() {
      List<ObjectNode> lines = fileLines();
      int victim = random.nextInt(lines.size());
      int n = MAX_ITEMS / 2 + random.nextInt(3 * MAX_ITEMS);
      ObjectNode action = action(lines.get(victim));
      action.set("partitionValues", HostileAnswers.widen((ObjectNode) action.get("partitionValues"), n));
      answerQuery(withHead(lines));
      try (DeltaSharingClient c = client()) {
        if (n + 1 > MAX_ITEMS) {
          HostileAnswers.breaks(thrown(() -> read(c)), "maxItems");
          assertThat(storage.requests()).isEmpty();
        } else {
          assertThat(read(c)).isEqualTo(allFilesExpected());
          // what a file keeps of its line: the table's one partition column, not the n keys
          for (FileAction f : c.query("s.sc.t", QueryOptions.all()).files()) {
            assertThat(f.partitionValues()).containsOnlyKeys("day");
          }
        }
      }
    }

    void queryWideStats() {
      List<ObjectNode> lines = fileLines();
      int n = MAX_ITEMS / 2 + random.nextInt(3 * MAX_ITEMS);
      // the protocol's stats is a string; a hostile server sends an object of n fields
      action(lines.get(random.nextInt(lines.size()))).set("stats",
          HostileAnswers.widen(JSON.createObjectNode().put("numRecords", 1), n));
      answerQuery(withHead(lines));
      try (DeltaSharingClient c = client()) {
        if (n + 1 > MAX_ITEMS) {
          HostileAnswers.breaks(thrown(() -> read(c)), "maxItems");
          assertThat(storage.requests()).isEmpty();
        } else {
          assertThat(read(c)).isEqualTo(allFilesExpected());
        }
      }
    }

    void queryManyTokens() {
      List<ObjectNode> lines = fileLines();
      ArrayNode stats = JSON.createArrayNode();
      int width = 50 + random.nextInt(MAX_ITEMS - 50);
      for (int i = 0; i < MAX_ITEMS - 1; i++) {
        ArrayNode inner = stats.addArray();
        for (int k = 0; k < width; k++) {
          inner.add(k);
        }
      }
      action(lines.get(random.nextInt(lines.size()))).set("stats", stats);
      answerQuery(withHead(lines));
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> read(c)), "maxTokens");
      }
      assertThat(storage.requests()).isEmpty();
    }

    void queryMultiplyFiles() {
      fileLines(); // serves the files
      boolean over = random.nextBoolean();
      int m = over ? MAX_LINES - 1 + random.nextInt(2 * MAX_LINES) : 2 + random.nextInt(10);
      List<ObjectNode> lines = new ArrayList<>();
      List<Integer> fileOf = new ArrayList<>();
      List<String> dayOf = new ArrayList<>();
      for (int j = 0; j < m; j++) {
        int file = j % files.size();
        lines.add(fileLine(file, "m" + j, "day" + j, storage.uri("/f" + file).toString(),
            files.get(file).bytes().length));
        fileOf.add(file);
        dayOf.add("day" + j);
      }
      answerQuery(withHead(lines));
      try (DeltaSharingClient c = client()) {
        if (m + 2 > MAX_LINES) {
          HostileAnswers.breaks(thrown(() -> read(c)), "maxLines");
          assertThat(storage.requests()).isEmpty();
        } else {
          assertThat(read(c)).isEqualTo(expected(fileOf, dayOf));
        }
      }
    }

    void queryDeep() {
      List<String> all = new ArrayList<>(head());
      List<ObjectNode> lines = fileLines();
      int victim = random.nextInt(lines.size());
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).toString();
        all.add(i != victim ? line
            : line.substring(0, line.length() - 2) + ",\"deep\":" + HostileAnswers.deep(MAX_DEPTH + 1
                + random.nextInt(5_000)) + "}}");
      }
      answerQuery(all);
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> read(c)), "maxJsonDepth");
      }
      assertThat(storage.requests()).isEmpty();
    }

    void queryCut() {
      List<String> all = withHead(fileLines());
      if (delta && random.nextBoolean()) {
        // the end-of-stream marker promised, and missing
        sharing.on("POST", TABLE + "/query", ndjson(all, headers(true)));
      } else {
        sharing.on("POST", TABLE + "/query",
            cut((String.join("\n", all) + "\n").getBytes(StandardCharsets.UTF_8), "application/x-ndjson",
                headers(false)));
      }
      try (DeltaSharingClient c = client()) {
        Throwable e = thrown(() -> read(c));
        assertThat(HostileAnswers.typed(e)).isTrue();
        assertThat(e).isInstanceOf(ServiceUnavailableException.class);
      }
      assertThat(storage.requests()).isEmpty();
    }

    void queryTrickle() {
      List<String> lines = withHead(fileLines());
      String start = String.join("\n", lines.subList(0, 2 + random.nextInt(lines.size() - 1))) + "\n{\"file\":{\"";
      sharing.on("POST", TABLE + "/query", trickle(start.getBytes(StandardCharsets.UTF_8), "application/x-ndjson",
          headers(false)));
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> read(c)), "minBytesPerSecond");
      }
      assertThat(requestsTo(sharing, TABLE + "/query")).as("a breach is not retried").isEqualTo(1);
      assertThat(storage.requests()).isEmpty();
    }

    void queryRedirect() {
      int status = HostileAnswers.pick(random, 301, 302, 303, 307, 308);
      sharing.on("POST", TABLE + "/query", HostilePeer.redirect(status, other.uri(TABLE + "/query").toString()));
      try (DeltaSharingClient c = client()) {
        assertThat(thrown(() -> read(c))).isExactlyInstanceOf(DataFormatException.class)
            .hasMessageContaining("redirect");
      }
      assertThat(other.requests()).isEmpty();
    }

    void queryHugeId() {
      List<ObjectNode> lines = fileLines();
      String id = HostileAnswers.handle(random, 100_000 + random.nextInt(900_000));
      lines.set(0, fileLine(0, id, "d0", HostileAnswers.pick(random, "ftp://127.0.0.1/f", "file:///etc/passwd",
          "http://user:hunter2@127.0.0.1:" + storage.port() + "/f0"), files.get(0).bytes().length));
      answerQuery(withHead(lines));
      try (DeltaSharingClient c = client()) {
        Throwable e = thrown(() -> read(c));
        assertThat(HostileAnswers.typed(e)).isTrue();
        assertThat(e).isExactlyInstanceOf(DataFormatException.class);
        assertThat(e.getMessage()).contains(id.substring(0, 50).replace('\u001b', '?'))
            .doesNotContain(id.substring(300, 600)).doesNotContain("hunter2");
      }
      assertThat(requestsTo(storage, "/f0")).isZero();
    }

    void queryVersionHeader() {
      Map<String, String> h = headers(false);
      h.put("Delta-Table-Version", "7" + "x".repeat(5_000 + random.nextInt(20_000)));
      sharing.on("POST", TABLE + "/query", ndjson(withHead(fileLines()), h));
      try (DeltaSharingClient c = client()) {
        Throwable e = thrown(() -> read(c));
        assertThat(HostileAnswers.typed(e)).isTrue();
        assertThat(e).isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("Delta-Table-Version");
      }
      assertThat(storage.requests()).isEmpty();
    }

    void queryErrorBody() {
      int status = HostileAnswers.pick(random, 400, 403, 404, 429, 500);
      sharing.on("POST", TABLE + "/query", HostilePeer.json(status, garbageError()));
      try (DeltaSharingClient c = client()) {
        Throwable e = thrown(() -> read(c));
        assertThat(HostileAnswers.typed(e)).isTrue();
        assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain("\u001b").doesNotContain("\n");
      }
      assertThat(storage.requests()).isEmpty();
    }

    // ---- data files ----

    void fileDeclaredHuge() {
      List<ObjectNode> lines = fileLines();
      boolean disk = random.nextBoolean();
      long declared = disk ? (1L << 50) + random.nextInt(1 << 20) : (1L << 62) - random.nextInt(1 << 20);
      int victim = random.nextInt(lines.size());
      action(lines.get(victim)).put("size", declared);
      // "endless", but 16 MiB at most: a client that ignored the declared size would fail here, not fill the disk
      storage.on("GET", "/f" + victim, storage.sized(200, "application/octet-stream", -1, 16L << 20));
      answerQuery(withHead(lines));
      // with maxDeclaredBytes out of the way, the spool disk's free space refuses it
      try (DeltaSharingClient c = client(l -> l.maxDeclaredBytes(disk ? Long.MAX_VALUE : 64L << 30))) {
        HostileAnswers.breaks(thrown(() -> read(c)), disk ? "minFreeDiskBytes" : "maxDeclaredBytes");
      }
      assertThat(requestsTo(storage, "/f" + victim)).as("refused before it is asked for").isZero();
    }

    void fileLonger() {
      List<ObjectNode> lines = fileLines();
      int victim = random.nextInt(lines.size());
      long size = files.get(victim).bytes().length;
      boolean announced = random.nextBoolean();
      long longer = size + 1 + random.nextInt(1 << 20);
      // longer than declared: announced by Content-Length (and sent: a peer that closed at once after its head would
      // race the client's reading of the head against the end of the connection, a cut answer that is retried), or
      // sent without one (16 MiB) until the client stops
      storage.on("GET", "/f" + victim, announced
          ? storage.sized(200, "application/octet-stream", longer, longer)
          : storage.sized(200, "application/octet-stream", -1, 16L << 20));
      answerQuery(withHead(lines));
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> read(c)), "declared size");
      }
      assertThat(requestsTo(storage, "/f" + victim)).as("not retried").isEqualTo(1);
    }

    void fileShorter() {
      List<ObjectNode> lines = fileLines();
      int victim = random.nextInt(lines.size());
      long size = files.get(victim).bytes().length;
      long sent = random.nextInt((int) size);
      // a whole answer, shorter than declared: announced by Content-Length, or ended by closing
      storage.on("GET", "/f" + victim, storage.sized(200, "application/octet-stream",
          random.nextBoolean() ? sent : -1, sent));
      answerQuery(withHead(lines));
      try (DeltaSharingClient c = client()) {
        Throwable e = thrown(() -> read(c));
        assertThat(HostileAnswers.typed(e)).isTrue();
        assertThat(e).isExactlyInstanceOf(DataFormatException.class).hasMessageContaining("file f" + victim)
            .hasMessageContaining(String.valueOf(size));
      }
      assertThat(requestsTo(storage, "/f" + victim)).as("not retried").isEqualTo(1);
    }

    void fileCut() {
      List<ObjectNode> lines = fileLines();
      int victim = random.nextInt(lines.size());
      long size = files.get(victim).bytes().length;
      // the declared length, then the connection drops: retried, then typed
      storage.on("GET", "/f" + victim, storage.sized(200, "application/octet-stream", size, random.nextInt((int) size)));
      answerQuery(withHead(lines));
      try (DeltaSharingClient c = client()) {
        Throwable e = thrown(() -> read(c));
        assertThat(HostileAnswers.typed(e)).isTrue();
        assertThat(e).isInstanceOf(ServiceUnavailableException.class);
      }
      assertThat(requestsTo(storage, "/f" + victim)).as("retried").isEqualTo(ATTEMPTS);
    }

    void fileTrickle() {
      List<ObjectNode> lines = fileLines();
      int victim = random.nextInt(lines.size());
      byte[] bytes = files.get(victim).bytes();
      byte[] start = java.util.Arrays.copyOf(bytes, 4 + random.nextInt(bytes.length / 2));
      storage.on("GET", "/f" + victim, trickle(start, "application/octet-stream",
          Map.of("Content-Length", String.valueOf(bytes.length))));
      answerQuery(withHead(lines));
      try (DeltaSharingClient c = client()) {
        HostileAnswers.breaks(thrown(() -> read(c)), "minBytesPerSecond");
      }
      assertThat(requestsTo(storage, "/f" + victim)).as("not retried").isEqualTo(1);
    }

    void fileRedirect() {
      List<ObjectNode> lines = fileLines();
      int victim = random.nextInt(lines.size());
      byte[] bytes = files.get(victim).bytes();
      storage.on("GET", "/f" + victim, HostilePeer.redirect(HostileAnswers.pick(random, 301, 302, 303, 307, 308),
          other.uri("/moved" + victim + "?X-Amz-Signature=def").toString()));
      other.on("GET", "/moved" + victim, (request, out) -> {
        HostilePeer.head(out, 200, Map.of("Content-Length", String.valueOf(bytes.length)));
        out.write(bytes);
      });
      answerQuery(withHead(lines));
      try (DeltaSharingClient c = client()) {
        assertThat(read(c)).isEqualTo(allFilesExpected());
      }
      assertThat(requestsTo(other, "/moved")).as("storage's redirect is followed").isEqualTo(1);
    }

    // ---- answers that deliver nothing ----

    /** The delivery bounds of these kinds: padding ends after a megabyte. */
    private DeltaSharingClient undeliveredClient() {
      return client(l -> l.maxBytesWithoutProgress(1 << 20).maxLineBytes(256 << 10).maxBodyBytes(1 << 20));
    }

    void listPadded() {
      HostileAnswers.Padding padding = HostileAnswers.pick(random, HostileAnswers.Padding.JSON);
      pages(i -> sharing.padded(200, "application/json", "{\"items\":[{\"name\":\"n0\"}", padding.text(),
          HostilePeer.Wire.PLAIN, Duration.ZERO, Map.of()));
      try (DeltaSharingClient c = undeliveredClient()) {
        HostileAnswers.endsUndelivered(thrown(() -> list(c)), "maxBodyBytes", "bodyTimeout");
      }
      assertThat(sharing.requests()).as("a breach is not retried").hasSize(1);
      sharing.close();
      assertThat(sharing.bytesSent()).as("bytes the peer got out").isLessThan(64L << 20);
    }

    /** A query (or changes) answer: its head and some file lines, then blank lines forever. */
    void queryPadded(boolean changes) {
      HostileAnswers.Padding padding = HostileAnswers.pick(random, HostileAnswers.Padding.LINES);
      List<String> lines = withHead(fileLines());
      String start = String.join("\n", lines.subList(0, 2 + random.nextInt(lines.size() - 1))) + "\n";
      sharing.on(changes ? "GET" : "POST", TABLE + (changes ? "/changes" : "/query"), sharing.padded(200,
          "application/x-ndjson", start, padding.text(), HostilePeer.Wire.PLAIN, Duration.ZERO, headers(false)));
      try (DeltaSharingClient c = undeliveredClient()) {
        Throwable e = thrown(() -> {
          if (changes) {
            try (RowReader r = c.readChanges("s.sc.t", 0)) {
              while (r.hasNext()) {
                r.next();
              }
            }
          } else {
            read(c);
          }
        });
        HostileAnswers.endsUndelivered(e, "maxBytesWithoutProgress", "progressTimeout");
      }
      assertThat(storage.requests()).as("nothing of a padded answer is used").isEmpty();
      sharing.close();
      assertThat(sharing.bytesSent()).as("bytes the peer got out: the bound and socket buffers")
          .isLessThan(64L << 20);
    }

    /** The OAuth token endpoint's answer (a peer of its own) padded with whitespace forever. */
    void tokenPadded() {
      HostileAnswers.Padding padding = HostileAnswers.pick(random, HostileAnswers.Padding.JSON);
      try (HostilePeer oauth = HostilePeer.start()) {
        oauth.on("POST", "/oauth/token", oauth.padded(200, "application/json", "{\"access_token\":\"t\",",
            padding.text(), HostilePeer.Wire.PLAIN, Duration.ZERO, Map.of()));
        DeltaSharingProfile profile = new DeltaSharingProfile(2, sharing.uri(PREFIX),
            DeltaSharingProfile.AuthType.OAUTH_CLIENT_CREDENTIALS, null, null, oauth.uri("/oauth/token"), "client",
            Secret.of("client-SECRET-58"), null);
        try (DeltaSharingClient c = DeltaSharingClient.builder().profile(profile)
            .retryPolicy(r -> r.maxAttempts(ATTEMPTS).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)))
            .responseLimits(l -> l.maxBodyBytes(1 << 20).maxBytesWithoutProgress(1 << 20)).build()) {
          Throwable e = thrown(c::listShares);
          HostileAnswers.endsUndelivered(e, "maxBodyBytes", "bodyTimeout");
          assertThat(e.getMessage()).doesNotContain("client-SECRET-58");
        }
        assertThat(requestsTo(sharing, PREFIX)).as("no request reached the sharing server without a token").isZero();
        oauth.close();
        assertThat(oauth.bytesSent()).as("bytes the peer got out").isLessThan(64L << 20);
      }
    }

    // ---- after every exchange ----

    void checkAfter() throws IOException {
      for (HostilePeer peer : List.of(storage, other)) {
        assertThat(peer.requests()).as("nothing of ours reaches storage or another host").allSatisfy(r -> {
          assertThat(r.header("Authorization")).isNull();
          assertThat(r.headers().toString() + r.target() + r.bodyText()).doesNotContain(TOKEN);
        });
      }
      assertThat(sharing.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN));
      assertThat(spoolFilesLeft()).as("no spool file is left behind").isEmpty();
    }

    /** Waits (a safety net of 30 s, not a measure) for the read's workers to delete what they spooled. */
    private List<Path> spoolFilesLeft() throws IOException {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        List<Path> left;
        try (Stream<Path> s = Files.list(spool)) {
          left = s.toList();
        }
        if (left.isEmpty() || System.nanoTime() > until) {
          return left;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return left;
        }
      }
    }

    @Override
    public void close() {
      sharing.close();
      storage.close();
      other.close();
    }
  }

  // ---- answers ----

  static long requestsTo(HostilePeer peer, String prefix) {
    return peer.requests().stream().filter(r -> r.target().startsWith(prefix)).count();
  }

  static Throwable thrown(Runnable r) {
    try {
      r.run();
      return null;
    } catch (Throwable e) {
      return e;
    }
  }

  /** A whole NDJSON answer of the sharing server, with its true {@code Content-Length}. */
  static HostilePeer.Answer ndjson(List<String> lines, Map<String, String> headers) {
    byte[] body = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    return (request, out) -> {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put("Content-Type", "application/x-ndjson; charset=utf-8");
      h.put("Content-Length", String.valueOf(body.length));
      HostilePeer.head(out, 200, h);
      out.write(body);
    };
  }

  /** An answer that declares its whole length, sends part of it, and drops the connection. */
  static HostilePeer.Answer cut(byte[] body, String contentType, Map<String, String> headers) {
    return (request, out) -> {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put("Content-Type", contentType);
      h.put("Content-Length", String.valueOf(body.length));
      HostilePeer.head(out, 200, h);
      out.write(body, 0, body.length / 2);
      out.flush();
    };
  }

  /**
   * An answer that sends a valid start at once, then one byte every 25 ms (40 bytes a second, under the test's
   * {@code minBytesPerSecond} of 1,000) until the client goes away or the peer closes.
   */
  static HostilePeer.Answer trickle(byte[] start, String contentType, Map<String, String> headers) {
    return (request, out) -> {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put("Content-Type", contentType);
      h.putIfAbsent("Content-Length", "1000000000");
      HostilePeer.head(out, 200, h);
      out.write(start);
      out.flush();
      try {
        while (true) {
          Thread.sleep(25);
          out.write('x');
          out.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the peer closes
      }
    };
  }
}
