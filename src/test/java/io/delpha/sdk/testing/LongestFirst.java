package io.delpha.sdk.testing;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.ClassDescriptor;

/**
 * Orders the main suite's test classes longest first, so that the classes that take minutes start while the others
 * fill the remaining threads, and the suite does not end with one long class running alone (a scheduler's
 * "longest processing time first"). The list holds the classes that took 50 s or more in the last clean-clone run
 * (docs/testing.md), longest first; every other class follows in name order. The order changes when classes start,
 * never what they check: each class uses its own keyspaces, buckets and schemas.
 */
public final class LongestFirst implements ClassOrderer {

  /** Measured on a clean clone, 2 cores, three classes at a time (2026-11-24): 176 s down to 50 s. */
  static final List<String> LONGEST = List.of(
      "io.delpha.sdk.security.RolesGrantsTest",
      "io.delpha.sdk.sharing.UsagePageTest",
      "io.delpha.sdk.security.RolesWallTest",
      "io.delpha.sdk.capabilities.CapabilitiesTest",
      "io.delpha.sdk.cassandra.CassandraSecurityTest",
      "io.delpha.sdk.cassandra.CassandraManagerTest",
      "io.delpha.sdk.ingest.ProgramAppTest",
      "io.delpha.sdk.security.CassandraRolesTest",
      "io.delpha.sdk.security.TenantWallRolesTest",
      "io.delpha.sdk.security.TenantBoundsTest",
      "io.delpha.sdk.security.CrossTenantTest",
      "io.delpha.sdk.security.TenantWallStatefulTest",
      "io.delpha.sdk.ingest.CassandraOutageTest",
      "io.delpha.sdk.security.AccessKeysOutageTest");

  @Override
  public void orderClasses(ClassOrdererContext context) {
    context.getClassDescriptors().sort(Comparator.comparingInt(LongestFirst::rank)
        .thenComparing(d -> d.getTestClass().getName()));
  }

  private static int rank(ClassDescriptor d) {
    int i = LONGEST.indexOf(d.getTestClass().getName());
    return i < 0 ? LONGEST.size() : i;
  }
}
