package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.internal.PeerNumbers;
import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.TableMetadata;
import io.delpha.sdk.sharing.UnsupportedTableFeatureException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A parsed metadata, query or changes answer, in either response format of the protocol: {@code parquet} (the
 * protocol's own actions) or {@code delta} (each line wraps a Delta action: {@code deltaProtocol},
 * {@code deltaMetadata}, {@code deltaSingleAction}), whichever the server chose.
 *
 * @param metadata the table's metadata, in its logical names
 * @param physicalSchema the table's schema in the names its data files use (the logical schema without column
 *     mapping)
 * @param location the table's root, when the server names it (a deletion vector stored relative to it needs it)
 * @param files the file actions ({@code file} in the parquet format; {@code add}, {@code cdf} or {@code remove})
 * @param nextPageToken the {@code endStreamAction}'s token of the next page of a paged answer, {@code null} (or
 *     empty) when this answer is the last page
 * @param minUrlExpirationTimestamp the {@code endStreamAction}'s earliest expiry of the answer's URLs (epoch ms),
 *     {@code null} when not sent
 * @param format the answer's response format, {@code parquet} or {@code delta}
 */
public record QueryResponse(TableMetadata metadata, RowSchema physicalSchema, @Nullable URI location,
    List<FileAction> files, @Nullable String nextPageToken, @Nullable Long minUrlExpirationTimestamp, String format) {

  /**
   * An answer of one page, in the parquet format.
   *
   * @param metadata the table's metadata
   * @param physicalSchema its schema in the data files' names
   * @param location the table's root, may be {@code null}
   * @param files the file actions
   */
  public QueryResponse(TableMetadata metadata, RowSchema physicalSchema, @Nullable URI location,
      List<FileAction> files) {
    this(metadata, physicalSchema, location, files, null, null, "parquet");
  }

  /** The reader version of the sharing protocol's parquet format this client implements. */
  public static final int READER_VERSION = 1;

  /** The highest Delta reader version this client reads in the delta format. */
  public static final int DELTA_READER_VERSION = 3;

  /**
   * The Delta reader features this client reads (lower case, as the capabilities header spells them):
   * deletion vectors and column mapping change what is read; timestampNtz and variantType are column types
   * (a VARIANT written as Delta writes it, a plain group of {@code value} and {@code metadata}); variantShredding
   * splits a VARIANT into typed columns, reassembled as the Parquet format's VariantShredding says; typeWidening
   * leaves older files in a narrower type, each widened to the table's as it is read; the others change only the
   * log, which the sharing server reads for us. A feature still in preview is read under its {@code -preview} name
   * too (Delta 4.4 writes {@code variantShredding-preview}).
   */
  public static final Set<String> READER_FEATURES = Set.of("deletionvectors", "columnmapping", "timestampntz",
      "v2checkpoint", "vacuumprotocolcheck", "varianttype", "varianttype-preview", "variantshredding",
      "variantshredding-preview", "typewidening", "typewidening-preview");

  /**
   * A data file to download.
   *
   * @param kind {@code file}, {@code add}, {@code cdf} or {@code remove}
   * @param url the presigned URL
   * @param id the file's stable identifier
   * @param partitionValues partition column (logical name) to serialised value: the table's partition columns
   *     only (a key the table does not partition by is not kept)
   * @param size bytes
   * @param expirationTimestamp when the URL expires (epoch ms), {@code null} if unknown
   * @param version the table version of the change, {@code null} outside change data feed
   * @param timestamp the commit time of the change (epoch ms), {@code null} outside change data feed
   * @param deletionVector the rows of the file that are deleted, {@code null} if none
   */
  public record FileAction(String kind, String url, String id, Map<String, String> partitionValues, long size,
      @Nullable Long expirationTimestamp, @Nullable Long version, @Nullable Long timestamp,
      @Nullable DeletionVector deletionVector) {

    /**
     * A file without a deletion vector.
     *
     * @see #FileAction(String, String, String, Map, long, Long, Long, Long, DeletionVector)
     */
    public FileAction(String kind, String url, String id, Map<String, String> partitionValues, long size,
        @Nullable Long expirationTimestamp, @Nullable Long version, @Nullable Long timestamp) {
      this(kind, url, id, partitionValues, size, expirationTimestamp, version, timestamp, null);
    }

    /**
     * @param url a fresh presigned URL
     * @param expirationTimestamp its expiry, may be {@code null}
     * @return this file with the new URL
     */
    public FileAction withUrl(String url, Long expirationTimestamp) {
      return new FileAction(kind, url, id, partitionValues, size, expirationTimestamp, version, timestamp,
          deletionVector);
    }

    /**
     * @return what identifies the file's rows across queries: its id, and its deletion vector's identity when
     *     it has one (a sharing server keeps a file's id when a later version deletes rows of it)
     */
    public String contentId() {
      return deletionVector == null ? id : id + "|dv=" + deletionVector.cacheKey();
    }

    /**
     * @return how messages name the file: {@code "file <id>"}, the id as {@link Peers#echo} quotes a peer's text
     */
    public String label() {
      return "file " + Peers.echo(id);
    }

    @Override
    public String toString() {
      return kind + " " + Peers.echo(id); // the URL carries a signature: keep it out of logs and messages
    }
  }

  /**
   * A reader of a metadata or query answer, to hand to {@link SharingHttp#ndjson}: it turns each file line into
   * its {@link FileAction} as the line arrives, so an answer of many files holds its actions, never its parsed
   * lines, and an action holds its URL, id, size, deletion vector and the values of the table's partition columns,
   * nothing else of its line (not its {@code stats}, not a partition value of a column the table does not have).
   * The {@code schemaString} is parsed under the answer's limits (items, tokens, depth, strings).
   *
   * @param answer the answer's headers
   * @param table the table, for messages
   * @return the reader; its {@link SharingHttp.LineReader#end()} gives the parsed answer
   * @throws UnsupportedTableFeatureException if the table needs a Delta reader feature this client lacks
   * @throws DataFormatException if the answer needs a newer reader or is malformed
   * @throws DelphaException the typed error an {@code endStreamAction} reports
   */
  public static SharingHttp.LineReader<QueryResponse> reader(SharingHttp.Answer answer, String table) {
    return new Reader(answer, table, false);
  }

  /**
   * A reader of a changes answer: as {@link #reader(SharingHttp.Answer, String)}, without the delta format's
   * {@code add} and {@code remove} actions that change no data ({@code dataChange: false}, written by
   * compactions), as Delta's own change data feed leaves them out.
   *
   * @param answer the answer's headers
   * @param table the table, for messages
   * @return the reader
   */
  public static SharingHttp.LineReader<QueryResponse> changesReader(SharingHttp.Answer answer, String table) {
    return new Reader(answer, table, true);
  }

  /**
   * The state of one answer while its lines arrive. The protocol sends {@code protocol}, then {@code metaData},
   * then the files: a file line before the first {@code metaData} is refused (its partition values could not be
   * named, and holding such lines until a {@code metaData} comes would hold the whole answer).
   */
  private static final class Reader implements SharingHttp.LineReader<QueryResponse> {
    private final SharingHttp.Answer answer;
    private final String table;
    private final boolean changes;
    private final String format;
    private final boolean delta;
    private final boolean endPromised;
    private final List<FileAction> files = new ArrayList<>();
    private @Nullable TableMetadata metadata;
    private @Nullable RowSchema physical;
    private @Nullable URI location;
    private Map<String, String> logicalNames = Map.of();
    private Set<String> partitionColumns = Set.of();
    private boolean ended;
    private @Nullable String nextPageToken;
    private @Nullable Long minUrlExpiration;

    Reader(SharingHttp.Answer answer, String table, boolean changes) {
      answer.version(); // an answer with the table's lines names its version
      this.answer = answer;
      this.table = table;
      this.changes = changes;
      this.format = answer.capabilities().getOrDefault("responseformat", "parquet").toLowerCase(Locale.ROOT);
      this.delta = format.equals("delta");
      if (!delta && !format.equals("parquet")) {
        throw new DataFormatException("the sharing server answered " + table + " in responseformat="
            + Peers.echo(format) + "; this client reads parquet and delta");
      }
      this.endPromised = "true".equals(answer.capabilities().get("includeendstreamaction"));
    }

    @Override
    public void line(JsonNode line) {
      if (line.has("protocol")) {
        JsonNode protocol = line.get("protocol");
        if (protocol.has("deltaProtocol") != delta) {
          throw mixed();
        }
        if (delta) {
          checkDeltaProtocol(protocol.get("deltaProtocol"), table);
        } else {
          int min = intOr(protocol, "minReaderVersion", 1, table);
          if (min > READER_VERSION) {
            throw new DataFormatException(table + " needs a Delta Sharing reader of version " + min
                + "; this client implements version " + READER_VERSION);
          }
        }
      } else if (line.has("metaData")) {
        JsonNode wrapper = line.get("metaData");
        if (wrapper.has("deltaMetadata") != delta) {
          throw mixed();
        }
        if (metadata == null) { // later metaData lines are historical (change data feed)
          JsonNode m = delta ? wrapper.get("deltaMetadata") : wrapper;
          Long stated = wrapper.hasNonNull("version") ? longOrNull(wrapper, "version") : longOrNull(m, "version");
          long version = stated != null ? stated : answer.version();
          TableMetadata parsed = metadata(m, version, table, answer.limits());
          RowSchema physicalSchema = physicalSchema(m, parsed, table, answer.limits());
          metadata = parsed;
          physical = physicalSchema;
          logicalNames = QueryResponse.logicalNames(parsed.schema(), physicalSchema);
          partitionColumns = Set.copyOf(parsed.partitionColumns());
          location = location(wrapper);
        }
      } else if (line.has("endStreamAction")) {
        JsonNode end = line.get("endStreamAction");
        String error = text(end, "errorMessage");
        if (error != null) {
          JsonNode code = end.path("httpStatusErrorCode");
          int status = code.isIntegralNumber() && code.canConvertToInt() && code.intValue() >= 100
              && code.intValue() <= 599 ? code.intValue() : 500; // a status no server sends is a server error
          throw SharingHttp.error(status, "{\"errorCode\":\"END_STREAM_ERROR\",\"message\":"
              + com.fasterxml.jackson.databind.node.TextNode.valueOf(error) + "}",
              "the query of " + table + " (reported mid-stream)",
              java.net.http.HttpHeaders.of(java.util.Map.of(), (name, value) -> true), 1);
        }
        ended = true;
        nextPageToken = text(end, "nextPageToken");
        minUrlExpiration = longOrNull(end, "minUrlExpirationTimestamp");
      } else if (delta) {
        if (line.has("file")) {
          FileAction f = deltaFile(line.get("file"), namesOnceMetadataCame(), partitionColumns, table, changes);
          if (f != null) {
            files.add(f);
          }
        }
      } else {
        for (String kind : List.of("file", "add", "cdf", "remove")) {
          if (line.has(kind)) {
            namesOnceMetadataCame();
            files.add(file(kind, line.get(kind), partitionColumns, table));
          }
        }
      }
    }

    /** @return the physical-to-logical names, once the metaData line has come */
    private Map<String, String> namesOnceMetadataCame() {
      if (metadata == null) {
        throw new DataFormatException("the sharing server's answer for " + table + " names a file before its "
            + "metaData line (the protocol sends protocol, metaData, then the files)");
      }
      return logicalNames;
    }

    private DataFormatException mixed() {
      return new DataFormatException("the sharing server's answer for " + table + " mixes the parquet and "
          + "delta formats (responseformat=" + Peers.echo(format) + ")");
    }

    @Override
    public QueryResponse end() {
      TableMetadata m = metadata;
      RowSchema p = physical;
      if (m == null || p == null) {
        throw new DataFormatException("the sharing server's answer for " + table + " has no metaData line");
      }
      if (endPromised && !ended) {
        throw new ServiceUnavailableException("the sharing server's answer for " + table
            + " ended without its endStreamAction: the response was cut short");
      }
      return new QueryResponse(m, p, location, List.copyOf(files), nextPageToken, minUrlExpiration, format);
    }
  }

  /** @throws UnsupportedTableFeatureException for a reader version or feature this client does not read */
  private static void checkDeltaProtocol(JsonNode protocol, String table) {
    int min = intOr(protocol, "minReaderVersion", 1, table);
    if (min > DELTA_READER_VERSION) {
      throw new UnsupportedTableFeatureException(table + " needs a Delta reader of version " + min
          + "; this client reads up to version " + DELTA_READER_VERSION, "readerVersion" + min);
    }
    if (min == DELTA_READER_VERSION) {
      for (JsonNode f : protocol.path("readerFeatures")) {
        String feature = f.asText();
        if (!READER_FEATURES.contains(feature.toLowerCase(Locale.ROOT))) {
          throw new UnsupportedTableFeatureException(table + " needs the Delta reader feature '"
              + Peers.echo(feature) + "', which this client does not read (it reads "
              + String.join(", ", sorted(READER_FEATURES)) + ")", Peers.echo(feature));
        }
      }
    }
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  private static @Nullable URI location(JsonNode wrapper) {
    String where = text(wrapper, "location");
    if (where == null) {
      return null;
    }
    try {
      return URI.create(where);
    } catch (IllegalArgumentException e) {
      return null; // only a deletion vector stored relative to the table needs it; that one says so
    }
  }

  private static TableMetadata metadata(JsonNode m, long version, String table, ResponseLimits limits) {
    String provider = m.path("format").path("provider").asText("parquet");
    if (!provider.equals("parquet")) {
      throw new DataFormatException(table + " stores its files as " + Peers.echo(provider)
          + "; only parquet is supported");
    }
    RowSchema schema = SparkSchema.toRowSchema(text(m, "schemaString"), table, limits);
    List<String> partitions = new ArrayList<>();
    m.path("partitionColumns").forEach(p -> partitions.add(p.asText()));
    for (String p : partitions) {
      if (schema.indexOf(p).isEmpty()) {
        throw new DataFormatException("partition column " + Peers.echo(p) + " of " + table + " is not in its schema");
      }
    }
    Map<String, String> configuration = new HashMap<>();
    m.path("configuration").fields().forEachRemaining(e -> configuration.put(e.getKey(), e.getValue().asText()));
    String id = text(m, "id");
    if (id == null) {
      throw new DataFormatException("the metaData line of " + table + " has no id");
    }
    return new TableMetadata(id, text(m, "name"), text(m, "description"), schema, partitions,
        configuration, version);
  }

  private static RowSchema physicalSchema(JsonNode m, TableMetadata metadata, String table, ResponseLimits limits) {
    String mode = metadata.configuration().getOrDefault(SparkSchema.MAPPING_MODE, "none").toLowerCase(Locale.ROOT);
    switch (mode) {
      case "none":
        return metadata.schema();
      case "name":
      case "id":
        return SparkSchema.toPhysicalSchema(text(m, "schemaString"), table, limits);
      default:
        throw new UnsupportedTableFeatureException(table + " has the column mapping mode '" + Peers.echo(mode)
            + "'; this client reads none, name and id", "columnMapping=" + Peers.echo(mode));
    }
  }

  /** @return physical top-level name to logical name, for partition values */
  private static Map<String, String> logicalNames(RowSchema logical, RowSchema physical) {
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < logical.size(); i++) {
      names.put(physical.column(i).name(), logical.column(i).name());
    }
    return names;
  }

  private static FileAction file(String kind, JsonNode f, Set<String> partitionColumns, String table) {
    String url = text(f, "url");
    String id = text(f, "id");
    if (url == null || id == null) {
      throw new DataFormatException("a " + kind + " line of " + table + " has no url or id");
    }
    return new FileAction(kind, url, id, partitionValues(f, Map.of(), partitionColumns),
        size(f.get("size"), kind, id, table),
        longOrNull(f, "expirationTimestamp"), longOrNull(f, "version"), longOrNull(f, "timestamp"), null);
  }

  private static @Nullable FileAction deltaFile(JsonNode wrapper, Map<String, String> logicalNames,
      Set<String> partitionColumns, String table, boolean changes) {
    String id = text(wrapper, "id");
    JsonNode action = wrapper.get("deltaSingleAction");
    if (id == null || action == null) {
      throw new DataFormatException("a file line of " + table + " has no id or deltaSingleAction");
    }
    for (String kind : List.of("add", "remove", "cdc")) {
      JsonNode a = action.get(kind);
      if (a == null) {
        continue;
      }
      String url = text(a, "path");
      if (url == null) {
        throw new DataFormatException("a " + kind + " action of " + table + " has no path");
      }
      if (changes && !kind.equals("cdc") && !a.path("dataChange").asBoolean(true)) {
        return null; // a compaction's rewrite: no row changed
      }
      DeletionVector dv = a.hasNonNull("deletionVector") ? DeletionVector.parse(a.get("deletionVector"),
          text(wrapper, "deletionVectorFileId"), numRecords(a, table), table) : null;
      long size = size(a.has("size") ? a.get("size") : wrapper.get("size"), kind, id, table);
      return new FileAction(kind.equals("cdc") ? "cdf" : kind, url, id,
          partitionValues(a, logicalNames, partitionColumns), size,
          longOrNull(wrapper, "expirationTimestamp"), longOrNull(wrapper, "version"),
          longOrNull(wrapper, "timestamp"), dv);
    }
    throw new DataFormatException("a file line of " + table + " holds no add, remove or cdc action");
  }

  /** {@code "numRecords":N} in an action's statistics (a JSON document in a string), as Delta writes it. */
  private static final java.util.regex.Pattern NUM_RECORDS =
      java.util.regex.Pattern.compile("\"numRecords\"\\s*:\\s*(-?[0-9]{1,30})\\s*[,}]");

  /**
   * @return the rows of an action's file as its statistics say, {@code null} without statistics or without {@code
   *     numRecords} (its deletion vector's positions are then checked against the rows read)
   */
  private static @Nullable Long numRecords(JsonNode action, String table) {
    JsonNode stats = action.get("stats");
    if (stats == null || !stats.isTextual()) {
      return null;
    }
    java.util.regex.Matcher m = NUM_RECORDS.matcher(stats.asText());
    return m.find() ? PeerNumbers.parseLong(m.group(1), 0, Long.MAX_VALUE, "the numRecords of a file of " + table)
        : null;
  }

  /**
   * The protocol requires every file's {@code size}: the download stops one byte past it, so a file without one
   * is refused rather than read unbounded.
   */
  private static long size(@Nullable JsonNode size, String kind, String id, String table) {
    if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
      throw new DataFormatException("the " + kind + " action of " + table + " file " + Peers.echo(id)
          + " has no valid size "
          + "(the protocol requires one; without it the download could not be bounded)");
    }
    return size.asLong();
  }

  /**
   * @return the file's values of the table's partition columns, by logical name: what is kept of a file's {@code
   *     partitionValues} is bounded by the table's partition columns, however many keys the line holds (the line
   *     itself is bounded by {@code maxItems} and {@code maxTokens} when it is parsed)
   */
  private static Map<String, String> partitionValues(JsonNode f, Map<String, String> logicalNames,
      Set<String> partitionColumns) {
    if (partitionColumns.isEmpty() || f.path("partitionValues").isEmpty()) {
      return Map.of(); // most tables' files: no map per file
    }
    Map<String, String> partitions = new HashMap<>();
    f.path("partitionValues").fields().forEachRemaining(e -> {
      String name = logicalNames.getOrDefault(e.getKey(), e.getKey());
      if (partitionColumns.contains(name)) {
        partitions.put(name, e.getValue().isNull() ? null : e.getValue().asText());
      }
    });
    return partitions;
  }

  /** @return an integer field of the protocol, {@code orElse} when absent; typed when it is not a whole number */
  private static int intOr(JsonNode node, String field, int orElse, String table) {
    return node.hasNonNull(field) ? (int) PeerNumbers.jsonLong(node.get(field), Integer.MIN_VALUE, Integer.MAX_VALUE,
        "the " + field + " of " + table) : orElse;
  }

  private static @Nullable Long longOrNull(JsonNode node, String field) {
    return node.hasNonNull(field)
        ? PeerNumbers.jsonLong(node.get(field), Long.MIN_VALUE, Long.MAX_VALUE, "a file's " + field) : null;
  }

  /**
   * @param node a JSON object
   * @param field a field name
   * @return the field's text, or {@code null} when it is missing or JSON null
   */
  public static @Nullable String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
