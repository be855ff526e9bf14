package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.parquet.internal.engines.DuckDbSql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.core.internal.Listeners;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cache of a shared table's files for DuckDB, and the view over it.
 *
 * <p>Layout, under the cache directory the caller chose (one per organisation or profile):
 * <pre>
 *   &lt;table folder&gt;/files/&lt;sha256(file id [+ filter key])&gt;.parquet   one per data file, fetched once
 *   &lt;table folder&gt;/v&lt;version&gt;[-&lt;filter key&gt;].json              the manifest of one table version
 * </pre>
 * A file is written beside its final name and renamed into place once complete (a crash leaves a {@code .part}
 * file, removed by a later fill), then the manifest of the version is written the same way: a manifest names
 * only files that are complete. Without a filter a file is the data file as storage served it (its partition
 * values go into the view as constants); with a filter it holds only the rows the filter keeps, in the table's
 * schema (partition values included), written by the library's Parquet writer, so rows the filter drops never
 * reach the cache. A file without any such row is recorded as empty and not written.
 */
public final class SqlCache {

  private static final Logger LOG = LoggerFactory.getLogger(SqlCache.class);
  private static final ObjectMapper JSON = JsonSupport.MAPPER;

  private final Path directory;

  /** @param directory the cache directory (created when needed) */
  public SqlCache(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  /** @return the cache directory */
  public Path directory() {
    return directory;
  }

  /**
   * One file of a manifest.
   *
   * @param id the file's id in the table
   * @param cacheFile the cached file's name under {@code files/}, {@code null} when the filter kept no row
   * @param materialised whether the cached file holds the table's schema (filtered) rather than storage's bytes
   * @param partitionSql per partition column, its value as a DuckDB literal (raw files only)
   */
  public record CachedFile(String id, @Nullable String cacheFile, boolean materialised,
      Map<String, String> partitionSql) {}

  /**
   * A table version as cached: enough to make the view without asking the sharing server anything.
   *
   * @param table {@code share.schema.table}
   * @param version the table version
   * @param columns the table's columns, name to DuckDB type, in order
   * @param files the files of the version
   */
  public record Manifest(String table, long version, Map<String, String> columns, List<CachedFile> files) {}

  /**
   * What a fill did.
   *
   * @param manifest the version's manifest
   * @param fetched files downloaded now
   * @param fetchedBytes bytes downloaded now
   * @param reused files found in the cache
   * @param queried whether the sharing server was queried (false when a manifest of the version existed)
   */
  public record Fill(Manifest manifest, int fetched, long fetchedBytes, int reused, boolean queried) {}

  /**
   * @param filter the read's filter, may be {@code null}
   * @param limit the read's limit, may be {@code null}
   * @return a short key of the filter and limit ({@code ""} for neither), part of file and manifest names
   */
  public static String optionsKey(@Nullable Filter filter, @Nullable Long limit) {
    if (filter == null && limit == null) {
      return "";
    }
    return sha256(filter + "|" + limit).substring(0, 16);
  }

  /**
   * @param table {@code share.schema.table}
   * @param version a table version
   * @param key the options' key
   * @return the manifest cached for the version, or {@code null} when there is none or a file it names is gone
   */
  public @Nullable Manifest cached(String table, long version, String key) {
    Path file = manifestPath(table, version, key);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      Manifest m = parseManifest(JSON.readTree(file.toFile()));
      for (CachedFile f : m.files()) {
        if (f.cacheFile() != null && !Files.isRegularFile(filesFolder(table).resolve(f.cacheFile()))) {
          LOG.info("cache of {} v{}: file {} is gone; querying again", table, version,
              io.delpha.sdk.core.internal.http.Peers.echo(f.id()));
          return null;
        }
      }
      return m.table().equals(table) && m.version() == version ? m : null;
    } catch (IOException | RuntimeException e) {
      LOG.warn("cache of {} v{}: unreadable manifest {} ignored ({})", table, version, file, e.toString());
      return null;
    }
  }

