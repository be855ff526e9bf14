package io.delpha.sdk.cli;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetMetadata;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Parquet files at the command line, as parquet-cli, DuckDB or pqrs show them: the schema, the first rows, every row
 * (CSV or JSON lines) and what the footer says. Rows stream through the library's reader: the first ones print while
 * the rest of the file is still unread, and only the columns asked for are read.
 */
@Command(name = "parquet", mixinStandardHelpOptions = true,
    description = {"Look into a Parquet file, local or on S3 (s3://BUCKET/KEY): its schema, its first rows, every "
        + "row as CSV or JSON lines, its row groups and statistics.",
        "An S3 object is copied to a temporary file first (java.io.tmpdir), deleted when the command ends."},
    subcommands = {ParquetCommand.Schema.class, ParquetCommand.Head.class, ParquetCommand.Cat.class,
        ParquetCommand.Stats.class})
final class ParquetCommand {

  /** Rows between two checks that standard output is still read (a pipe into {@code head} closes it). */
  private static final int CHECK_EVERY = 1024;
  /** The longest min or max {@code stats} shows in full. */
  private static final int SHOWN_CHARS = 40;

  /** The output formats of rows. */
  enum Format {
    csv(RecordPrinter.Format.csv), jsonl(RecordPrinter.Format.json);

    final RecordPrinter.Format printed;

    Format(RecordPrinter.Format printed) {
      this.printed = printed;
    }
  }

  /** The file a subcommand reads, and where S3 calls go. */
  static final class Input {
    @Parameters(index = "0", paramLabel = "FILE_OR_S3_URI", description = "A Parquet file, or s3://BUCKET/KEY.")
    String location;

    @Mixin
    AwsOptions aws;

    @Option(names = "--keys-secret", paramLabel = "NAME",
        description = "The keys of an encrypted file from the secret NAME of --secrets (env, file:PATH or aws), its "
            + "value as a --keys file's content.")
    String keysSecret;

    @Option(names = "--keys", paramLabel = "FILE",
        description = "The keys of an encrypted file (Parquet modular encryption), from a file, never the command "
            + "line: properties (footer=, column.<dotted path>=, aad_prefix=) or JSON ({\"footer\": ..., "
            + "\"columns\": {...}, \"aad_prefix\": ...}), each value text:, hex: or base64:. Columns whose key "
            + "is not given cannot be printed; leave them out with --columns.")
    Path keys;

    private ReadOptions options;

    /** Reads the key file, if any (before an S3 object's download), and opens the input. */
    ParquetInput open(CommandSpec spec) {
      Usage.current(spec);
      if (keys != null && keysSecret != null) {
        throw Usage.error("--keys and --keys-secret: give the keys one way");
      }
      options = keys != null ? ReadOptions.defaults().withDecryption(KeyFile.read(keys))
          : keysSecret != null ? ReadOptions.defaults().withDecryption(KeyFile.fromSecret(aws.secretProvider(),
              keysSecret)) : ReadOptions.defaults();
      return ParquetInput.open(location, aws);
    }

    /**
     * Reads the input; a file refused as encrypted when no keys were given says how to give them.
     *
     * @param in the input opened
     * @param work what to do with the file
     * @return what the work returns
     */
    <T> T read(ParquetInput in, Function<Path, T> work) {
      try {
        return in.read(work);
      } catch (DataFormatException e) {
        if (keys == null && keysSecret == null && e.getMessage() != null
            && e.getMessage().contains("(Parquet modular encryption)")) {
          throw new DataFormatException(e.getMessage() + "; here: --keys FILE or --keys-secret NAME (delpha parquet "
              + "cat --help)", e);
        }
        throw e;
      }
    }

    /** @return the options every read of the file starts from: its keys, if given */
    ReadOptions readOptions() {
      return Objects.requireNonNull(options, "open() reads the keys first");
    }
  }

