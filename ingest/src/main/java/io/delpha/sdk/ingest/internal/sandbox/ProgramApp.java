package io.delpha.sdk.ingest.internal.sandbox;

import io.delpha.sdk.ingest.internal.RowConverter;
import io.delpha.sdk.ingest.internal.StagingKeys;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.delpha.sdk.cassandra.ColumnDescription;
import io.delpha.sdk.cassandra.TableDescription;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.JsonSupport;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.ingest.AppIsolation;
import io.delpha.sdk.ingest.AppLimits;
import io.delpha.sdk.ingest.IngestApp;
import io.delpha.sdk.ingest.IngestJob;
import io.delpha.sdk.ingest.RegisteredApp;
import io.delpha.sdk.ingest.TableWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A customer's program as an {@link IngestApp}: copies the version's files into a fresh folder, starts the program in
 * the {@link Sandbox} with the file on its standard input, reads JSON lines from its standard output (protocol of
 * docs/ingest-apps.md), validates each row against the target table with the CSV path's {@link RowConverter}, and
 * writes it through the job's writers; the manager, not the app, talks to Cassandra, and only in the customer's
 * keyspace. Any breach (a limit, a malformed line, a non-zero exit, a crash) kills the program's whole tree and
 * refuses the file ({@link DataFormatException}: {@code failed/} with the reason and the tail of standard error).
 */
public final class ProgramApp implements IngestApp {

  /** Suffix of the per-file copy of the app's standard error, beside the file in processed/ or failed/. */
  public static final String STDERR_SUFFIX = ".stderr.txt";

  private static final int MAX_TABLES = 64;
  private static final int MAX_COLUMN_SETS = 256;

  /**
   * A JVM's unified logging (its warnings: a thread it cannot start, a container limit it cannot read) goes to standard
   * output by default, where it would be read as the app's output: JVM apps get it on standard error. The JVM itself
   * says "Picked up JAVA_TOOL_OPTIONS: ..." on standard error.
   */
  static final String JVM_LOG_TO_STDERR = "-Xlog:disable -Xlog:all=warning:stderr";

  private final RegisteredApp app;
  private final ObjectStore staging;
  private final String filesPrefix;
  private final Sandbox sandbox;
  private final AppLimits limits;

  /**
   * @param app the version to run
   * @param staging where its files are
   * @param filesPrefix their key prefix ({@code <customer>/apps/<name>/v<version>/})
   * @param sandbox how programs run here
   * @param limits the bounds of one run
   */
  public ProgramApp(RegisteredApp app, ObjectStore staging, String filesPrefix, Sandbox sandbox, AppLimits limits) {
    this.app = app;
    this.staging = staging;
    this.filesPrefix = filesPrefix;
    this.sandbox = sandbox;
    this.limits = limits;
  }

