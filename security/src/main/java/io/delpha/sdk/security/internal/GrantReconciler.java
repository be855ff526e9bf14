package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the grants of an organisation's Cassandra role equal to what the registry gives it: {@code SELECT} and
 * {@code MODIFY} on every existing keyspace whose owner row ({@code keyspace_owners}, read at {@code LOCAL_SERIAL})
 * names the organisation, and nothing else. What Cassandra lists ({@code LIST ALL PERMISSIONS OF <role>
 * NORECURSIVE}) and is not desired is revoked; what is desired and missing is granted.
 *
 * <p>Ordering: one reconciliation of an organisation at a time in this process (a lock per organisation, which
 * {@code AccessKeys} also holds around its registry changes), and each pass reads the registry after every change
 * the previous pass made. A pass that finds nothing to change ends it, so when {@link #reconcile} returns,
 * Cassandra's grants matched a registry read made after this call's last grant: a grant made from a read that an
 * unassignment in another process overtook is revoked by the same call before it returns. After {@value
 * #MAX_PASSES} passes that each changed something (the registry changing all along), one last pass only revokes,
 * so it can never leave a stale grant; a grant it leaves out is made by the next call or the sweep.
 */
public final class GrantReconciler {

  private static final Logger LOG = LoggerFactory.getLogger(GrantReconciler.class);
  static final int MAX_PASSES = 6;
  private static final int STRIPES = 64;

  private final CqlExecutor registry;
  private final String registryKeyspace;
  private final DatabaseRoles roles;
  private final Predicate<String> grantable;
  private final Object[] locks = new Object[STRIPES];
  /** Per organisation: the keyspaces its role was granted by this process's last reconciliation. */
  private final Map<String, Set<String>> granted = new ConcurrentHashMap<>();

  /**
   * @param registry the key store's connection (quorum reads; serial reads are asked per statement)
   * @param registryKeyspace the key store's keyspace
   * @param roles the store's roles
   * @param grantable whether a keyspace may be granted to any organisation at all (not a system, reserved or
   *     security keyspace)
   */
  public GrantReconciler(CqlExecutor registry, String registryKeyspace, DatabaseRoles roles,
      Predicate<String> grantable) {
    this.registry = registry;
    this.registryKeyspace = CqlNames.quote(registryKeyspace);
    this.roles = roles;
    this.grantable = grantable;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * @param organisation an organisation
   * @return the lock its reconciliation and its registry changes are made under (re-entrant: a monitor)
   */
  public Object lockOf(String organisation) {
    return locks[Math.floorMod(organisation.hashCode(), STRIPES)];
  }

  /**
   * @param organisation an organisation
   * @param owned the keyspaces it owns by a registry read of the caller
   * @return whether this process's last reconciliation of it granted exactly these keyspaces (then a session may
   *     skip reconciling: nothing this process knows of changed since)
   */
  public boolean upToDate(String organisation, Set<String> owned) {
    Set<String> g = granted.get(organisation);
    return g != null && g.equals(owned);
  }

  /** Forgets what was granted (the store's roles were dropped). */
  public void forget() {
    granted.clear();
  }

  /**
   * Makes the organisation's role hold exactly the grants the registry gives it.
   *
   * @param organisation the organisation
   * @return the keyspaces its role holds grants on afterwards
   * @throws ServiceUnavailableException when Cassandra cannot be reached
   * @throws io.delpha.sdk.core.AccessDeniedException when the key store's connection may not manage roles
   */
  public Set<String> reconcile(String organisation) {
    synchronized (lockOf(organisation)) {
      for (int pass = 0; pass < MAX_PASSES; pass++) {
        Pass p = pass(organisation);
        if (p.revokes.isEmpty() && p.grants.isEmpty()) {
          granted.put(organisation, p.desired);
          return p.desired;
        }
        p.revokes.forEach((resource, perms) -> perms.forEach(perm -> roles.revoke(organisation, perm, resource)));
        p.grants.forEach(ks -> DatabaseRoles.KEYSPACE_PERMISSIONS.forEach(perm -> roles.grant(organisation, perm, ks)));
      }
      // the registry kept changing under every pass: revoke what it no longer gives, grant nothing
      Pass last = pass(organisation);
      last.revokes.forEach((resource, perms) -> perms.forEach(perm -> roles.revoke(organisation, perm, resource)));
      granted.remove(organisation);
      LOG.warn("the grants of organisation {} did not settle in {} passes; extra grants revoked, missing ones are "
          + "made at the next change or sweep", organisation, MAX_PASSES);
      Set<String> held = new TreeSet<>(last.desired);
      held.removeAll(last.grants);
      return held;
    }
  }

  /** One comparison: what to revoke (resource to permissions) and which keyspaces to grant. */
  private record Pass(Set<String> desired, Map<String, Set<String>> revokes, Set<String> grants) {}

  private Pass pass(String organisation) {
    Map<String, Set<String>> held = roles.permissionsOf(organisation);
    Set<String> candidates = new TreeSet<>(listed(organisation));
    for (String resource : held.keySet()) {
      String ks = DatabaseRoles.keyspaceOf(resource);
      if (ks != null) {
        candidates.add(ks);
      }
    }
    Set<String> owned = new TreeSet<>();
    owners(candidates).forEach((ks, owner) -> {
      if (organisation.equals(owner) && grantable.test(ks)) {
        owned.add(ks);
      }
    });
    Set<String> desired = roles.existing(owned);
    Map<String, Set<String>> revokes = new TreeMap<>();
    held.forEach((resource, perms) -> {
      String ks = DatabaseRoles.keyspaceOf(resource);
      boolean keyspaceGrant = ks != null && resource.equals(DatabaseRoles.keyspaceResource(ks)) && desired.contains(ks);
      for (String perm : perms) {
        if (!keyspaceGrant || !DatabaseRoles.KEYSPACE_PERMISSIONS.contains(perm)) {
          revokes.computeIfAbsent(resource, k -> new TreeSet<>()).add(perm);
        }
      }
    });
    Set<String> grants = new TreeSet<>();
    for (String ks : desired) {
      Set<String> perms = held.getOrDefault(DatabaseRoles.keyspaceResource(ks), Set.of());
      if (!perms.containsAll(DatabaseRoles.KEYSPACE_PERMISSIONS)) {
        grants.add(ks);
      }
    }
    return new Pass(desired, revokes, grants);
  }

  /** The organisation's index entries ({@code org_keyspaces}): where its keyspaces are looked for. */
  private Set<String> listed(String organisation) {
    Set<String> out = new TreeSet<>();
    for (Row r : registry.execute("SELECT keyspace_name FROM " + registryKeyspace
        + ".org_keyspaces WHERE organisation = ?", organisation)) {
      out.add(String.valueOf(r.getString("keyspace_name")));
    }
    return out;
  }

  /** Each keyspace's owner, read linearizably ({@code LOCAL_SERIAL}, one partition per read, in parallel). */
  private Map<String, @Nullable String> owners(Set<String> keyspaces) {
    Map<String, CompletableFuture<AsyncResultSet>> reads = new HashMap<>();
    for (String ks : keyspaces) {
      reads.put(ks, registry.executeAsync(SimpleStatement.newInstance("SELECT organisation FROM " + registryKeyspace
          + ".keyspace_owners WHERE keyspace_name = ?", ks).setConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL))
          .toCompletableFuture());
    }
    Map<String, @Nullable String> out = new HashMap<>();
    for (Map.Entry<String, CompletableFuture<AsyncResultSet>> e : reads.entrySet()) {
      Row row = await(e.getValue()).one();
      out.put(e.getKey(), row == null ? null : row.getString("organisation"));
    }
    return out;
  }

  private static AsyncResultSet await(CompletableFuture<AsyncResultSet> f) {
    try {
      return Objects.requireNonNull(f.get(), "result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("interrupted while reading the keyspace owners");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DelphaException d) {
        throw d;
      }
      throw new ServiceUnavailableException("Cassandra did not complete reading the keyspace owners", e.getCause());
    }
  }
}
