package io.delpha.sdk.cassandra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.core.internal.TextTable;
import io.delpha.sdk.core.DataFormatException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of the data dictionary of some keyspaces (or a whole cluster): exportable as JSON and
 * Markdown, loadable from JSON, and comparable with another snapshot.
 *
 * <pre>{@code
 * DataDictionary live = dict.exportCluster();
 * Files.writeString(Path.of("dictionary.json"), live.toJson());
 * DataDictionary saved = DataDictionary.fromJson(Files.readString(Path.of("dictionary.json")));
 * DictionaryDiff changes = saved.diff(dict.exportCluster());     // saved -> live
 * }</pre>
 *
 * @param exportedAt when the snapshot was taken
 * @param keyspaces the keyspaces, by name
 */
public record DataDictionary(Instant exportedAt, List<KeyspaceDescription> keyspaces) {

  private static final ObjectMapper JSON = JsonSupport.MAPPER;

  /** Copies the keyspace list. */
  public DataDictionary {
    keyspaces = List.copyOf(keyspaces);
  }

  /**
   * @return the snapshot as indented JSON
   */
  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a data dictionary always serialises", e);
    }
  }

  /**
   * @param json a snapshot written by {@link #toJson()}
   * @return the snapshot
   * @throws DataFormatException if the text is not such a snapshot
   */
  public static DataDictionary fromJson(String json) {
    try {
      DataDictionary d = JSON.readValue(json, DataDictionary.class);
      if (d == null || d.keyspaces() == null) {
        throw new DataFormatException("not a data dictionary export: no keyspaces");
      }
      return d;
    } catch (JsonProcessingException e) {
      throw new DataFormatException("not a data dictionary export: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * @return the snapshot as Markdown: a section per keyspace, a table of columns per table
   */
  public String toMarkdown() {
    StringBuilder md = new StringBuilder("# Data dictionary\n\nExported at ").append(exportedAt).append(".\n");
    for (KeyspaceDescription ks : keyspaces) {
      md.append("\n## Keyspace `").append(ks.name()).append("`\n\nReplication: `")
          .append(new java.util.TreeMap<>(ks.replication())).append("`\n");
      for (TableDescription t : ks.tables()) {
        md.append("\n### Table `").append(ks.name()).append('.').append(t.name()).append("`\n\n")
            .append("| column | type | kind | clustering order |\n| --- | --- | --- | --- |\n");
        for (ColumnDescription c : t.columns()) {
          md.append("| ").append(c.name()).append(" | `").append(c.type()).append("` | ")
              .append(c.kind()).append(" | ").append(c.clusteringOrder() == null ? "" : c.clusteringOrder())
              .append(" |\n");
        }
        if (!t.indexes().isEmpty()) {
          md.append("\nIndexes: ");
          md.append(String.join(", ", t.indexes().stream().map(i -> "`" + i.name() + "` on `" + i.target() + "`").toList()));
          md.append('\n');
        }
      }
      for (ViewDescription v : ks.views()) {
        md.append("\n### Materialized view `").append(ks.name()).append('.').append(v.name())
            .append("` (from `").append(v.baseTable()).append("`)\n\n")
            .append("| column | type | kind |\n| --- | --- | --- |\n");
        for (ColumnDescription c : v.columns()) {
          md.append("| ").append(c.name()).append(" | `").append(c.type()).append("` | ").append(c.kind()).append(" |\n");
        }
      }
      for (UserTypeDescription u : ks.userTypes()) {
        md.append("\n### Type `").append(ks.name()).append('.').append(u.name()).append("`\n\n");
        for (UserTypeDescription.Field f : u.fields()) {
          md.append("- ").append(f.name()).append(": `").append(f.type()).append("`\n");
        }
      }
    }
    return md.toString();
  }

  /**
   * What changed from this snapshot to another.
   *
   * @param after the later snapshot
   * @return the changes from {@code this} to {@code after}
   */
  public DictionaryDiff diff(DataDictionary after) {
    Map<String, TableDescription> before = tablesByName(this);
    Map<String, TableDescription> now = tablesByName(after);
    List<String> ksBefore = keyspaces.stream().map(KeyspaceDescription::name).toList();
    List<String> ksAfter = after.keyspaces.stream().map(KeyspaceDescription::name).toList();
    List<DictionaryDiff.ColumnChange> added = new ArrayList<>();
    List<DictionaryDiff.ColumnChange> removed = new ArrayList<>();
    List<DictionaryDiff.ColumnChange> changed = new ArrayList<>();
    for (Map.Entry<String, TableDescription> old : new TreeMap<>(before).entrySet()) {
      String table = old.getKey();
      TableDescription a = now.get(table);
      if (a == null) {
        continue;
      }
      Map<String, ColumnDescription> colsBefore = columnsByName(old.getValue());
      Map<String, ColumnDescription> colsAfter = columnsByName(a);
      for (var e : colsBefore.entrySet()) {
        ColumnDescription c = colsAfter.get(e.getKey());
        if (c == null) {
          removed.add(new DictionaryDiff.ColumnChange(table, e.getKey(), describe(e.getValue()), null));
        } else if (!c.type().equals(e.getValue().type()) || c.kind() != e.getValue().kind()) {
          changed.add(new DictionaryDiff.ColumnChange(table, e.getKey(), describe(e.getValue()), describe(c)));
        }
      }
      for (var e : colsAfter.entrySet()) {
        if (!colsBefore.containsKey(e.getKey())) {
          added.add(new DictionaryDiff.ColumnChange(table, e.getKey(), null, describe(e.getValue())));
        }
      }
    }
    return new DictionaryDiff(
        ksAfter.stream().filter(k -> !ksBefore.contains(k)).sorted().toList(),
        ksBefore.stream().filter(k -> !ksAfter.contains(k)).sorted().toList(),
        now.keySet().stream().filter(t -> !before.containsKey(t)).sorted().toList(),
        before.keySet().stream().filter(t -> !now.containsKey(t)).sorted().toList(),
        added, removed, changed);
  }

  private static String describe(ColumnDescription c) {
    return c.kind() == ColumnKind.REGULAR ? c.type() : c.type() + " " + c.kind();
  }

  private static Map<String, TableDescription> tablesByName(DataDictionary d) {
    Map<String, TableDescription> m = new LinkedHashMap<>();
    for (KeyspaceDescription ks : d.keyspaces) {
      for (TableDescription t : ks.tables()) {
        m.put(ks.name() + "." + t.name(), t);
      }
    }
    return m;
  }

  private static Map<String, ColumnDescription> columnsByName(TableDescription t) {
    Map<String, ColumnDescription> m = new LinkedHashMap<>();
    t.columns().forEach(c -> m.put(c.name(), c));
    return m;
  }

  /**
   * When the snapshot was taken and its keyspaces as a table ({@code core}'s one table rendering: the first 10
   * keyspaces with their numbers of tables, views and user types, and their replication, then how many more); {@link
   * #toJson()} and {@link #toMarkdown()} give the whole snapshot.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("DataDictionary (exported ").append(exportedAt).append(", ")
        .append(TextTable.count(keyspaces.size(), "keyspace")).append(')');
    if (!keyspaces.isEmpty()) {
      List<List<Object>> rows = keyspaces.stream().limit(TextTable.MAX_ROWS).map(k -> List.<Object>of(k.name(),
          k.tables().size(), k.views().size(), k.userTypes().size(), new TreeMap<>(k.replication()))).toList();
      out.append('\n').append(TextTable.render(List.of("keyspace", "tables", "views", "user types", "replication"),
          rows));
    }
    if (keyspaces.size() > TextTable.MAX_ROWS) {
      out.append("\n... ").append(TextTable.count(keyspaces.size() - TextTable.MAX_ROWS, "more keyspace"));
    }
    return out.toString();
  }
}
