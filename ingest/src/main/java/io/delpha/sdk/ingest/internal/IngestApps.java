package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.ingest.internal.sandbox.ProgramApp;
import io.delpha.sdk.ingest.internal.sandbox.Sandbox;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.ingest.AppIsolation;
import io.delpha.sdk.ingest.AppLimits;
import io.delpha.sdk.ingest.IngestApp;
import io.delpha.sdk.ingest.RegisteredApp;
import io.delpha.sdk.ingest.internal.Registry.Customer;
import java.util.Map;

/**
 * Which app reads a customer's files: one of the manager's built-in apps, or the newest ready version of the
 * customer's program, run in the sandbox. Thread-safe.
 */
public final class IngestApps {

  private final Map<String, IngestApp> apps;
  private final Registry registry;
  private final ObjectStore staging;
  private final AppLimits appLimits;
  private final boolean allowUnisolatedApps;

  /**
   * @param apps the manager's built-in apps, by name
   * @param registry where customers' program versions are recorded
   * @param staging where their files are
   * @param appLimits the bounds of each run of a program
   * @param allowUnisolatedApps whether programs may run where they cannot be isolated
   */
  public IngestApps(Map<String, IngestApp> apps, Registry registry, ObjectStore staging, AppLimits appLimits,
      boolean allowUnisolatedApps) {
    this.apps = Map.copyOf(apps);
    this.registry = registry;
    this.staging = staging;
    this.appLimits = appLimits;
    this.allowUnisolatedApps = allowUnisolatedApps;
  }

  /**
   * The customer's app: one of this manager's, or the newest ready version of its program.
   *
   * @param c the customer
   * @return the app for its next file
   * @throws ServiceUnavailableException if the customer has no such app, or its program cannot run isolated here and
   *     unisolated runs are not allowed
   */
  public IngestApp appFor(Customer c) {
    IngestApp app = apps.get(c.app());
    if (app != null) {
      return app;
    }
    RegisteredApp program = registry.latestApp(c.id(), c.app()).orElseThrow(() -> new ServiceUnavailableException(
        "this manager has no ingest app named '" + c.app() + "' and customer " + c.id() + " has no program of that name"));
    Sandbox sandbox = Sandbox.detect();
    if (sandbox.isolation() != AppIsolation.NAMESPACES && !allowUnisolatedApps) {
      throw new ServiceUnavailableException("this manager cannot isolate ingest apps on this machine (Linux "
          + "namespaces through util-linux unavailable); it runs them with limits only if its builder allows it "
          + "(allowUnisolatedApps), see docs/ingest-apps.md");
    }
    return new ProgramApp(program, staging, StagingKeys.appFiles(program), sandbox, appLimits);
  }
}
