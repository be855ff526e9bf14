package io.delpha.sdk.cli;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.cassandra.DataDictionary;
import io.delpha.sdk.cassandra.DictionaryDiff;
import io.delpha.sdk.cassandra.DictionaryManager;
import io.delpha.sdk.cassandra.KeyspaceDescription;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The data dictionary of a cluster: export, describe, diff. */
@Command(name = "dict", mixinStandardHelpOptions = true,
    description = "The data dictionary of a Cassandra cluster: its keyspaces, tables, columns, types, indexes and views.",
    subcommands = {DictCommand.Export.class, DictCommand.Describe.class, DictCommand.Diff.class})
final class DictCommand {

  /** The formats a dictionary is written in. */
  enum Format { json, markdown, cql }

  static String render(DictionaryManager dict, DataDictionary d, Format format) {
    return switch (format) {
      case json -> d.toJson();
      case markdown -> d.toMarkdown();
      case cql -> {
        StringBuilder sb = new StringBuilder();
        for (KeyspaceDescription k : d.keyspaces()) {
          sb.append(dict.ddl(k.name())).append('\n');
        }
        yield sb.toString();
      }
    };
  }

  static void write(String text, Path output, PrintWriter out) {
    if (output == null) {
      out.print(text.endsWith("\n") ? text : text + "\n");
      out.flush();
      return;
    }
    try {
      Files.writeString(output, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Export the dictionary of some keyspaces (default: every non-system keyspace).",
      footer = {"", "Example:", "  delpha dict export --contact-point db1:9042 --local-dc dc1 --keyspace shop "
          + "--format markdown -o shop.md"})
  static final class Export implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CassandraOptions cassandra;

    @Option(names = "--keyspace", paramLabel = "KS", description = "A keyspace to export, repeatable.")
    List<String> keyspaces;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
        description = "json, markdown or cql (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of standard output.")
    Path output;

    @Override
    public Integer call() {
      Usage.current(spec);
      try (CassandraManager cass = cassandra.connect()) {
        DictionaryManager dict = new DictionaryManager(cass);
        DataDictionary d = keyspaces == null ? dict.exportCluster() : dict.export(keyspaces.toArray(String[]::new));
        write(render(dict, d, format), output, spec.commandLine().getOut());
      }
      return Delpha.OK;
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = "Describe KEYSPACE or KEYSPACE.TABLE (CQL, as cqlsh DESCRIBE prints it, or json/markdown).")
  static final class Describe implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CassandraOptions cassandra;

    @Parameters(index = "0", paramLabel = "KEYSPACE[.TABLE]")
    String name;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "cql",
        description = "cql, json or markdown (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
      Usage.current(spec);
      int dot = name.indexOf('.');
      String keyspace = dot < 0 ? name : name.substring(0, dot);
      String table = dot < 0 ? null : name.substring(dot + 1);
      try (CassandraManager cass = cassandra.connect()) {
        DictionaryManager dict = new DictionaryManager(cass);
        String text;
        if (format == Format.cql) {
          text = table == null ? dict.ddl(keyspace) : dict.ddl(keyspace, table);
        } else if (table == null) {
          text = render(dict, dict.export(keyspace), format);
        } else {
          throw Usage.error("--format " + format + " describes whole keyspaces; use --format cql for one table");
        }
        write(text, null, spec.commandLine().getOut());
      }
      return Delpha.OK;
    }
  }

  @Command(name = "diff", mixinStandardHelpOptions = true,
      description = "Compare a saved JSON export with the live cluster, over the keyspaces the export holds.")
  static final class Diff implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CassandraOptions cassandra;

    @Parameters(index = "0", paramLabel = "SAVED.json")
    Path saved;

    @Override
    public Integer call() throws IOException {
      Usage.current(spec);
      if (!Files.isRegularFile(saved)) {
        throw Usage.error(saved + " is not a file");
      }
      DataDictionary before = DataDictionary.fromJson(Files.readString(saved, StandardCharsets.UTF_8));
      try (CassandraManager cass = cassandra.connect()) {
        DictionaryDiff diff = new DictionaryManager(cass).diffAgainst(before);
        write(diff.isEmpty() ? "no changes" : diff.toString(), null, spec.commandLine().getOut());
      }
      return Delpha.OK;
    }
  }
}
