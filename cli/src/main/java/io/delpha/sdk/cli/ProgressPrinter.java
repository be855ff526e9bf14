package io.delpha.sdk.cli;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.IngestListener;
import io.delpha.sdk.totesys.PipelineListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows long work on standard error: a bar redrawn in place on a terminal, plain lines every few seconds
 * otherwise (logs, pipes, CI). Each line gives what is done, of how much, the rate and the time left.
 */
final class ProgressPrinter implements IngestListener, PipelineListener {

  private static final int WIDTH = 24;

  private final PrintStream out;
  private final boolean terminal;
  private final long intervalNanos;
  private long started;
  private long lastPrinted;
  private boolean barShown;

  ProgressPrinter(PrintStream out, boolean terminal, Duration interval) {
    this.out = out;
    this.terminal = terminal;
    this.intervalNanos = interval.toNanos();
  }

  /** A printer for standard error: a bar if the process runs on a terminal, else a line every 5 seconds. */
  static ProgressPrinter forStderr() {
    boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
    String every = System.getenv("DELPHA_PROGRESS_SECONDS");
    Duration interval = Duration.ofSeconds(every != null && every.matches("\\d{1,5}") ? Long.parseLong(every) : 5);
    return new ProgressPrinter(System.err, terminal, terminal ? Duration.ofMillis(200) : interval);
  }

  @Override
  public synchronized void onStart(String task) {
    started = System.nanoTime();
    lastPrinted = 0;
  }

  @Override
  public synchronized void onProgress(Progress p) {
    long now = System.nanoTime();
    boolean last = p.total() > 0 && p.done() >= p.total();
    if (lastPrinted != 0 && now - lastPrinted < intervalNanos && !last) {
      return;
    }
    lastPrinted = now;
    String line = line(p, now - started);
    if (terminal) {
      out.print("\r" + line + "\u001b[K");
      barShown = true;
      if (last) {
        out.println();
        barShown = false;
      }
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public synchronized void onSuccess(String task, String summary) {
    endBar();
    out.println(task + ": done, " + summary);
  }

  @Override
  public synchronized void onFailure(String task, DelphaException error) {
    endBar();
    out.println(task + ": failed: " + error.getMessage());
  }

  @Override
  public synchronized void onFileIngested(FileIngestion ingestion) {
    // the file's seed-format line was already printed by onSuccess or onFailure
    endBar();
  }

  private void endBar() {
    if (barShown) {
      out.println();
      barShown = false;
    }
  }

  /** One progress line: {@code task [####    ] 45% 1.2 MB of 2.7 MB, 3.4 MB/s, ETA 5s}. */
  static String line(Progress p, long elapsedNanos) {
    double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
    double rate = p.done() / seconds;
    StringBuilder sb = new StringBuilder(p.task()).append(' ');
    double f = p.fraction();
    if (f >= 0) {
      int filled = (int) Math.round(f * WIDTH);
      sb.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
          .append(String.format(Locale.ROOT, "%3.0f%% ", f * 100))
          .append(amount(p.done(), p.unit())).append(" of ").append(amount(p.total(), p.unit()));
    } else {
      sb.append(amount(p.done(), p.unit()));
    }
    sb.append(", ").append(amount((long) rate, p.unit())).append("/s");
    if (f >= 0 && f < 1 && rate > 0) {
      sb.append(", ETA ").append(duration((long) ((p.total() - p.done()) / rate)));
    }
    return sb.toString();
  }

  static String amount(long n, String unit) {
    if ("bytes".equals(unit)) {
      if (n < 1024) {
        return n + " B";
      }
      String[] units = {"KiB", "MiB", "GiB", "TiB"};
      double v = n;
      int i = -1;
      while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
    return String.format(Locale.ROOT, "%,d %s", n, unit);
  }

  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
    }
    return seconds / 3600 + "h" + String.format(Locale.ROOT, "%02d", seconds % 3600 / 60) + "m";
  }
}
