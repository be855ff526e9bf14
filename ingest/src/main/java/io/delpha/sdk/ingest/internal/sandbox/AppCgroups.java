package io.delpha.sdk.ingest.internal.sandbox;

import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.ingest.AppLimitEnforcement;
import io.delpha.sdk.ingest.AppLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A control group per run of a customer's program (docs/ingest-apps.md, "Sandbox"): memory (what the run touches, page
 * cache and its tmpfs included, no swap), processes and threads, and a CPU quota, each run alone, so one customer's
 * run never spends another's. Groups live under the manager's own group of each controller, in {@code
 * delpha-ingest/m<pid>-<start>/r<n>}: the folder of each manager JVM carries its process id and start time, so the
 * groups of a manager that was killed (its pid gone or reused) are recognized and removed by the next manager's
 * {@link #detect()}, and several managers in one group never touch each other's runs.
 *
 * <p>cgroup v2 is used where the unified hierarchy holds the memory controller and this process can enable it for a
 * child group; else cgroup v1 with a writable {@code memory} hierarchy ({@code pids} and {@code cpu} where mounted
 * and writable too; {@code cpuacct} and {@code cpuset} joined as well, so that a JVM inside finds every hierarchy its
 * container support reads). Thread-safe.
 */
public final class AppCgroups {

  private static final Logger LOG = LoggerFactory.getLogger(AppCgroups.class);
  static final String PARENT = "delpha-ingest";
  private static final long CPU_PERIOD_US = 100_000;

  /** The cgroup version in use. */
  public enum Version { V1, V2 }

  private final Version version;
  /** Controller name (v2: "unified") to the manager's folder in it, e.g. memory -> .../delpha-ingest/m12-345. */
  private final Map<String, Path> managerDirs;
  private final AtomicLong runs = new AtomicLong();
  private final Set<Group> live = ConcurrentHashMap.newKeySet();

  private AppCgroups(Version version, Map<String, Path> managerDirs) {
    this.version = version;
    this.managerDirs = Map.copyOf(managerDirs);
  }

  /**
   * Finds a cgroup hierarchy this process may make child groups in, removes the groups left by managers that are gone,
   * and checks that a run's group can be made, limited and removed.
   *
   * @return the groups of this manager, or null where none can be had (not Linux, no writable hierarchy, not root
   *     and no delegation); the reason is logged
   */
  public static @Nullable AppCgroups detect() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return null;
    }
    String self = managerName();
    List<String> why = new ArrayList<>();
    try {
      List<Mount> mounts = mounts();
      Map<String, String> own = ownGroups();
      for (Version v : List.of(Version.V2, Version.V1)) {
        Map<String, Path> dirs = v == Version.V2 ? v2Dirs(mounts, own, self, why) : v1Dirs(mounts, own, self, why);
        if (dirs == null) {
          continue;
        }
        AppCgroups cg = new AppCgroups(v, dirs);
        try {
          cg.sweep();
          Group probe = cg.create(AppLimits.defaults());
          probe.remove();
          Runtime.getRuntime().addShutdownHook(new Thread(cg::close, "delpha-app-cgroups"));
          LOG.info("ingest apps run in a cgroup {} group each ({}): memory, processes and CPU bounded per run", v,
              dirs.values().iterator().next().getParent());
          return cg;
        } catch (RuntimeException e) {
          why.add(v + ": " + e.getMessage());
          cg.close();
        }
      }
    } catch (IOException e) {
      why.add(e.toString());
    }
    LOG.warn("ingest apps get no cgroup here ({}); memory and processes are bounded with ulimit, CPU by the wall clock "
        + "only (docs/ingest-apps.md)", String.join("; ", why));
    return null;
  }

  /**
   * @return the version in use
   */
  public Version version() {
    return version;
  }

  /**
   * @return how runs are bounded with these groups
   */
  public AppLimitEnforcement enforcement() {
    AppLimitEnforcement.Mechanism b = version == Version.V2 ? AppLimitEnforcement.Mechanism.CGROUP_V2 : AppLimitEnforcement.Mechanism.CGROUP_V1;
    return new AppLimitEnforcement(b, managerDirs.containsKey("pids") || version == Version.V2 ? b : null,
        managerDirs.containsKey("cpu") || version == Version.V2 ? b : null);
  }

  /**
   * @return the groups of this manager's runs that exist now (each run's, until it is removed)
   */
  public List<Path> runGroups() {
    List<Path> out = new ArrayList<>();
    for (Path d : managerDirs.values()) {
      out.addAll(children(d));
    }
    return out;
  }

  /**
   * @return the manager folders under each hierarchy's {@code delpha-ingest} parent, this manager's included
   */
  public List<Path> managerGroups() {
    List<Path> out = new ArrayList<>();
    for (Path d : managerDirs.values()) {
      out.addAll(children(parentOf(d)));
    }
    return out;
  }

  /**
   * Makes and limits a run's group; the run's first process joins it ({@link Group#procsFiles()}) before it starts
   * the app.
   *
   * @param limits the run's bounds
   * @return the group
   * @throws ServiceUnavailableException if it cannot be made
   */
  public Group create(AppLimits limits) {
    String name = "r" + runs.incrementAndGet();
    Map<String, Path> dirs = new LinkedHashMap<>();
    Group g = new Group(version, dirs);
    try {
      for (Map.Entry<String, Path> e : managerDirs.entrySet()) {
        Path d = e.getValue().resolve(name);
        Files.createDirectory(d);
        dirs.put(e.getKey(), d);
        if (e.getKey().equals("cpuset")) {
          copyCpuset(e.getValue(), d);
        }
      }
      live.add(g);
      long mem = limits.memoryBytes();
      long quota = Math.max(1000, Math.round(limits.cpus() * CPU_PERIOD_US));
      if (version == Version.V2) {
        Path d = java.util.Objects.requireNonNull(dirs.get("unified"), "v2 group");
        write(d.resolve("memory.max"), mem);
        writeIfPresent(d.resolve("memory.swap.max"), "0");
        write(d.resolve("pids.max"), limits.maxProcesses());
        write(d.resolve("cpu.max"), quota + " " + CPU_PERIOD_US);
      } else {
        Path m = java.util.Objects.requireNonNull(dirs.get("memory"), "v1 memory group");
        write(m.resolve("memory.limit_in_bytes"), mem);
        writeIfPresent(m.resolve("memory.memsw.limit_in_bytes"), String.valueOf(mem));
        if (dirs.containsKey("pids")) {
          write(dirs.get("pids").resolve("pids.max"), limits.maxProcesses());
        }
        if (dirs.containsKey("cpu")) {
          write(dirs.get("cpu").resolve("cpu.cfs_period_us"), CPU_PERIOD_US);
          write(dirs.get("cpu").resolve("cpu.cfs_quota_us"), quota);
        }
      }
      return g;
    } catch (IOException | RuntimeException e) {
      g.remove();
      throw new ServiceUnavailableException("cannot make the app's cgroup " + name + ": " + e.getMessage(), e);
    }
  }

  /** Kills and removes every run group of this manager, then its folders (at the JVM's exit). */
  void close() {
    for (Group g : List.copyOf(live)) {
      g.remove();
    }
    for (Path d : managerDirs.values()) {
      for (Path run : children(d)) {
        removeGroup(run);
      }
      removeGroup(d);
    }
  }

  /** Removes the folders (and kills the processes) of managers that are gone. */
  private void sweep() {
    for (Path mine : managerDirs.values()) {
      for (Path other : children(parentOf(mine))) {
        if (!other.equals(mine) && !alive(other.getFileName().toString())) {
          for (Path run : children(other)) {
            removeGroup(run);
          }
          if (removeGroup(other)) {
            LOG.info("removed the app cgroups of a manager that is gone: {}", other);
          }
        }
      }
    }
  }

  /** One run's group, in each hierarchy. */
  public final class Group {
    private final Version version;
    private final Map<String, Path> dirs;

    Group(Version version, Map<String, Path> dirs) {
      this.version = version;
      this.dirs = dirs;
    }

    /**
     * @return the {@code cgroup.procs} files the run's first process writes its pid to
     */
    public List<Path> procsFiles() {
      return dirs.values().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /**
     * @return controller (v2: {@code unified}) to the group's folder, to be shown to the app at {@code
     *     /sys/fs/cgroup/<controller>} (v2: {@code /sys/fs/cgroup})
     */
    public Map<String, Path> dirs() {
      return Map.copyOf(dirs);
    }

    /**
     * @return whether the kernel killed a process of the run at the memory limit (v2 {@code memory.events}'s {@code
     *     oom_kill}, v1 {@code memory.oom_control}'s {@code oom_kill}, else {@code under_oom} or a memory+swap failure
     *     count on kernels without it)
     */
    public boolean memoryLimitReached() {
      Path d = memoryDir();
      if (version == Version.V2) {
        return counter(d.resolve("memory.events"), "oom_kill") > 0;
      }
      long kills = counter(d.resolve("memory.oom_control"), "oom_kill");
      if (kills >= 0) {
        return kills > 0;
      }
      return counter(d.resolve("memory.oom_control"), "under_oom") > 0
          || readLong(d.resolve("memory.memsw.failcnt")) > 0;
    }

    /**
     * @return the most memory the run's processes held at once ({@code memory.peak}, v1 {@code
     *     memory.max_usage_in_bytes}), where the kernel reports it
     */
    public OptionalLong peakMemoryBytes() {
      long v = readLong(memoryDir().resolve(version == Version.V2 ? "memory.peak" : "memory.max_usage_in_bytes"));
      return v < 0 ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** Kills every process of the run (v2 {@code cgroup.kill}; else forks forbidden, then each pid, until none). */
    public void kill() {
      if (version == Version.V2 && Files.exists(memoryDir().resolve("cgroup.kill"))) {
        try {
          write(memoryDir().resolve("cgroup.kill"), 1);
        } catch (IOException e) {
          LOG.debug("cgroup.kill of {}: {}", memoryDir(), e.toString());
        }
      }
      Path pids = dirs.get(version == Version.V2 ? "unified" : "pids");
      if (pids != null) {
        try {
          write(pids.resolve("pids.max"), 0);
        } catch (IOException e) {
          LOG.debug("pids.max of {}: {}", pids, e.toString());
        }
      }
      killAll(memoryDir());
    }

    /** Kills the run's processes and removes its group; what cannot be removed is logged. */
    public void remove() {
      kill();
      for (Path d : dirs.values()) {
        removeGroup(d);
      }
      live.remove(this);
    }

    private Path memoryDir() {
      return java.util.Objects.requireNonNull(dirs.get(version == Version.V2 ? "unified" : "memory"), "memory group");
    }
  }

  // --- discovery ---

  private record Mount(Path point, String root, String type, Set<String> options) {}

  private static List<Mount> mounts() throws IOException {
    List<Mount> out = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      int dash = List.of(f).indexOf("-");
      if (dash < 0 || dash + 1 >= f.length) {
        continue;
      }
      String type = f[dash + 1];
      if (type.equals("cgroup") || type.equals("cgroup2")) {
        Set<String> opts = Set.of(dash + 3 < f.length ? f[dash + 3].split(",") : new String[0]);
        out.add(new Mount(Path.of(unescape(f[4])), unescape(f[3]), type, opts));
      }
    }
    return out;
  }

  /** Controller (v2: "unified") to this process's group path, from /proc/self/cgroup. */
  private static Map<String, String> ownGroups() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      String[] f = line.split(":", 3);
      if (f.length < 3) {
        continue;
      }
      if (f[0].equals("0") && f[1].isEmpty()) {
        out.put("unified", f[2]);
      } else {
        for (String c : f[1].split(",")) {
          out.put(c, f[2]);
        }
      }
    }
    return out;
  }

  /** The folder of this process's group in a hierarchy mounted at a mount whose root is that mount's. */
  private static @Nullable Path groupDir(Mount m, String group) {
    String root = m.root();
    if (!group.startsWith(root)) {
      return null;
    }
    String rel = group.substring(root.length()).replaceFirst("^/+", "");
    return rel.isEmpty() ? m.point() : m.point().resolve(rel);
  }

  private static @Nullable Map<String, Path> v2Dirs(List<Mount> mounts, Map<String, String> own, String self,
      List<String> why) {
    String group = own.get("unified");
    Mount m = mounts.stream().filter(x -> x.type().equals("cgroup2")).findFirst().orElse(null);
    if (group == null || m == null) {
      why.add("v2: no unified hierarchy");
      return null;
    }
    Path base = groupDir(m, group);
    if (base == null) {
      why.add("v2: this process's group is outside the mounted hierarchy");
      return null;
    }
    try {
      Set<String> available = Set.of(Files.readString(base.resolve("cgroup.controllers")).strip().split("\\s+"));
      if (!available.containsAll(List.of("memory", "pids", "cpu"))) {
        why.add("v2: memory, pids and cpu are not all available in " + base + " (" + available + ")");
        return null;
      }
      String enable = "+memory +pids +cpu";
      Files.writeString(base.resolve("cgroup.subtree_control"), enable);
      Path parent = base.resolve(PARENT);
      if (!Files.isDirectory(parent)) {
        Files.createDirectory(parent);
      }
      Files.writeString(parent.resolve("cgroup.subtree_control"), enable);
      Path mine = parent.resolve(self);
      if (!Files.isDirectory(mine)) {
        Files.createDirectory(mine);
      }
      Files.writeString(mine.resolve("cgroup.subtree_control"), enable);
      return Map.of("unified", mine);
    } catch (IOException | RuntimeException e) {
      why.add("v2: cannot delegate memory, pids and cpu under " + base + " (" + e + ")");
      return null;
    }
  }

  private static @Nullable Map<String, Path> v1Dirs(List<Mount> mounts, Map<String, String> own, String self,
      List<String> why) {
    Map<String, Path> out = new LinkedHashMap<>();
    for (String c : List.of("memory", "pids", "cpu", "cpuacct", "cpuset")) {
      Mount m = mounts.stream().filter(x -> x.type().equals("cgroup") && x.options().contains(c)).findFirst()
          .orElse(null);
      String group = own.get(c);
      Path base = m == null || group == null ? null : groupDir(m, group);
      if (base == null) {
        if (c.equals("memory")) {
          why.add("v1: no memory hierarchy mounted");
          return null;
        }
        continue;
      }
      // a hierarchy mounted with several controllers (cpu,cpuacct) is one folder: joined once
      if (out.containsValue(base.resolve(PARENT).resolve(self))) {
        continue;
      }
      try {
        Path parent = base.resolve(PARENT);
        if (!Files.isDirectory(parent)) {
          Files.createDirectory(parent);
          if (c.equals("cpuset")) {
            copyCpuset(base, parent);
          }
        }
        Path mine = parent.resolve(self);
        if (!Files.isDirectory(mine)) {
          Files.createDirectory(mine);
          if (c.equals("cpuset")) {
            copyCpuset(parent, mine);
          }
        }
        out.put(c, mine);
      } catch (IOException | RuntimeException e) {
        if (c.equals("memory")) {
          why.add("v1: cannot make a group under " + base + " (" + e + ")");
          out.values().forEach(AppCgroups::removeGroup);
          return null;
        }
        LOG.debug("no {} cgroup for apps: {}", c, e.toString());
      }
    }
    return out;
  }

  private static void copyCpuset(Path from, Path to) throws IOException {
    for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
      Files.writeString(to.resolve(f), Files.readString(from.resolve(f)).strip());
    }
  }

  // --- managers ---

  /** This JVM's folder name: m<pid>-<start time in clock ticks since boot>. */
  private static String managerName() {
    long pid = ProcessHandle.current().pid();
    return "m" + pid + "-" + startTicks(pid);
  }

  private static boolean alive(String managerName) {
    if (!managerName.matches("m\\d+-\\d+")) {
      return true; // not ours to remove
    }
    String[] parts = managerName.substring(1).split("-");
    long pid = Long.parseLong(parts[0]);
    return parts[1].equals(startTicks(pid));
  }

  /** Field 22 of /proc/<pid>/stat, or "gone". */
  private static String startTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return f[19];
    } catch (IOException | RuntimeException e) {
      return "gone";
    }
  }

  // --- files ---

  private static Path parentOf(Path managerDir) {
    return java.util.Objects.requireNonNull(managerDir.getParent(), "a manager folder has the delpha-ingest parent");
  }

  private static List<Path> children(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isDirectory)) {
      s.forEach(out::add);
    } catch (IOException e) {
      // gone
    }
    return out;
  }

  /** Kills every process of a group until none is left (bounded: 10 s), then removes it; true if removed. */
  private static boolean removeGroup(Path dir) {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    killAll(dir);
    for (Path child : children(dir)) {
      removeGroup(child);
    }
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        Files.deleteIfExists(dir);
        return true;
      } catch (IOException e) {
        if (attempt == 99) {
          LOG.warn("cannot remove the app cgroup {}: {}", dir, e.toString());
        }
        killAll(dir);
        nap(100);
      }
    }
    return false;
  }

  private static void killAll(Path dir) {
    Path procs = dir.resolve("cgroup.procs");
    for (int round = 0; round < 200; round++) {
      List<String> pids;
      try {
        pids = Files.readAllLines(procs).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
      } catch (NoSuchFileException e) {
        return;
      } catch (IOException e) {
        LOG.debug("cannot read {}: {}", procs, e.toString());
        return;
      }
      if (pids.isEmpty()) {
        return;
      }
      for (String p : pids) {
        ProcessHandle.of(Long.parseLong(p)).ifPresent(ProcessHandle::destroyForcibly);
      }
      nap(round < 10 ? 5 : 50);
    }
    LOG.warn("processes of the app cgroup {} still running after being killed", dir);
  }

  /** Sleeps even when interrupted (a kill at the manager's stop must finish), keeping the interrupt status. */
  private static void nap(long millis) {
    boolean interrupted = Thread.interrupted();
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void write(Path file, long value) throws IOException {
    write(file, String.valueOf(value));
  }

  private static void write(Path file, String value) throws IOException {
    Files.writeString(file, value, StandardCharsets.US_ASCII);
  }

  private static void writeIfPresent(Path file, String value) throws IOException {
    if (Files.exists(file)) {
      write(file, value);
    }
  }

  /** A "key value" line's value, -1 if the file or line is absent. */
  private static long counter(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.strip().split("\\s+");
        if (f.length == 2 && f[0].equals(key)) {
          return Long.parseLong(f[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // absent
    }
    return -1;
  }

  private static long readLong(Path file) {
    try {
      return Long.parseLong(Files.readString(file).strip());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String unescape(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }
}
