package io.delpha.sdk.ingest;

/**
 * What the sandbox of customers' program apps gives on this machine (docs/ingest-apps.md, "Sandbox").
 */
public enum AppIsolation {
  /**
   * Linux namespaces through util-linux ({@code unshare}, {@code setpriv}, {@code prlimit}): no network, its own
   * process tree, a file system of {@code /usr}, {@code /etc} and the JDK read-only plus its own folder, run as
   * {@code nobody} (or, for a manager that is not root, as the manager's user inside a user namespace), on top of
   * every limit of {@link #LIMITS_ONLY}.
   */
  NAMESPACES,
  /**
   * Any POSIX system: an empty environment, its own working folder, a wall-clock limit, output limits, and memory,
   * file-size and open-file limits set by {@code sh}'s {@code ulimit}; the app can still read what the manager's
   * user can read and reach the network. A manager runs apps so only if the host allows it ({@link
   * BatchIngestorBuilder#allowUnisolatedApps}).
   */
  LIMITS_ONLY
}