  /**
   * Fetches the files of a query that are not cached yet, and records the version's manifest.
   *
   * @param query the query's answer
   * @param filter the read's filter ({@code null}: files cached as served)
   * @param key the options' key
   * @param parallelism files fetched at once
   * @param progress told of each fetched file
   * @return what was done
   */
  public Fill fill(TableQuery query, @Nullable Filter filter, String key, int parallelism, ProgressListener progress) {
    String table = query.name();
    Path files = filesFolder(table);
    try {
      Files.createDirectories(files);
      removeStaleParts(files);
    } catch (IOException e) {
      throw new DelphaException("cannot create the cache folder " + files + ": " + e.getMessage(), e);
    }
    RowSchema schema = query.schema();
    List<CachedFile> entries = new ArrayList<>();
    List<Integer> missing = new ArrayList<>();
    for (FileAction f : query.files()) {
      boolean asServed = filter == null && query.readAsServed(f);
      String name = cacheName(f.contentId(), key);
      Map<String, String> partitions = new LinkedHashMap<>();
      if (asServed) {
        for (String p : query.metadata().partitionColumns()) {
          partitions.put(p, DuckDbSql.literal(Objects.requireNonNull(query.constants().apply(f), "every file of the query has its partition values").get(p),
               schema.column(p).type()));
        }
      }
      Path cached = files.resolve(name);
      if (!asServed && Files.isRegularFile(emptyMarker(cached))) {
        entries.add(new CachedFile(f.contentId(), null, true, partitions)); // an earlier fill found no row to keep
        continue;
      }
      entries.add(new CachedFile(f.contentId(), name, !asServed, partitions));
      boolean complete = Files.isRegularFile(cached) && (!asServed || f.size() < 0 || sizeOf(cached) == f.size());
      if (!complete) {
        missing.add(entries.size() - 1);
      }
    }
    String task = "fetch " + table;
    Listeners.notify(progress, l -> l.onStart(task));
    AtomicInteger done = new AtomicInteger();
    long bytes = 0;
    if (!missing.isEmpty()) {
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, missing.size()), r -> {
        Thread t = new Thread(r, "delpha-sharing-cache");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<Long>> results = new ArrayList<>();
        for (int i : missing) {
          FileAction f = query.files().get(i);
          Path target = files.resolve(entries.get(i).cacheFile());
          results.add(pool.submit(() -> {
            long n = filter == null && query.readAsServed(f) ? query.downloader().download(f, target)
                : materialise(query, f, filter, target);
            Listeners.notify(progress, l -> l.onProgress(new ProgressListener.Progress(task, done.incrementAndGet(),
                missing.size(), "files")));
            return n;
          }));
        }
        for (int k = 0; k < results.size(); k++) {
          long n = await(results.get(k), table);
          if (n < 0) { // the filter kept no row of this file: nothing cached, recorded as empty
            CachedFile e = entries.get(missing.get(k));
            entries.set(missing.get(k), new CachedFile(e.id(), null, true, e.partitionSql()));
          } else {
            bytes += n;
          }
        }
      } catch (DelphaException e) {
        Listeners.notify(progress, l -> l.onFailure(task, e));
        throw e;
      } finally {
        pool.shutdownNow();
      }
    }
    Map<String, String> columns = new LinkedHashMap<>();
    for (Column c : schema.columns()) {
      columns.put(c.name(), DuckDbSql.type(c.type(), c.name(), table));
    }
    Manifest manifest = new Manifest(table, query.metadata().version(), columns, entries);
    if (manifest.version() >= 0) {
      writeManifest(manifest, key);
    }
    long fetchedBytes = bytes;
    int fetched = missing.size();
    Listeners.notify(progress, l -> l.onSuccess(task, "fetched " + fetched + " of " + entries.size() + " files ("
        + fetchedBytes + " bytes), version " + manifest.version()));
    return new Fill(manifest, fetched, fetchedBytes, entries.size() - fetched, true);
  }

  /**
   * Writes the rows of one file that the filter keeps, in the table's schema, to {@code target}.
   *
   * @return the bytes written, or {@code -1} when no row was kept (then nothing is written)
   */
  private static long materialise(TableQuery query, FileAction f, @Nullable Filter filter, Path target) throws IOException {
    String name = query.name() + " " + f.label();
    RowSchema schema = query.schema();
    RowWriter writer = null;
    Map<String, Object> values =
        Objects.requireNonNull(query.constants().apply(f), "every file of the query has its partition values");
    // the mapping closes the file if it throws (a file without a column the table requires)
    try (TableBatches batches = new TableBatches(schema, query.opener().open(f), values, name)) {
      for (ColumnBatch b = batches.next(); b != null; b = batches.next()) {
        for (int i = 0; i < b.rowCount(); i++) {
          Row row = b.row(i);
          if (filter == null || filter.test(row)) {
            if (writer == null) {
              writer = ParquetRows.writer(target, schema, WriteOptions.defaults());
            }
            writer.write(row);
          }
        }
      }
      if (writer == null) {
        Files.write(emptyMarker(target), new byte[0]);
        return -1;
      }
      RowWriter done = writer;
      writer = null;
      done.close();
      return Files.size(target);
    } finally {
      if (writer != null) {
        writer.abort();
      }
    }
  }

  /**
   * Creates or replaces the view over a manifest's files.
   *
   * @param connection a DuckDB connection
   * @param view the view's name (checked by the caller)
   * @param manifest the table version's manifest
   * @param limit the most rows the view shows, {@code null} for all
   * @throws DataFormatException if DuckDB cannot read the cached files as the table's schema
   */
  public void createView(Connection connection, String view, Manifest manifest, @Nullable Long limit) {
    Path files = filesFolder(manifest.table());
    List<String> branches = new ArrayList<>();
    List<String> materialised = new ArrayList<>();
    Map<Map<String, String>, List<String>> raw = new LinkedHashMap<>();
    for (CachedFile f : manifest.files()) {
      if (f.cacheFile() == null) {
        continue;
      }
      String path = files.resolve(f.cacheFile()).toString();
      if (f.materialised()) {
        materialised.add(path);
      } else {
        raw.computeIfAbsent(f.partitionSql(), k -> new ArrayList<>()).add(path);
      }
    }
    try (Statement st = connection.createStatement()) {
      if (!materialised.isEmpty()) {
        branches.add(branch(st, manifest, materialised, Map.of()));
      }
      for (Map.Entry<Map<String, String>, List<String>> group : raw.entrySet()) {
        branches.add(branch(st, manifest, group.getValue(), group.getKey()));
      }
      if (branches.isEmpty()) {
        List<String> select = new ArrayList<>();
        manifest.columns().forEach((c, t) -> select.add("CAST(NULL AS " + t + ") AS " + DuckDbSql.identifier(c)));
        branches.add("SELECT " + String.join(", ", select) + " WHERE false");
      }
      String body = String.join("\nUNION ALL\n", branches);
      if (limit != null) {
        body = "SELECT * FROM (" + body + ") LIMIT " + limit;
      }
      st.execute("CREATE OR REPLACE VIEW " + DuckDbSql.identifier(view) + " AS " + body);
    } catch (SQLException e) {
      throw new DataFormatException("DuckDB cannot make view " + view + " over the cached files of "
          + manifest.table() + ": " + e.getMessage(), e);
    }
  }

  /** One SELECT over files of one kind: every table column, cast to its type, constants for partition values. */
  private static String branch(Statement st, Manifest manifest, List<String> paths, Map<String, String> constants)
      throws SQLException {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < paths.size(); i++) {
      list.append(i == 0 ? "" : ", ").append(DuckDbSql.string(paths.get(i)));
    }
    String source = "read_parquet(" + list.append("]") + ", union_by_name = true)";
    Set<String> present = new HashSet<>();
    try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + source)) {
      while (rs.next()) {
        present.add(rs.getString(1));
      }
    }
    List<String> select = new ArrayList<>();
    manifest.columns().forEach((c, t) -> {
      String value = constants.containsKey(c) ? constants.get(c)
          : present.contains(c) ? "CAST(" + DuckDbSql.identifier(c) + " AS " + t + ")"
          : "CAST(NULL AS " + t + ")";
      select.add(value + " AS " + DuckDbSql.identifier(c));
    });
    return "SELECT " + String.join(", ", select) + " FROM " + source;
  }

  private void writeManifest(Manifest m, String key) {
    ObjectNode root = JSON.createObjectNode().put("table", m.table()).put("version", m.version());
    ObjectNode columns = root.putObject("columns");
    m.columns().forEach(columns::put);
    ArrayNode files = root.putArray("files");
    for (CachedFile f : m.files()) {
      ObjectNode o = files.addObject().put("id", f.id()).put("cacheFile", f.cacheFile())
          .put("materialised", f.materialised());
      ObjectNode p = o.putObject("partitionSql");
      f.partitionSql().forEach(p::put);
    }
    Path target = manifestPath(m.table(), m.version(), key);
    Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      Files.write(temp, JSON.writeValueAsBytes(root));
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort
      }
      throw new DelphaException("cannot write the cache manifest " + target + ": " + e.getMessage(), e);
    }
  }

  private static Manifest parseManifest(JsonNode root) {
    Map<String, String> columns = new LinkedHashMap<>();
    root.get("columns").fields().forEachRemaining(e -> columns.put(e.getKey(), e.getValue().asText()));
    List<CachedFile> files = new ArrayList<>();
    for (JsonNode f : root.get("files")) {
      Map<String, String> p = new LinkedHashMap<>();
      f.path("partitionSql").fields().forEachRemaining(e -> p.put(e.getKey(), e.getValue().asText()));
      String cacheFile = f.hasNonNull("cacheFile") ? f.get("cacheFile").asText() : null;
      if (cacheFile != null && !cacheFile.matches("[0-9a-f]{64}\\.parquet")) {
        throw new DataFormatException("a cache manifest names a file outside its folder");
      }
      files.add(new CachedFile(f.get("id").asText(), cacheFile, f.get("materialised").asBoolean(), p));
    }
    return new Manifest(root.get("table").asText(), root.get("version").asLong(), columns, files);
  }

  /**
   * A table version and options key some view is attached to.
   *
   * @param version the table version
   * @param key the options' key
   */
  public record Attached(long version, String key) {}

  /**
   * Deletes what no attachment needs any more: the manifests of a table with an attached options key but another
   * version, then every cached file (and empty marker) that no remaining manifest names. Manifests of other keys
   * stay. The directory must belong to one {@code SharingSql} (as documented), whose attachments are {@code attached}.
   *
   * @param table {@code share.schema.table}
   * @param attached every version and key of the table attached now
   * @return the files deleted (manifests included)
   */
  public int prune(String table, Set<Attached> attached) {
    Path folder = tableFolder(table);
    Set<String> keys = new HashSet<>();
    Set<String> keep = new HashSet<>();
    for (Attached a : attached) {
      keys.add(a.key());
      keep.add(manifestPath(table, a.version(), a.key()).getFileName().toString());
    }
    int deleted = 0;
    Set<String> named = new HashSet<>();
    try (Stream<Path> list = Files.list(folder)) {
      for (Path m : list.filter(p -> MANIFEST.matcher(p.getFileName().toString()).matches()).toList()) {
        String name = m.getFileName().toString();
        var match = MANIFEST.matcher(name);
        String key = match.matches() && match.group(2) != null ? match.group(2) : "";
        if (keys.contains(key) && !keep.contains(name)) {
          Files.deleteIfExists(m);
          deleted++;
          continue;
        }
        try {
          for (CachedFile f : parseManifest(JSON.readTree(m.toFile())).files()) {
            String file = cacheName(f.id(), key);
            named.add(file);
            named.add(emptyMarker(Path.of(file)).toString());
          }
        } catch (IOException | RuntimeException e) {
          LOG.warn("cache of {}: unreadable manifest {} left as it is ({})", table, m, e.toString());
          return deleted; // what it names is unknown: no file is deleted
        }
      }
      Path files = filesFolder(table);
      if (Files.isDirectory(files)) {
        try (Stream<Path> cached = Files.list(files)) {
          for (Path f : cached.toList()) {
            String name = f.getFileName().toString();
            if (!name.endsWith(".part") && !named.contains(name)) {
              Files.deleteIfExists(f);
              deleted++;
            }
          }
        }
      }
    } catch (NoSuchFileException e) {
      return deleted;
    } catch (IOException e) {
      LOG.warn("cache of {}: pruning {} stopped: {}", table, folder, e.toString());
    }
    if (deleted > 0) {
      LOG.info("cache of {}: {} files of versions no longer attached deleted", table, deleted);
    }
    return deleted;
  }

  private static final java.util.regex.Pattern MANIFEST = java.util.regex.Pattern.compile("v(-?[0-9]+)(?:-([0-9a-f]+))?\\.json");

  /** @return the name of a data file's cache file under {@code files/} for an options key */
  private static String cacheName(String fileId, String key) {
    return sha256(fileId + (key.isEmpty() ? "" : "|" + key)) + ".parquet";
  }

  /** @return the folder of one table's cache: a readable prefix and a hash, so no name escapes the directory */
  public Path tableFolder(String table) {
    String readable = table.replaceAll("[^A-Za-z0-9._-]", "_");
    if (readable.length() > 60) {
      readable = readable.substring(0, 60);
    }
    return directory.resolve(readable + "-" + sha256(table).substring(0, 12));
  }

  private Path filesFolder(String table) {
    return tableFolder(table).resolve("files");
  }

  private Path manifestPath(String table, long version, String key) {
    return tableFolder(table).resolve("v" + version + (key.isEmpty() ? "" : "-" + key) + ".json");
  }

  /** Removes {@code .part} files a crashed fill left behind (an hour old, so a concurrent fill keeps its own). */
  private static void removeStaleParts(Path folder) throws IOException {
    Instant cutoff = Instant.now().minus(1, ChronoUnit.HOURS);
    try (Stream<Path> list = Files.list(folder)) {
      for (Path p : list.filter(p -> p.getFileName().toString().endsWith(".part")).toList()) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** @return the marker that a filtered file kept no row, so it is not fetched again */
  private static Path emptyMarker(Path cached) {
    return cached.resolveSibling(cached.getFileName() + ".empty");
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  private static long await(Future<Long> f, String table) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw Workers.failure(e.getCause() == null ? e : e.getCause(), "fetching a file of " + table);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while fetching the files of " + table);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
