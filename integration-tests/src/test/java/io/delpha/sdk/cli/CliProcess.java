package io.delpha.sdk.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code delpha} command line run as a separate process, as an operator runs it: its own JVM on this
 * test's class path, its own environment, standard output and error captured.
 */
public final class CliProcess implements AutoCloseable {

  /** What a finished run printed and returned. */
  public record Result(int exitCode, String out, String err) {
    /** @return both streams, for messages */
    public String all() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Process process;
  private final BlockingQueue<String> outLines = new LinkedBlockingQueue<>();
  private final StringBuffer out = new StringBuffer();
  private final StringBuffer err = new StringBuffer();
  private final Thread outPump;
  private final Thread errPump;

  private CliProcess(Process process) {
    this.process = process;
    this.outPump = pump(process.getInputStream(), out, outLines);
    this.errPump = pump(process.getErrorStream(), err, null);
  }

  /**
   * Runs {@code delpha args} to its end.
   *
   * @param env variables added to this process's environment
   * @param args the command line
   * @return exit code and output
   */
  public static Result run(Map<String, String> env, String... args) {
    try (CliProcess p = start(env, null, args)) {
      return p.await(Duration.ofMinutes(3));
    }
  }

  /**
   * Starts {@code delpha args} and returns while it runs (for services).
   *
   * @param env variables added to the environment
   * @param workDir the working directory, or {@code null} for this one
   * @param args the command line
   * @return the running process
   */
  public static CliProcess start(Map<String, String> env, Path workDir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dlogback.configurationFile=io/delpha/sdk/cli/logback-cli.xml");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Delpha.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("DELPHA_") || k.startsWith("DATABRICKS_")
        || k.equals("KEY_VAULT_NAME") || k.equals("DELTASHARING_TABLES_NAME"));
    pb.environment().putAll(env);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return new CliProcess(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits for a line of standard output matching {@code regex}.
   *
   * @param regex a pattern with one group
   * @param timeout how long to wait
   * @return the first group of the matching line
   */
  public String awaitLine(String regex, Duration timeout) {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        String line = outLines.poll(200, TimeUnit.MILLISECONDS);
        if (line != null) {
          Matcher m = p.matcher(line);
          if (m.find()) {
            return m.groupCount() > 0 ? m.group(1) : line;
          }
        } else if (!process.isAlive()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("no line matching " + regex + "; the process printed:\n--- stdout\n" + out
        + "--- stderr\n" + err);
  }

  /** @return the standard output so far */
  public String out() {
    return out.toString();
  }

  /** @return the standard error so far */
  public String err() {
    return err.toString();
  }

  /**
   * Asks the process to stop (SIGTERM) and waits for its end.
   *
   * @return what it printed and returned
   */
  public Result stop() {
    process.destroy();
    return await(Duration.ofSeconds(60));
  }

  /**
   * @param timeout how long to wait
   * @return what it printed and returned
   */
  public Result await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("delpha did not finish within " + timeout + ":\n" + out + "\n" + err);
      }
      outPump.join(5_000);
      errPump.join(5_000);
      return new Result(process.exitValue(), out.toString(), err.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private static Thread pump(java.io.InputStream in, StringBuffer into, BlockingQueue<String> lines) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          into.append(line).append('\n');
          if (lines != null) {
            lines.add(line);
          }
        }
      } catch (IOException e) {
        into.append("[stream closed: ").append(e.getMessage()).append("]\n");
      }
    }, "cli-pump");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