  @Override
  public void ingest(IngestJob job) throws Exception {
    Path runDir = Files.createTempDirectory("delpha-app-");
    Sandbox.Run run = null;
    Tail stderr = new Tail(limits.stderrBytes());
    AtomicReference<String> killedFor = new AtomicReference<>();
    try {
      Path work = Files.createDirectories(runDir.resolve("work"));
      for (String f : app.files()) {
        try (InputStream in = staging.get(filesPrefix + f)) {
          Files.copy(in, work.resolve(f));
        }
        work.resolve(f).toFile().setReadable(true, false);
      }
      run = sandbox.start(runDir, work, app.command(), env(job), limits);
      Sandbox.Run started = run;
      Process proc = run.process();
      long deadline = System.nanoTime() + limits.wallClock().toNanos();
      Thread feeder = daemon("app-stdin-" + job.fileName(), () -> {
        try (InputStream in = job.open(); OutputStream os = proc.getOutputStream()) {
          in.transferTo(os);
        } catch (IOException | RuntimeException e) {
          // the app closed its standard input (it may read only what it needs) or was killed
        }
      });
      Thread errReader = daemon("app-stderr-" + job.fileName(), () -> {
        try (InputStream in = proc.getErrorStream()) {
          byte[] buf = new byte[8192];
          for (int n; (n = in.read(buf)) > 0; ) {
            stderr.add(buf, n);
          }
        } catch (IOException e) {
          // the app is gone
        }
      });
      Thread watchdog = daemon("app-clock-" + job.fileName(), () -> {
        try {
          if (!proc.waitFor(limits.wallClock().toNanos(), TimeUnit.NANOSECONDS)) {
            killedFor.compareAndSet(null, "it ran longer than its wall-clock limit of " + limits.wallClock());
            started.kill();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      String failure = null;
      try {
        failure = readOutput(job, proc, killedFor);
      } finally {
        if (failure != null) {
          killedFor.compareAndSet(null, failure);
          run.kill();
        }
      }
      long left = Math.max(1, deadline - System.nanoTime());
      if (!proc.waitFor(left, TimeUnit.NANOSECONDS)) {
        killedFor.compareAndSet(null, "it ran longer than its wall-clock limit of " + limits.wallClock());
        run.kill();
        proc.waitFor(10, TimeUnit.SECONDS);
      }
      // the app's other processes (a forked child still writing) end with the run, before its group is read
      run.kill();
      watchdog.interrupt();
      errReader.join(5_000);
      feeder.join(1_000);
      attachStderr(job, stderr);
      String why = killedFor.get();
      if (run.memoryLimitReached()) {
        // the kernel's kill explains whatever followed it: output cut mid-line, a non-zero status, a signal
        why = "it was killed at its memory limit: memory limit of " + (limits.memoryBytes() >> 20) + " MiB reached";
      } else if (why == null && proc.exitValue() != 0) {
        int code = proc.exitValue();
        why = code > 128 ? "it was killed by signal " + (code - 128) + " (exit status " + code + ")"
            : "it exited with status " + code;
      }
      if (why != null) {
        throw new DataFormatException("ingest app " + app.name() + " v" + app.version() + " failed on "
            + job.fileName() + ": " + why + stderrTail(stderr));
      }
    } finally {
      if (run != null) {
        run.close();
      }
      Sandbox.deleteTree(runDir);
    }
  }

  private Map<String, String> env(IngestJob job) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DELPHA_PROTOCOL", "1");
    env.put("DELPHA_CUSTOMER", job.customer());
    env.put("DELPHA_FILE_NAME", job.fileName());
    env.put("DELPHA_FILE_SIZE", String.valueOf(job.sizeBytes()));
    env.put("DELPHA_TABLE", StagingKeys.tableOf(job.fileName()));
    env.put("DELPHA_TABLES", String.join(",", job.tables()));
    env.put("DELPHA_APP", app.name());
    env.put("DELPHA_APP_VERSION", String.valueOf(app.version()));
    if (isJava(app.command())) {
      env.put("JAVA_TOOL_OPTIONS", JVM_LOG_TO_STDERR);
    }
    return env;
  }

  /** Whether a command starts a JVM: its program is {@code java} (a name or a path). */
  static boolean isJava(List<String> command) {
    return !command.isEmpty() && Path.of(command.get(0)).getFileName().toString().equals("java");
  }

  /** Reads and applies the output; returns why the run must stop, or null at a clean end of output. */
  private @Nullable String readOutput(IngestJob job, Process proc, AtomicReference<String> killedFor)
      throws IOException {
    Map<String, Target> targets = new HashMap<>();
    long bytes = 0;
    long rows = 0;
    long lineNo = 0;
    byte[] line = new byte[8192];
    byte[] buf = new byte[65536];
    int len = 0;
    try (InputStream out = proc.getInputStream()) {
      for (int n; (n = out.read(buf)) > 0; ) {
        bytes += n;
        if (bytes > limits.maxOutputBytes()) {
          return "it wrote more than its output limit of " + limits.maxOutputBytes() + " bytes";
        }
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] != '\n') {
            continue;
          }
          int add = i - start;
          if (len + add > limits.maxLineBytes()) {
            return "line " + (lineNo + 1) + " of its output is longer than " + limits.maxLineBytes() + " bytes";
          }
          if (len + add > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, len + add));
          }
          System.arraycopy(buf, start, line, len, add);
          len += add;
          lineNo++;
          String why = apply(job, targets, line, len, lineNo);
          if (why == ROW) {
            if (++rows > limits.maxRows()) {
              return "it reported more than its limit of " + limits.maxRows() + " rows";
            }
          } else if (why != null) {
            return why;
          }
          len = 0;
          start = i + 1;
        }
        int add = n - start;
        if (len + add > limits.maxLineBytes()) {
          return "line " + (lineNo + 1) + " of its output is longer than " + limits.maxLineBytes() + " bytes";
        }
        if (len + add > line.length) {
          line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, len + add));
        }
        System.arraycopy(buf, start, line, len, add);
        len += add;
      }
    } catch (IOException e) {
      if (killedFor.get() != null) {
        return killedFor.get();
      }
      throw e;
    }
    if (len > 0) {
      String why = apply(job, targets, line, len, lineNo + 1);
      if (why != null && why != ROW) {
        return why;
      }
    }
    return null;
  }

  /** Marks a line that was a row or a bad record (counted against the rows limit). */
  private static final String ROW = new String("row");

  private @Nullable String apply(IngestJob job, Map<String, Target> targets, byte[] line, int len, long lineNo)
      throws IOException {
    int end = len;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    boolean blank = true;
    for (int i = 0; i < end && blank; i++) {
      blank = line[i] == ' ' || line[i] == '\t';
    }
    if (blank) {
      return null;
    }
    String table = null;
    String bad = null;
    long reportedLine = -1;
    String original = null;
    List<String> names = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    boolean hasRow = false;
    try (JsonParser json = JsonSupport.MAPPER.getFactory().createParser(line, 0, end)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        return malformed(lineNo, line, end, "not a JSON object");
      }
      for (JsonToken t = json.nextToken(); t == JsonToken.FIELD_NAME; t = json.nextToken()) {
        String field = json.currentName();
        JsonToken v = json.nextToken();
        switch (field) {
          case "table" -> table = v == JsonToken.VALUE_STRING ? json.getText() : null;
          case "bad" -> bad = v.isScalarValue() ? json.getText() : null;
          case "original" -> original = v.isScalarValue() ? json.getText() : null;
          case "line" -> reportedLine = v.isNumeric() ? json.getLongValue() : -1;
          case "row" -> {
            if (v != JsonToken.START_OBJECT) {
              return malformed(lineNo, line, end, "\"row\" is not an object");
            }
            hasRow = true;
            for (JsonToken c = json.nextToken(); c == JsonToken.FIELD_NAME; c = json.nextToken()) {
              names.add(json.currentName());
              JsonToken cv = json.nextToken();
              if (cv == JsonToken.VALUE_NULL) {
                texts.add(null);
              } else if (cv.isScalarValue()) {
                texts.add(json.getText());
              } else {
                json.skipChildren();
                texts.add(NESTED);
              }
            }
          }
          default -> json.skipChildren();
        }
      }
      if (json.nextToken() != null) {
        return malformed(lineNo, line, end, "text after the JSON object");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return malformed(lineNo, line, end, e.getOriginalMessage());
    }
    long at = reportedLine >= 0 ? reportedLine : lineNo;
    if (bad != null) {
      job.reject(at, "app: " + bad, original == null ? "" : original);
      return ROW;
    }
    if (!hasRow || table == null) {
      return malformed(lineNo, line, end, "neither {\"table\": ..., \"row\": {...}} nor {\"bad\": ..., \"line\": n}");
    }
    String text = new String(line, 0, end, StandardCharsets.UTF_8);
    Target target = targets.get(table);
    if (target == null) {
      if (targets.size() >= MAX_TABLES) {
        return "it wrote to more than " + MAX_TABLES + " tables";
      }
      target = new Target(job, table);
      targets.put(table, target);
    }
    if (target.table == null) {
      job.reject(at, "no table " + table + " in keyspace " + job.keyspace(), text);
      return ROW;
    }
    Shape shape = target.shapes.get(names);
    if (shape == null) {
      if (target.shapes.size() >= MAX_COLUMN_SETS) {
        return "its rows for " + table + " use more than " + MAX_COLUMN_SETS + " different column sets";
      }
      shape = new Shape(job, target.table, names);
      target.shapes.put(List.copyOf(names), shape);
    }
    if (shape.refused != null) {
      job.reject(at, shape.refused, text);
      return ROW;
    }
    String[] fields = texts.toArray(new String[0]);
    for (int i = 0; i < fields.length; i++) {
      if (fields[i] == NESTED) {
        job.reject(at, "column " + names.get(i) + ": a list, map or object, which the manager does not write", text);
        return ROW;
      }
    }
    @Nullable Object[] values = new Object[fields.length];
    String reason = Objects.requireNonNull(shape.converter, "a shape not refused has a converter")
        .convert(fields, values);
    if (reason != null) {
      job.reject(at, reason, text);
    } else {
      Objects.requireNonNull(shape.writer, "a shape not refused has a writer").write(at, values);
    }
    return ROW;
  }

  private static final String NESTED = new String("nested");

  private static String malformed(long lineNo, byte[] line, int len, String why) {
    String text = new String(line, 0, Math.min(len, 200), StandardCharsets.UTF_8);
    return "line " + lineNo + " of its output is not a protocol line (" + why + "): " + text
        + (len > 200 ? "..." : "");
  }

  private void attachStderr(IngestJob job, Tail stderr) {
    if (stderr.total() > 0) {
      job.attach(STDERR_SUFFIX, stderr.bytes());
    }
  }

  private static String stderrTail(Tail stderr) {
    if (stderr.total() == 0) {
      return "; it wrote nothing to standard error";
    }
    byte[] all = stderr.bytes();
    int from = Math.max(0, all.length - 2048);
    return "; the end of its standard error:\n" + new String(all, from, all.length - from, StandardCharsets.UTF_8);
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** One table the app named: its description, or null if the keyspace has no such table. */
  private static final class Target {
    final @Nullable TableDescription table;
    final Map<List<String>, Shape> shapes = new HashMap<>();

    Target(IngestJob job, String name) {
      TableDescription t;
      try {
        t = name.isEmpty() ? null : job.describe(name);
      } catch (NotFoundException e) {
        t = null;
      }
      this.table = t;
    }
  }

  /** One set of columns rows of a table give, in their order: a writer and a converter, or why it is refused. */
  private static final class Shape {
    @Nullable String refused;
    @Nullable RowConverter converter;
    @Nullable TableWriter writer;

    Shape(IngestJob job, TableDescription table, List<String> names) {
      List<ColumnDescription> columns = new ArrayList<>();
      for (String n : names) {
        ColumnDescription c = table.columns().stream().filter(x -> x.name().equalsIgnoreCase(n)).findFirst()
            .orElse(null);
        if (c == null) {
          refused = "table " + table.name() + " has no column " + n;
          return;
        }
        if (columns.contains(c)) {
          refused = "column " + c.name() + " given twice";
          return;
        }
        columns.add(c);
      }
      List<String> missing = RowConverter.missingKeys(table, columns);
      if (!missing.isEmpty()) {
        refused = "missing value for key column(s) " + missing;
        return;
      }
      try {
        converter = RowConverter.of(table, columns, "the manager");
      } catch (DataFormatException e) {
        refused = e.getMessage();
        return;
      }
      writer = job.writer(table.name(), columns.stream().map(ColumnDescription::name).toList());
    }
  }

  /** The last bytes of a stream, and how many it carried. */
  static final class Tail {
    private final byte[] ring;
    private long total;

    Tail(int capacity) {
      ring = new byte[capacity];
    }

    synchronized void add(byte[] b, int n) {
      int skip = Math.max(0, n - ring.length);
      total += skip;
      for (int i = skip; i < n; i++) {
        ring[(int) (total++ % ring.length)] = b[i];
      }
    }

    synchronized long total() {
      return total;
    }

    synchronized byte[] bytes() {
      int size = (int) Math.min(total, ring.length);
      byte[] out = new byte[size];
      int start = (int) (total % ring.length);
      for (int i = 0; i < size; i++) {
        out[i] = ring[(start - size + i + ring.length * 2) % ring.length];
      }
      return out;
    }
  }
}
