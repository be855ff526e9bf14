package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.ingest.AppIsolation;
import io.delpha.sdk.ingest.AppLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts customers' programs bounded and, where the OS allows it, isolated (docs/ingest-apps.md, "Sandbox").
 *
 * <p>{@link AppIsolation#NAMESPACES}: {@code setpriv --pdeathsig KILL} (the app dies with the manager) runs {@code
 * unshare} with new mount, network and PID namespaces (and a user namespace when the manager is not root); inside,
 * {@link #SCRIPT} builds a root of {@code /usr}, {@code /etc}, the JDK (read-only), {@code /proc}, a few devices, and a
 * copy of the app's folder at {@code /work} and a private {@code /tmp} on one tmpfs (their total bounded), changes
 * root into it, drops to {@code nobody} (as root) and every capability, and sets the limits with {@code prlimit}
 * (memory as the address space, {@code RLIMIT_AS}: every mapping counts). {@link AppIsolation#LIMITS_ONLY}: {@code
 * sh} sets what {@code ulimit} can. Both: an empty environment but the protocol's variables.
 */
public final class Sandbox {

  private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);

  /**
   * Runs inside the new namespaces: builds the app's root, enters it, drops privileges, sets limits. Its arguments
   * (host paths, limits) are seen only until it replaces itself: the namespace's init is then a chrooted {@code sh}
   * whose command line names neither.
   */
  static final String SCRIPT = """
      set -eu
      R=$1; W=$2; J=$3; DROP=$4; SCRATCH=$5; NPROC=$6; MEM=$7; FSIZE=$8; shift 8
      APP_PATH=$PATH; PATH=/usr/sbin:/sbin:/usr/bin:/bin:$PATH
      CHROOT=$(command -v chroot)
      # one tmpfs holds /work and /tmp: their total is bounded; it is mounted outside the new root, so neither the
      # host's folders nor this mount show in the app's mountinfo
      S=$R.scratch
      mkdir -p "$S"
      mount -t tmpfs -o size="$SCRATCH",mode=755 scratch "$S"
      mkdir "$S/work" "$S/tmp"
      chmod 1777 "$S/tmp"
      cp -pR "$W/." "$S/work/"
      if [ "$DROP" = nobody ]; then chown -R 65534:65534 "$S/work"; fi
      mount -t tmpfs -o size=1m,mode=755 sandbox "$R"
      ro() { mkdir -p "$R$1"; mount --rbind "$1" "$R$1"; mount -o remount,bind,ro "$R$1"; }
      for d in /usr /etc; do ro "$d"; done
      for l in /bin /sbin /lib /lib32 /lib64 /libx32; do
        if [ -L "$l" ]; then ln -s "$(readlink "$l")" "$R$l"; elif [ -d "$l" ]; then ro "$l"; fi
      done
      case "$J" in /usr/*) ;; *) ro "$J" ;; esac
      mkdir -p "$R/work" "$R/proc" "$R/dev" "$R/tmp"
      mount --bind "$S/work" "$R/work"
      mount --bind "$S/tmp" "$R/tmp"
      mount -t proc proc "$R/proc"
      for d in null zero random urandom; do touch "$R/dev/$d"; mount --bind "/dev/$d" "$R/dev/$d"; done
      mount -o remount,bind,ro "$R"
      # the documented environment exactly: a shell's cd adds PWD and OLDPWD (the latter a host path)
      set -- env -u PWD -u OLDPWD -u SHLVL -u _ "$@"
      if [ "$DROP" = nobody ]; then
        set -- setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
      else
        set -- setpriv --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
      fi
      # the limits are this init's, inherited by the app: its command line does not carry them
      prlimit --pid $$ --nproc="$NPROC" --as="$MEM" --fsize="$FSIZE" --nofile=256 --core=0
      PATH=$APP_PATH
      # the init replaces itself with a chrooted sh that stays the namespace's init (not exec'ing the app, so the app
      # is an ordinary process: init ignores signals it has no handler for, a crash included); the run's status is the
      # app's, or 128 + the signal that killed it
      exec "$CHROOT" "$R" /bin/sh -c 'cd /work || exit 125; "$@"; exit $?' sandbox "$@"
      """;

  /** The limits {@code sh} can set anywhere; a limit the shell lacks is skipped (address space, else data). */
  static final String LIMITS_SCRIPT = """
      ulimit -c 0 2>/dev/null; ulimit -v "$1" 2>/dev/null || ulimit -d "$1" 2>/dev/null
      ulimit -f "$2" 2>/dev/null; ulimit -n 256 2>/dev/null
      shift 2
      exec env -u PWD -u OLDPWD -u SHLVL -u _ "$@"
      """;

  private static volatile @Nullable Sandbox detected;

  private final AppIsolation isolation;
  private final boolean asRoot;

  private Sandbox(AppIsolation isolation, boolean root) {
    this.isolation = isolation;
    this.asRoot = root;
  }

  /**
   * @return what this machine gives, probed once per JVM by running {@code true} in the namespaces
   */
  public static Sandbox detect() {
    Sandbox s = detected;
    if (s == null) {
      synchronized (Sandbox.class) {
        s = detected;
        if (s == null) {
          s = probe();
          detected = s;
        }
      }
    }
    return s;
  }

  /**
   * @return the sandbox detection falls back to where namespaces are unavailable (limits only), whatever this
   *     machine could give: what such a platform runs, on any machine
   */
  public static Sandbox limitsOnly() {
    return new Sandbox(AppIsolation.LIMITS_ONLY, "root".equals(System.getProperty("user.name")));
  }

  /**
   * @return the isolation runs get
   */
  public AppIsolation isolation() {
    return isolation;
  }

  private static Sandbox probe() {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return new Sandbox(AppIsolation.LIMITS_ONLY, root);
    }
    Sandbox candidate = new Sandbox(AppIsolation.NAMESPACES, root);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("delpha-sandbox-probe-");
      Path work = Files.createDirectories(dir.resolve("work"));
      Process p = candidate.start(dir, work, List.of("sh", "-c", "test ! -e /root && echo isolated"), Map.of(),
          AppLimits.defaults());
      p.getOutputStream().close();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      }
      boolean done = p.waitFor(20, TimeUnit.SECONDS);
      if (done && p.exitValue() == 0 && out.contains("isolated")) {
        LOG.info("ingest apps run in Linux namespaces (no network, private file system, limits)");
        return candidate;
      }
      String err = done ? new String(p.getErrorStream().readNBytes(2048), StandardCharsets.UTF_8).strip()
          : "no answer in 20 s";
      kill(p);
      LOG.warn("ingest apps cannot be isolated here (namespaces unavailable: {}); limits only", err);
    } catch (IOException | RuntimeException e) {
      LOG.warn("ingest apps cannot be isolated here ({}); limits only", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (dir != null) {
        deleteTree(dir);
      }
    }
    return new Sandbox(AppIsolation.LIMITS_ONLY, root);
  }

  /**
   * Starts a program. Standard input, output and error are pipes; the caller writes the file, reads the output,
   * and kills the process tree ({@link #kill}) when done.
   *
   * @param runDir a private folder of this run (holds the root mount point and the scripts)
   * @param work the app's folder (its working directory, {@code /work} inside the namespaces)
   * @param command the program and its arguments
   * @param env the protocol's variables: the whole environment the app gets, with {@code PATH} and {@code HOME}
   * @param limits the bounds
   * @return the running process
   * @throws ServiceUnavailableException if the process cannot start
   */
  public Process start(Path runDir, Path work, List<String> command, Map<String, String> env, AppLimits limits) {
    String javaHome = javaHome();
    List<String> cmd = new ArrayList<>();
    try {
      if (isolation == AppIsolation.NAMESPACES) {
        Path root = Files.createDirectories(runDir.resolve("root"));
        Path script = runDir.resolve("sandbox.sh");
        Files.writeString(script, SCRIPT);
        work.toFile().setWritable(true, false);
        work.toFile().setExecutable(true, false);
        work.toFile().setReadable(true, false);
        cmd.addAll(List.of("setpriv", "--pdeathsig", "KILL", "unshare"));
        if (!asRoot) {
          cmd.add("--map-root-user");
        }
        cmd.addAll(List.of("--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "sh",
            script.toString(), root.toString(), work.toString(), javaHome, asRoot ? "nobody" : "self",
            String.valueOf(scratchBytes(work, limits)), String.valueOf(limits.maxProcesses()),
            String.valueOf(limits.memoryBytes()), String.valueOf(limits.maxOutputBytes())));
      } else {
        cmd.addAll(List.of("sh", "-c", LIMITS_SCRIPT, "sh", String.valueOf(limits.memoryBytes() / 1024),
            String.valueOf(Math.max(1, limits.maxOutputBytes() / 512))));
      }
    } catch (IOException e) {
      throw new ServiceUnavailableException("cannot prepare the sandbox in " + runDir + ": " + e.getMessage(), e);
    }
    cmd.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    Map<String, String> e = pb.environment();
    e.clear();
    e.putAll(env);
    String path = "/usr/local/bin:/usr/bin:/bin:" + javaHome + "/bin";
    e.put("PATH", path);
    e.put("HOME", isolation == AppIsolation.NAMESPACES ? "/work" : work.toString());
    e.put("TMPDIR", isolation == AppIsolation.NAMESPACES ? "/tmp" : work.toString());
    e.put("LANG", "C.UTF-8");
    try {
      return pb.start();
    } catch (IOException ex) {
      throw new ServiceUnavailableException("cannot start the ingest app " + command + ": " + ex.getMessage(), ex);
    }
  }

  /**
   * Kills a run and everything it started: the namespace's init (and so every process in it), or in {@link
   * AppIsolation#LIMITS_ONLY} the process's descendants that are still its children's children.
   *
   * @param p the process
   */
  public static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /**
   * The size of the one tmpfs holding {@code /work} and {@code /tmp}: the output limit (which also bounds each file),
   * plus the app's own files, so they do not eat into what it may write.
   */
  private static long scratchBytes(Path work, AppLimits limits) throws IOException {
    long own = 0;
    try (java.util.stream.Stream<Path> files = Files.walk(work)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        own += (Files.size(f) + 4095) / 4096 * 4096; // tmpfs keeps whole pages
      }
    }
    long bytes = limits.maxOutputBytes() + own;
    return (bytes + 4095) / 4096 * 4096;
  }

  private static String javaHome() {
    Path home = Path.of(System.getProperty("java.home"));
    try {
      return home.toRealPath().toString();
    } catch (IOException e) {
      return home.toAbsolutePath().toString();
    }
  }

  /**
   * Deletes a run's folder and everything in it (files the app left included); what cannot be deleted is logged.
   *
   * @param dir the folder
   */
  public static void deleteTree(Path dir) {
    try {
      io.delpha.sdk.core.internal.Folders.deleteTree(dir);
    } catch (IOException e) {
      LOG.warn("cannot delete the app folder {}: {}", dir, e.toString());
    }
  }
}