  /** What rows to print and how: shared by {@code head} and {@code cat}. */
  static final class RowOptions {
    @Option(names = "--columns", paramLabel = "A,B", split = ",",
        description = "Print only these top-level columns, in this order (the others are not read).")
    List<String> columns;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv",
        description = "csv (RFC 4180, a header row) or jsonl (a JSON object per line) (default: ${DEFAULT-VALUE}).")
    Format format;
  }

  @Command(name = "schema", mixinStandardHelpOptions = true,
      description = {"Print the schema: each column's name, type and whether it may be null, the parts of lists, "
          + "maps and structs indented under them.",
          "Types are those head and cat print (DuckDB's and Spark's files, INT96, unsigned integers ... are read as "
              + "docs/parquet.md says); Parquet's own types are in stats."},
      footer = {"", "Example:", "  delpha parquet schema orders.parquet"})
  static final class Schema implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Input input;

    @Override
    public Integer call() {
      try (ParquetInput in = input.open(spec)) {
        input.read(in, file -> {
          ReadOptions options = input.readOptions();
          ParquetMetadata meta = ParquetRows.metadata(file, options);
          RowSchema schema;
          try (RowReader reader = ParquetRows.read(file, options.skippingUnsupported())) {
            schema = reader.schema();
          }
          Table table = new Table("column", "type", "nullable");
          for (Column c : schema.columns()) {
            tree(table, c, "");
          }
          table.print(spec.commandLine().getOut());
          noteUnsupported(meta, schema, spec.commandLine().getErr());
          return null;
        });
      }
      return Delpha.OK;
    }

    private static void tree(Table table, Column c, String indent) {
      ColumnType t = c.type();
      table.row(indent + c.name(), t.kind().isNested() ? t.kind().name().toLowerCase(Locale.ROOT) : t.toString(),
          c.nullable() ? "yes" : "no");
      for (Column part : t.children()) {
        tree(table, part, indent + "  ");
      }
    }
  }

  @Command(name = "head", mixinStandardHelpOptions = true, description = "Print the first rows.",
      footer = {"", "Examples:", "  delpha parquet head orders.parquet",
          "  delpha parquet head -n 3 --format jsonl --columns id,total s3://lake/orders/part-0.parquet"})
  static final class Head implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Input input;

    @Mixin
    RowOptions rows;

    @Option(names = {"-n", "--rows"}, paramLabel = "N", defaultValue = "10",
        description = "How many rows (default: ${DEFAULT-VALUE}).")
    long count;

    @Override
    public Integer call() {
      return printRows(spec, input, rows, count, "-n");
    }
  }

  @Command(name = "cat", mixinStandardHelpOptions = true, description = "Print every row, or the first --limit rows.",
      footer = {"", "Examples:", "  delpha parquet cat orders.parquet > orders.csv",
          "  delpha parquet cat --format jsonl --columns id,total --limit 1000 orders.parquet"})
  static final class Cat implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Input input;

    @Mixin
    RowOptions rows;

    @Option(names = "--limit", paramLabel = "N", description = "At most N rows.")
    Long limit;

    @Override
    public Integer call() {
      return printRows(spec, input, rows, limit == null ? Long.MAX_VALUE : limit, "--limit");
    }
  }

  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = {"Print what the footer says, without reading the data: rows, size and writer, then for each row "
          + "group its column chunks: Parquet type, codec, encodings, values, nulls, compressed and uncompressed bytes, "
          + "min and max.",
          "Values are counted as Parquet counts them (a nested column's leaves count their list entries); min and max "
              + "print as cat prints values, '-' where the footer has none (or none a reader may trust), cut at "
              + SHOWN_CHARS + " characters."},
      footer = {"", "Example:", "  delpha parquet stats orders.parquet"})
  static final class Stats implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Input input;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (ParquetInput in = input.open(spec)) {
        ReadOptions options = input.readOptions();
        ParquetMetadata meta = input.read(in, file -> ParquetRows.metadata(file, options));
        out.println("file        " + in.name());
        out.println("size        " + meta.fileBytes() + " bytes (" + ProgressPrinter.amount(meta.fileBytes(), "bytes")
            + ")");
        out.println("rows        " + meta.rowCount());
        out.println("row groups  " + meta.rowGroups().size());
        out.println("columns     " + meta.columns().size() + " leaf columns");
        out.println("created by  " + (meta.createdBy() == null ? "-" : meta.createdBy()));
        int index = 0;
        for (ParquetMetadata.RowGroup group : meta.rowGroups()) {
          out.println();
          out.println("row group " + index++ + ": " + group.rowCount() + " rows, " + group.compressedBytes()
              + " bytes compressed, " + group.uncompressedBytes() + " uncompressed");
          Table table = new Table("column", "type", "logical type", "codec", "encodings", "values", "nulls",
              "compressed", "uncompressed", "min", "max");
          for (ParquetMetadata.ColumnChunk c : group.columns()) {
            boolean isFloat = c.column().physicalType().equals("FLOAT");
            table.row(c.column().dottedPath(), c.column().physicalType(), c.column().logicalType(), c.codec(),
                String.join(",", c.encodings()), Long.toString(c.valueCount()),
                c.nullCount() == null ? null : c.nullCount().toString(), Long.toString(c.compressedBytes()),
                Long.toString(c.uncompressedBytes()), shown(c.min(), isFloat), shown(c.max(), isFloat));
          }
          table.print(out);
        }
        out.flush();
      }
      return Delpha.OK;
    }

    /** A bound on one line of a table: a FLOAT as the float it is, control characters escaped, long values cut. */
    private static String shown(Object value, boolean isFloat) {
      if (value == null) {
        return null;
      }
      String s = RecordPrinter.scalar(isFloat && value instanceof Double d ? (Object) d.floatValue() : value);
      if (s.isEmpty()) {
        return "\"\"";
      }
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < s.length() && b.length() < SHOWN_CHARS; i++) {
        char ch = s.charAt(i);
        b.append(ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : ch == '\t' ? "\\t" : Character.isISOControl(ch)
            ? String.format(Locale.ROOT, "\\u%04x", (int) ch) : String.valueOf(ch));
      }
      return b.length() < s.length() ? b + "..." : b.toString();
    }
  }

  /**
   * {@code head} and {@code cat}: the rows through the streaming reader, only the columns asked for; stops early,
   * without an error, when standard output is closed (a pipe into {@code head}).
   */
  private static int printRows(CommandSpec spec, Input input, RowOptions options, long limit, String limitOption) {
    Usage.current(spec);
    if (limit < 0) {
      throw Usage.error(limitOption + " must be 0 or more");
    }
    List<String> asked = options.columns == null ? null : asked(options.columns);
    PrintWriter out = spec.commandLine().getOut();
    try (ParquetInput in = input.open(spec)) {
      long printed = input.read(in, file -> {
        ReadOptions base = input.readOptions();
        ParquetMetadata meta = ParquetRows.metadata(file, base);
        List<String> all = topLevel(meta);
        ReadOptions read = base.skippingUnsupported();
        if (asked != null) {
          for (String name : asked) {
            if (!all.contains(name)) {
              throw Usage.error("--columns: " + in.name() + " has no column '" + name + "'; its columns are "
                  + String.join(", ", all));
            }
          }
          read = read.skipping(all.stream().filter(c -> !asked.contains(c)).toArray(String[]::new));
        }
        try (RowReader reader = ParquetRows.read(file, read);
            RecordPrinter printer = new RecordPrinter(out, options.format.printed)) {
          RowSchema schema = reader.schema();
          List<String> shown = asked == null ? schema.names() : asked;
          if (asked == null) {
            noteUnsupported(meta, schema, spec.commandLine().getErr());
          }
          boolean[] floats = new boolean[shown.size()];
          int[] index = new int[shown.size()];
          for (int i = 0; i < index.length; i++) {
            String name = shown.get(i);
            index[i] = schema.indexOf(name).orElseThrow(() -> new DataFormatException("column " + name + " of "
                + in.name() + " has a Parquet type the row model does not read (" + leafTypes(meta, name)
                + "; docs/parquet.md, Types)"));
            floats[i] = isFloat(meta, name);
          }
          printer.columns(shown);
          long n = 0;
          Object[] values = new Object[index.length];
          List<Object> line = Arrays.asList(values);
          while (n < limit && reader.hasNext()) {
            Row row = reader.next();
            for (int i = 0; i < index.length; i++) {
              Object v = row.get(index[i]);
              values[i] = floats[i] && v != null ? (Object) (float) row.getDouble(index[i]) : v;
            }
            printer.write(line);
            if (++n % CHECK_EVERY == 0) {
              printer.flush();
              if (System.out.checkError()) {
                break;
              }
            }
          }
          return n;
        }
      });
      if (Delpha.verbose()) {
        spec.commandLine().getErr().println(printed + " rows");
        spec.commandLine().getErr().flush();
      }
    }
    return Delpha.OK;
  }

  /**
   * Whether a top-level column is a FLOAT, which the row model widens to a double: printed as the float it is
   * ({@code 0.1}, not {@code 0.10000000149011612}), as DuckDB and pyarrow print it.
   */
  private static boolean isFloat(ParquetMetadata meta, String column) {
    return meta.columns().stream().anyMatch(c -> c.path().size() == 1 && c.path().get(0).equals(column)
        && c.physicalType().equals("FLOAT"));
  }

  private static List<String> asked(List<String> columns) {
    Set<String> names = new LinkedHashSet<>();
    for (String c : columns) {
      String name = c.trim();
      if (name.isEmpty()) {
        throw Usage.error("--columns: a column name is empty");
      }
      if (!names.add(name)) {
        throw Usage.error("--columns: '" + name + "' is named twice");
      }
    }
    return List.copyOf(names);
  }

  /** The top-level columns of the file, in order: the first names of its leaves' paths. */
  private static List<String> topLevel(ParquetMetadata meta) {
    Set<String> names = new LinkedHashSet<>();
    for (ParquetMetadata.LeafColumn leaf : meta.columns()) {
      names.add(leaf.path().get(0));
    }
    return new ArrayList<>(names);
  }

  private static String leafTypes(ParquetMetadata meta, String column) {
    List<String> types = new ArrayList<>();
    for (ParquetMetadata.LeafColumn leaf : meta.columns()) {
      if (leaf.path().get(0).equals(column)) {
        types.add(leaf.dottedPath() + " " + leaf.physicalType() + (leaf.logicalType() == null ? ""
            : " " + leaf.logicalType()));
      }
    }
    return String.join(", ", types);
  }

  /** Says on standard error which columns were left out because the row model has no type for them. */
  private static void noteUnsupported(ParquetMetadata meta, RowSchema schema, PrintWriter err) {
    for (String name : topLevel(meta)) {
      if (schema.indexOf(name).isEmpty()) {
        err.println("note: column " + name + " is left out: the row model has no type for "
            + leafTypes(meta, name) + " (docs/parquet.md, Types)");
      }
    }
    err.flush();
  }
}
