package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pyarrow differential: files that pyarrow writes, read by us as pyarrow reads them back, value for value.
 *
 * <p>{@code oracles/pyarrow/write_files.py} draws, per seed, a random Arrow table (every type pyarrow writes to
 * Parquet, nested lists, large lists, fixed-size lists, maps and structs to depth 3 with nulls and empty containers at
 * every level) and random writer settings (format version, data pages v1/v2, dictionary on, off, per column and
 * falling back, every codec, BYTE_STREAM_SPLIT and the DELTA encodings, tiny to large pages and row groups,
 * statistics, page index, checksums, bloom filters, content-defined chunking, INT96 and coerced timestamps), writes the
 * file and dumps pyarrow's reading of it in a canonical form (the script's docstring). Each file is read here through
 * the public API as rows ({@link ParquetRows#read}) and as batches ({@link ParquetRows#readBatches}, every value
 * through {@link ColumnVector#get}), and must equal the dump. A refusal is a failure like a wrong value.
 *
 * <p>{@link #pyarrowFiles} runs in {@code mvn -Ppyarrow test} (the profile makes {@code target/pyarrow-venv} and
 * installs pyarrow into it with pip): {@code pyarrow.count} files from seed {@code pyarrow.seed}; a failure lists each
 * failing seed with its settings, schema and replay command, keeps the file under {@code target/pyarrow-failures}, and
 * sums the refusals up by message class. {@link #committedFiles} reads the handful of pyarrow files committed in
 * {@code integration-tests/src/test/resources/parquet/pyarrow} (with their dumps) in the main suite, which has no Python.
 */
@DisplayName("pyarrow's files read as pyarrow reads them back")
class PyarrowDifferentialTest {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Path COMMITTED = Path.of("integration-tests/src/test/resources/parquet/pyarrow").toAbsolutePath();
  private static final Path SCRIPT = Path.of("oracles/pyarrow/write_files.py").toAbsolutePath();
  private static final int BATCH = 100;
  private static final int LISTED = 25;

  @Test
  @DisplayName("the committed pyarrow files (fixed seeds) read as pyarrow reads them, as rows and as batches")
  void committedFiles() throws Exception {
    // -Dpyarrow.files=target/pyarrow-failures reads the files a -Ppyarrow run kept, without Python
    Path folder = Path.of(System.getProperty("pyarrow.files", COMMITTED.toString())).toAbsolutePath();
    List<Path> dumps;
    try (Stream<Path> s = Files.list(folder)) {
      dumps = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(dumps).hasSizeGreaterThanOrEqualTo(folder.equals(COMMITTED) ? 20 : 1);
    List<String> failures = new ArrayList<>();
    for (Path dump : dumps) {
      JsonNode expected = JSON.readTree(dump.toFile());
      Path file = dump.resolveSibling(dump.getFileName().toString().replace(".json", ".parquet"));
      try {
        assertSameAsPyarrow(file, expected);
      } catch (AssertionError | RuntimeException x) {
        failures.add(describe(expected.get("seed").asLong(), expected, x, file,
            "mvn -B -ntp -Ppyarrow test -Dpyarrow.count=1 -Dpyarrow.seed="));
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + dumps.size() + " files differ:\n" + String.join("\n\n", failures));
    }
  }

  @Test
  @DisplayName("a decimal256 of more than 38 digits (pyarrow) is a named column without a row-model type, skippable")
  void decimalsBeyondTheRowModelAreNamedAndSkippable() {
    Path file = COMMITTED.resolve("decimal256_50_digits.parquet");
    assertThatThrownBy(() -> ParquetRows.read(file).close())
        .isInstanceOf(io.delpha.sdk.core.DataFormatException.class)
        .hasMessageContaining("column wide has Parquet type")
        .hasMessageContaining("decimals hold at most 38 digits")
        .hasMessageContaining("ReadOptions.skipping(\"wide\")");
    try (RowReader r = ParquetRows.read(file, ReadOptions.defaults().skipping("wide"))) {
      List<Object> ids = new ArrayList<>();
      r.forEachRemaining(row -> ids.add(row.get("id")));
      assertThat(ids).containsExactly(1, 2, 3);
    }
  }

  @Test
  @Tag("pyarrow")
  @DisplayName("thousands of random pyarrow files read as pyarrow reads them (-Ppyarrow)")
  void pyarrowFiles(@TempDir Path tmp) throws Exception {
    differential(tmp, Long.getLong("pyarrow.seed", 0L), Integer.getInteger("pyarrow.count", 1000), false);
  }

  @Test
  @Tag("pyarrow")
  @DisplayName("random pyarrow files encrypted by its CryptoFactory (envelope, every algorithm and footer mode, uniform "
      + "and per-column keys) read with the same KMS as pyarrow reads them back (-Ppyarrow)")
  void pyarrowEncryptedFiles(@TempDir Path tmp) throws Exception {
    differential(tmp, Long.getLong("pyarrow.encrypted.seed", 0L), Integer.getInteger("pyarrow.encrypted.count", 300),
        true);
  }

  /**
   * The test's KMS, twin of {@code TestKms} in {@code oracles/pyarrow/write_files.py}: a key wrapped by a master key
   * is base64 of the master key's id, {@code ':'} and the key.
   */
  static final KmsClient TEST_KMS = new KmsClient() {
    @Override
    public String wrapKey(byte[] key, String masterKeyId) {
      byte[] id = (masterKeyId + ":").getBytes(StandardCharsets.UTF_8);
      byte[] raw = Arrays.copyOf(id, id.length + key.length);
      System.arraycopy(key, 0, raw, id.length, key.length);
      return Base64.getEncoder().encodeToString(raw);
    }

    @Override
    public byte[] unwrapKey(String wrappedKey, String masterKeyId) {
      byte[] raw = Base64.getDecoder().decode(wrappedKey);
      byte[] id = (masterKeyId + ":").getBytes(StandardCharsets.UTF_8);
      if (raw.length < id.length || !Arrays.equals(Arrays.copyOf(raw, id.length), id)) {
        throw new io.delpha.sdk.core.AccessDeniedException("the key was not wrapped by " + masterKeyId);
      }
      return Arrays.copyOfRange(raw, id.length, raw.length);
    }
  };

  /** {@code count} seeds from {@code seed}, written by pyarrow (encrypted or not) and compared. */
  private static void differential(Path tmp, long seed, int count, boolean encrypt) throws Exception {
    ReadOptions base = encrypt ? ReadOptions.defaults().withDecryption(FileDecryption.builder().kms(TEST_KMS).build())
        : ReadOptions.defaults();
    String replay = encrypt ? "mvn -B -ntp -Ppyarrow test -Dtest=PyarrowDifferentialTest#pyarrowEncryptedFiles "
        + "-Dpyarrow.encrypted.count=1 -Dpyarrow.encrypted.seed=" : "mvn -B -ntp -Ppyarrow test -Dpyarrow.count=1 "
        + "-Dpyarrow.seed=";
    Path python = Path.of(System.getProperty("pyarrow.python", "target/pyarrow-venv/bin/python")).toAbsolutePath();
    assertThat(python).as("the profile's Python (mvn -Ppyarrow makes target/pyarrow-venv)").isExecutable();
    Path failures = Path.of("target/pyarrow-failures").toAbsolutePath();
    Map<String, List<Long>> byClass = new TreeMap<>();
    Map<String, List<Long>> unsupported = new TreeMap<>();
    List<String> listed = new ArrayList<>();
    Map<String, Integer> skipped = new TreeMap<>();
    int compared = 0;
    long end = seed + count;
    java.util.ArrayDeque<long[]> ranges = new java.util.ArrayDeque<>();
    for (long from = seed; from < end; from += BATCH) {
      ranges.add(new long[] {from, Math.min(end, from + BATCH)});
    }
    Process writing = null;
    Path writingDir = null;
    long[] writingRange = null;
    // pyarrow writes the next range while this one is compared (2 cores: one each)
    while (!ranges.isEmpty() || writing != null) {
      Process done = writing;
      Path doneDir = writingDir;
      long[] doneRange = writingRange;
      writing = null;
      if (!ranges.isEmpty()) {
        writingRange = ranges.poll();
        writingDir = Files.createDirectories(tmp.resolve("b" + writingRange[0]));
        List<String> command = new ArrayList<>(List.of(python.toString(), SCRIPT.toString(), "--seed",
            Long.toString(writingRange[0]), "--count", Long.toString(writingRange[1] - writingRange[0]), "--out",
            writingDir.toString()));
        if (encrypt) {
          command.add("--encrypt");
        }
        writing = new ProcessBuilder(command).redirectErrorStream(true).start();
      }
      if (done == null) {
        continue;
      }
      Map<Long, String> outcome = new LinkedHashMap<>();
      List<String> output = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(done.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          output.add(line);
          String[] parts = line.split(" ", 2);
          if (parts.length == 2 && parts[0].matches("-?\\d+")) {
            outcome.put(Long.parseLong(parts[0]), parts[1]);
          }
        }
      }
      int exit = done.waitFor();
      if (exit != 0) {
        // pyarrow itself aborted, or the generator broke: that seed is reported, the rest of its range written again
        long failed = outcome.keySet().stream().mapToLong(Long::longValue).max().orElse(doneRange[0] - 1) + 1;
        String tail = String.join("\n  ", output.subList(Math.max(0, output.size() - 6), output.size()));
        byClass.computeIfAbsent("the writer process ended with " + exit, k -> new ArrayList<>()).add(failed);
        if (listed.size() < LISTED) {
          listed.add("seed " + failed + ": the writer process ended with " + exit + ":\n  " + tail
              + "\n  replay: " + replay + failed);
        }
        if (failed + 1 < doneRange[1]) {
          ranges.addFirst(new long[] {failed + 1, doneRange[1]});
        }
      }
      for (Map.Entry<Long, String> e : outcome.entrySet()) {
        long s = e.getKey();
        if (!e.getValue().equals("ok")) {
          skipped.merge(e.getValue().replaceAll("\\d+", "#").lines().findFirst().orElse(""), 1, Integer::sum);
          continue;
        }
        Path file = doneDir.resolve(s + ".parquet");
        JsonNode expected = JSON.readTree(doneDir.resolve(s + ".json").toFile());
        compared++;
        try {
          try {
            assertSameAsPyarrow(file, expected, base);
          } catch (io.delpha.sdk.core.DataFormatException x) {
            if (!String.valueOf(x.getMessage()).contains("which has no row-model type")) {
              throw x;
            }
            // a type the row model does not have, named (a decimal of more than 38 digits): the others compared
            unsupported.computeIfAbsent(messageClass(x), k -> new ArrayList<>()).add(s);
            assertSameAsPyarrow(file, expected, base.skippingUnsupported());
          }
        } catch (AssertionError | RuntimeException x) {
          String cls = messageClass(x);
          byClass.computeIfAbsent(cls, k -> new ArrayList<>()).add(s);
          Path kept = Files.createDirectories(failures);
          Files.copy(file, kept.resolve(s + ".parquet"), StandardCopyOption.REPLACE_EXISTING);
          Files.copy(doneDir.resolve(s + ".json"), kept.resolve(s + ".json"), StandardCopyOption.REPLACE_EXISTING);
          if (listed.size() < LISTED) {
            listed.add(describe(s, expected, x, kept.resolve(s + ".parquet"), replay));
          }
        }
      }
      deleteTree(doneDir);
    }
    StringBuilder summary = new StringBuilder("pyarrow differential" + (encrypt ? ", encrypted" : "") + ": seeds " + seed + ".." + (end - 1) + ", "
        + compared + " files compared, " + byClass.values().stream().mapToInt(List::size).sum() + " differ\n");
    skipped.forEach((why, n) -> summary.append("  not written (pyarrow's own limit) x").append(n).append(": ")
        .append(why).append('\n'));
    unsupported.forEach((cls, seeds) -> summary.append("  unsupported, named, the other columns compared x")
        .append(seeds.size()).append(": ").append(cls).append(" (seeds ")
        .append(seeds.subList(0, Math.min(8, seeds.size()))).append(")\n"));
    byClass.forEach((cls, seeds) -> summary.append("  x").append(seeds.size()).append(' ').append(cls)
        .append(" (seeds ").append(seeds.subList(0, Math.min(8, seeds.size()))).append(")\n"));
    System.out.println(summary);
    assertThat(compared).as("files compared").isGreaterThan(count / 2);
    if (!byClass.isEmpty()) {
      fail(summary + "\n" + String.join("\n\n", listed));
    }
  }

  // ---------------------------------------------------------------- one file

  /** {@code file} read as rows and as batches, each equal to pyarrow's reading of it ({@code expected}). */
  static void assertSameAsPyarrow(Path file, JsonNode expected) {
    assertSameAsPyarrow(file, expected, ReadOptions.defaults());
  }

  /** As {@link #assertSameAsPyarrow(Path, JsonNode)}, reading with {@code options}: the columns read are compared. */
  static void assertSameAsPyarrow(Path file, JsonNode expected, ReadOptions options) {
    List<String> names = new ArrayList<>();
    expected.get("columns").forEach(n -> names.add(n.textValue()));
    boolean int96 = expected.path("settings").path("use_deprecated_int96_timestamps").asBoolean(false);
    List<List<Object>> rows = new ArrayList<>();
    int[] at;
    try (RowReader r = ParquetRows.read(file, options)) {
      if (options.skipped().isEmpty() && !options.skipUnsupported()) {
        assertThat(r.schema().names()).as("columns").containsExactlyElementsOf(names);
      }
      at = r.schema().names().stream().mapToInt(names::indexOf).toArray();
      assertThat(at).as("columns read %s of %s", r.schema().names(), names).doesNotContain(-1);
      r.forEachRemaining(row -> rows.add(row.values()));
    }
    compareRows(expected.get("rows"), rows, at, int96, "row view");
    List<List<Object>> batches = new ArrayList<>();
    try (ColumnBatchReader r = ParquetRows.readBatches(file, options)) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        for (int i = 0; i < b.rowCount(); i++) {
          List<Object> values = new ArrayList<>();
          for (int c = 0; c < b.schema().size(); c++) {
            values.add(b.column(c).get(i));
          }
          batches.add(values);
        }
      }
    }
    compareRows(expected.get("rows"), batches, at, int96, "columnar view");
  }

  private static void compareRows(JsonNode expected, List<List<Object>> rows, int[] at, boolean int96, String view) {
    assertThat(rows).as("rows (%s)", view).hasSize(expected.size());
    for (int i = 0; i < rows.size(); i++) {
      for (int c = 0; c < rows.get(i).size(); c++) {
        JsonNode ours = canonical(rows.get(i).get(c));
        JsonNode theirs = expected.get(i).get(at[c]);
        if (!same(ours, theirs, int96)) {
          fail("%s row %d column %d: ours %s, pyarrow %s", view, i, at[c], abbreviated(ours), abbreviated(theirs));
        }
      }
    }
  }

  /** A row-model value in the dump's canonical form (oracles/pyarrow/write_files.py). */
  static JsonNode canonical(Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (v instanceof Integer n) {
      return NODES.numberNode(n);
    }
    if (v instanceof Long n) {
      return NODES.numberNode(n);
    }
    if (v instanceof Double d) {
      return NODES.textNode(d.isNaN() ? "d:NaN" : "d:" + String.format("%016x", Double.doubleToRawLongBits(d)));
    }
    if (v instanceof BigDecimal d) {
      return NODES.textNode("n:" + d.toPlainString());
    }
    if (v instanceof String s) {
      return NODES.textNode("s:" + s);
    }
    if (v instanceof byte[] b) {
      return NODES.textNode("x:" + HexFormat.of().formatHex(b));
    }
    if (v instanceof LocalDate d) {
      return NODES.textNode("D:" + d.toEpochDay());
    }
    if (v instanceof LocalTime t) {
      return NODES.textNode("T:" + t.toNanoOfDay());
    }
    if (v instanceof Instant t) {
      return NODES.textNode("I:" + nanos(t));
    }
    if (v instanceof LocalDateTime t) {
      return NODES.textNode("L:" + nanos(t.toInstant(ZoneOffset.UTC)));
    }
    if (v instanceof Variant variant) {
      return NODES.textNode("v:" + variant.toJson());
    }
    if (v instanceof Row row) {
      ObjectNode o = NODES.objectNode();
      for (int i = 0; i < row.schema().size(); i++) {
        o.set(row.schema().column(i).name(), canonical(row.get(i)));
      }
      return o;
    }
    if (v instanceof List<?> list) {
      ArrayNode a = NODES.arrayNode();
      list.forEach(e -> a.add(canonical(e)));
      return a;
    }
    if (v instanceof Map<?, ?> map) {
      ArrayNode pairs = NODES.arrayNode();
      map.forEach((k, e) -> pairs.add(NODES.arrayNode().add(canonical(k)).add(canonical(e))));
      ObjectNode o = NODES.objectNode();
      o.set("#map", pairs);
      return o;
    }
    throw new AssertionError("no canonical form for " + v.getClass().getName());
  }

  private static BigInteger nanos(Instant t) {
    return BigInteger.valueOf(t.getEpochSecond()).multiply(BigInteger.valueOf(1_000_000_000))
        .add(BigInteger.valueOf(t.getNano()));
  }

  /**
   * Whether our canonical value equals pyarrow's: exactly, except that an unsigned 64-bit integer (a number in the
   * dump) is our DECIMAL(20,0), and an INT96 timestamp (no zone flag in the format) is our instant where pyarrow
   * restores its Arrow type without a zone, and pyarrow's 64-bit nanoseconds wrap around outside 1677..2262 (as
   * docs/parquet.md says of INT96: we read the exact instant, as Spark does).
   */
  static boolean same(JsonNode ours, JsonNode theirs, boolean int96) {
    if (theirs.isIntegralNumber() && ours.isTextual() && ours.textValue().startsWith("n:")) {
      return new BigDecimal(ours.textValue().substring(2)).compareTo(new BigDecimal(theirs.bigIntegerValue())) == 0;
    }
    if (theirs.isIntegralNumber() && ours.isIntegralNumber()) {
      return ours.bigIntegerValue().equals(theirs.bigIntegerValue());
    }
    if (int96 && ours.isTextual() && theirs.isTextual() && ours.textValue().startsWith("I:")
        && theirs.textValue().matches("[IL]:-?\\d+")) {
      // pyarrow reads INT96 into 64-bit nanoseconds and gives other instants outside 1677..2262 (in any
      // coerce_int96_timestamp_unit); we read the instant pyarrow was given to write: no oracle there
      BigInteger exact = new BigInteger(ours.textValue().substring(2));
      return exact.bitLength() > 63 || exact.equals(new BigInteger(theirs.textValue().substring(2)));
    }
    if (ours.isArray() && theirs.isArray() || ours.isObject() && theirs.isObject()) {
      if (ours.size() != theirs.size()) {
        return false;
      }
      if (ours.isArray()) {
        for (int i = 0; i < ours.size(); i++) {
          if (!same(ours.get(i), theirs.get(i), int96)) {
            return false;
          }
        }
        return true;
      }
      var names = ours.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!theirs.has(name) || !same(ours.get(name), theirs.get(name), int96)) {
          return false;
        }
      }
      return true;
    }
    return ours.equals(theirs);
  }

  // ---------------------------------------------------------------- reporting

  /** A failure's class: its type and message with the file's path, numbers and quoted values taken out. */
  static String messageClass(Throwable x) {
    String m = String.valueOf(x.getMessage()).lines().findFirst().orElse("");
    if (x instanceof AssertionError) {
      m = m.replaceAll("ours .*", "ours ≠ pyarrow").replaceAll("\\[[^\\]]*\\]", "[..]");
    }
    return x.getClass().getSimpleName() + ": " + m.replaceAll("/[^ :]*\\.parquet", "FILE").replaceAll("\\d+", "#")
        .replaceAll("\"[^\"]*\"", "\"..\"");
  }

  private static String describe(long seed, JsonNode expected, Throwable x, Path kept, String replay) {
    StringBuilder b = new StringBuilder("seed " + seed + ": " + x.getClass().getSimpleName() + ": "
        + String.valueOf(x.getMessage()).lines().limit(6).reduce((p, q) -> p + "\n    " + q).orElse(""));
    b.append("\n  settings: ").append(expected.get("settings"));
    expected.get("schema").forEach(line -> b.append("\n  | ").append(line.textValue()));
    b.append("\n  file: ").append(kept);
    b.append("\n  replay: ").append(replay).append(seed);
    return b.toString();
  }

  private static String abbreviated(JsonNode n) {
    String s = n.toString();
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
