package io.delpha.sdk.testing;

/**
 * Main class of the Cassandra child JVM: halts the child when the parent test JVM dies (even by
 * {@code kill -9}), so no orphan server outlives a test run, then hands over to {@code CassandraDaemon}.
 * Uses the JDK only: it runs on Cassandra's class path, not ours.
 */
public final class CassandraLauncher {

  private CassandraLauncher() {}

  /**
   * @param args passed to {@code CassandraDaemon}
   * @throws Exception if the daemon cannot be started
   */
  public static void main(String[] args) throws Exception {
    String parent = System.getProperty("delpha.parent.pid");
    if (parent != null) {
      ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
          h -> h.onExit().thenRun(() -> Runtime.getRuntime().halt(0)),
          () -> Runtime.getRuntime().halt(0));
    }
    Class.forName("org.apache.cassandra.service.CassandraDaemon")
        .getMethod("main", String[].class)
        .invoke(null, (Object) args);
  }
}
