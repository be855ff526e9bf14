package io.delpha.sdk.ingest.internal.sandbox;

import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.ingest.AppLimitEnforcement;
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
 * <p>Where {@link AppCgroups} gives a control group per run, the run's first process ({@link #JOIN}) writes its pid
 * into the group's {@code cgroup.procs} before anything else runs, so every process the app starts is in it: memory,
 * processes and threads, and CPU are bounded by the group, and the group is what {@link Run#kill()} kills.
 *
 * <p>{@link AppIsolation#NAMESPACES}: {@code setpriv --pdeathsig KILL} (the app dies with the manager) runs {@code
 * unshare} with new mount, network, PID and (with a group) cgroup namespaces (and a user namespace when the manager is
 * not root); inside, {@link #SCRIPT} builds a root of {@code /usr}, {@code /etc}, the JDK (read-only), {@code /proc},
 * the run's own group at {@code /sys/fs/cgroup} (read-only: a JVM reads its limits there), a few devices, and a copy
 * of the app's folder at {@code /work} and a private {@code /tmp} on one tmpfs (their total bounded), changes root
 * into it, drops to {@code nobody} (as root) and every capability, and sets the limits with {@code prlimit} (without
 * a group, memory as the address space and processes as {@code RLIMIT_NPROC}). {@link AppIsolation#LIMITS_ONLY}:
 * {@code sh} sets what {@code ulimit} can. Both: an empty environment but the protocol's variables.
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
      R=$1; W=$2; J=$3; DROP=$4; SCRATCH=$5; NPROC=$6; MEM=$7; FSIZE=$8; CG=$9; shift 9
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
      # the run's own cgroup, read-only, where a JVM's container support looks for it (the cgroup namespace shows it
      # as the root "/": no host path); entries are controller=folder, separated by ';'
      if [ -n "$CG" ]; then
        set -f; OLDIFS=$IFS; IFS=';'
        for e in $CG; do
          c=${e%%=*}; g=${e#*=}
          if [ "$c" = unified ]; then t=/sys/fs/cgroup; else t=/sys/fs/cgroup/$c; fi
          mkdir -p "$R$t"; mount --bind "$g" "$R$t"; mount -o remount,bind,ro "$R$t"
        done
        IFS=$OLDIFS; set +f
      fi
      mount -o remount,bind,ro "$R"
      # the documented environment exactly: a shell's cd adds PWD and OLDPWD (the latter a host path)
      set -- env -u PWD -u OLDPWD -u SHLVL -u _ "$@"
      if [ "$DROP" = nobody ]; then
        set -- setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
      else
        set -- setpriv --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
      fi
      # the limits are this init's, inherited by the app: its command line does not carry them
      # with a cgroup, memory and processes are the group's: NPROC and MEM are "-", left as they are
      LIM="--fsize=$FSIZE --nofile=256 --core=0"
      if [ "$NPROC" != - ]; then LIM="$LIM --nproc=$NPROC"; fi
      if [ "$MEM" != - ]; then LIM="$LIM --as=$MEM"; fi
      prlimit --pid $$ $LIM
      PATH=$APP_PATH
      # the init replaces itself with a chrooted sh that stays the namespace's init (not exec'ing the app, so the app
      # is an ordinary process: init ignores signals it has no handler for, a crash included); the run's status is the
      # app's, or 128 + the signal that killed it
      exec "$CHROOT" "$R" /bin/sh -c 'cd /work || exit 125; "$@"; exit $?' sandbox "$@"
      """;

  /**
   * The run's first process: joins the run's group (its pid into each {@code cgroup.procs} given), then becomes the
   * rest of its command line. Arguments: the count of files, the files, the command.
   */
  static final String JOIN = """
      n=$1; shift
      while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n - 1)); done
      exec "$@"
      """;

  /**
   * The limits {@code sh} can set anywhere; a limit the shell lacks is skipped (address space, else data; {@code
   * -} where a cgroup bounds memory: left as it is).
   */
  static final String LIMITS_SCRIPT = """
      ulimit -c 0 2>/dev/null
      if [ "$1" != - ]; then ulimit -v "$1" 2>/dev/null || ulimit -d "$1" 2>/dev/null; fi
      ulimit -f "$2" 2>/dev/null; ulimit -n 256 2>/dev/null
      shift 2
      exec env -u PWD -u OLDPWD -u SHLVL -u _ "$@"
      """;

  private static volatile @Nullable Sandbox detected;

  private final AppIsolation isolation;
  private final boolean asRoot;
  private final @Nullable AppCgroups cgroups;

  private Sandbox(AppIsolation isolation, boolean root, @Nullable AppCgroups cgroups) {
    this.isolation = isolation;
    this.asRoot = root;
    this.cgroups = cgroups;
  }

  /**
   * @return what this machine gives, probed once per JVM: a cgroup hierarchy to make groups in (the groups of managers
   *     that are gone are removed then), and the namespaces, by running a program in them
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
    return new Sandbox(AppIsolation.LIMITS_ONLY, "root".equals(System.getProperty("user.name")), null);
  }

  /**
   * @return the isolation runs get
   */
  public AppIsolation isolation() {
    return isolation;
  }

  /**
   * @return how memory, processes and CPU of each run are bounded
   */
  public AppLimitEnforcement enforcement() {
    if (cgroups != null) {
      return cgroups.enforcement();
    }
    return new AppLimitEnforcement(AppLimitEnforcement.Mechanism.RLIMIT, isolation == AppIsolation.NAMESPACES ? AppLimitEnforcement.Mechanism.RLIMIT : null,
        null);
  }

  /**
   * @return the control groups runs get, or null where there are none
   */
  public @Nullable AppCgroups cgroups() {
    return cgroups;
  }

  private static Sandbox probe() {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return new Sandbox(AppIsolation.LIMITS_ONLY, root, null);
    }
    AppCgroups cgroups = AppCgroups.detect();
    if (cgroups != null) {
      Sandbox withGroups = probeNamespaces(root, cgroups);
      if (withGroups.isolation() == AppIsolation.NAMESPACES) {
        return withGroups;
      }
      Sandbox without = probeNamespaces(root, null);
      if (without.isolation() == AppIsolation.NAMESPACES) {
        LOG.warn("ingest apps run in namespaces without their cgroup (it cannot be shown inside): memory and "
            + "processes bounded with ulimit");
        return without;
      }
      return withGroups;
    }
    return probeNamespaces(root, null);
  }

  private static Sandbox probeNamespaces(boolean root, @Nullable AppCgroups cgroups) {
    Sandbox candidate = new Sandbox(AppIsolation.NAMESPACES, root, cgroups);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("delpha-sandbox-probe-");
      Path work = Files.createDirectories(dir.resolve("work"));
      // with a group, the app must see its own limits where a JVM looks for them
      String check = "test ! -e /root && " + (cgroups == null ? "" : "test -r /sys/fs/cgroup/memory/memory.limit_in_bytes"
          + " -o -r /sys/fs/cgroup/memory.max && ") + "echo isolated";
      String out;
      String err;
      boolean ok;
      try (Run run = candidate.start(dir, work, List.of("sh", "-c", check), Map.of(), AppLimits.defaults())) {
        Process p = run.process();
        p.getOutputStream().close();
        try (InputStream in = p.getInputStream()) {
          out = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
        }
        boolean done = p.waitFor(20, TimeUnit.SECONDS);
        err = done ? new String(p.getErrorStream().readNBytes(2048), StandardCharsets.UTF_8).strip()
            : "no answer in 20 s";
        ok = done && p.exitValue() == 0 && out.contains("isolated");
      }
      if (ok) {
        LOG.info("ingest apps run in Linux namespaces (no network, private file system, limits)");
        return candidate;
      }
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
    return new Sandbox(AppIsolation.LIMITS_ONLY, root, cgroups);
  }

  /**
   * Starts a program, in a group of its own where there are groups. Standard input, output and error are pipes; the
   * caller writes the file, reads the output, and closes the run ({@link Run#close()}) when done.
   *
   * @param runDir a private folder of this run (holds the root mount point and the scripts)
   * @param work the app's folder (its working directory, {@code /work} inside the namespaces)
   * @param command the program and its arguments
   * @param env the protocol's variables: the whole environment the app gets, with {@code PATH} and {@code HOME}
   * @param limits the bounds
   * @return the running program
   * @throws ServiceUnavailableException if the process cannot start
   */
  public Run start(Path runDir, Path work, List<String> command, Map<String, String> env, AppLimits limits) {
    String javaHome = javaHome();
    List<String> cmd = new ArrayList<>();
    AppCgroups.Group group = cgroups == null ? null : cgroups.create(limits);
    boolean started = false;
    try {
      if (group != null) {
        List<Path> procs = group.procsFiles();
        cmd.addAll(List.of("sh", "-c", JOIN, "sh", String.valueOf(procs.size())));
        procs.forEach(f -> cmd.add(f.toString()));
      }
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
        if (group != null) {
          cmd.add("--cgroup");
        }
        AppLimitEnforcement bounds = enforcement();
        StringBuilder groups = new StringBuilder();
        if (group != null) {
          group.dirs().forEach((c, d) -> groups.append(groups.length() == 0 ? "" : ";").append(c).append('=').append(d));
        }
        cmd.addAll(List.of("--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "sh",
            script.toString(), root.toString(), work.toString(), javaHome, asRoot ? "nobody" : "self",
            String.valueOf(scratchBytes(work, limits)),
            bounds.processes() == AppLimitEnforcement.Mechanism.RLIMIT ? String.valueOf(limits.maxProcesses()) : "-",
            bounds.memory() == AppLimitEnforcement.Mechanism.RLIMIT ? String.valueOf(limits.memoryBytes()) : "-",
            String.valueOf(limits.maxOutputBytes()), groups.toString()));
      } else {
        cmd.addAll(List.of("sh", "-c", LIMITS_SCRIPT, "sh",
            group == null ? String.valueOf(limits.memoryBytes() / 1024) : "-",
            String.valueOf(Math.max(1, limits.maxOutputBytes() / 512))));
      }
    } catch (IOException e) {
      if (group != null) {
        group.remove();
      }
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
      Run run = new Run(pb.start(), group);
      started = true;
      return run;
    } catch (IOException ex) {
      throw new ServiceUnavailableException("cannot start the ingest app " + command + ": " + ex.getMessage(), ex);
    } finally {
      if (!started && group != null) {
        group.remove();
      }
    }
  }

  /** A started program and its group. Thread-safe. */
  public static final class Run implements AutoCloseable {
    private final Process process;
    private final AppCgroups.@Nullable Group group;

    Run(Process process, AppCgroups.@Nullable Group group) {
      this.process = process;
      this.group = group;
    }

    /**
     * @return the first process (its pipes are the program's)
     */
    public Process process() {
      return process;
    }

    /**
     * @return the run's group, or null where runs have none
     */
    public AppCgroups.@Nullable Group group() {
      return group;
    }

    /**
     * @return whether the kernel killed a process of the run at its memory limit (always false without a group)
     */
    public boolean memoryLimitReached() {
      return group != null && group.memoryLimitReached();
    }

    /**
     * Kills the run and everything it started: every process of its group; the namespace's init (and so every
     * process in it); and in {@link AppIsolation#LIMITS_ONLY} without a group, the process's descendants that are
     * still its children's children.
     */
    public void kill() {
      if (group != null) {
        group.kill();
      }
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      // through its handle: Process.destroyForcibly() also closes the Process's streams, and an app that wrote to
      // standard error and died (a crash) lost what its reader had not taken yet, so the failure said "it wrote
      // nothing to standard error" (a CI run failed that way); the readers close the streams when they are done
      process.toHandle().destroyForcibly();
    }

    /** Kills the run, waits for its first process (10 s at most) and removes its group. Idempotent. */
    @Override
    public void close() {
      kill();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (group != null) {
        group.remove();
      }
    }
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
