package io.delpha.sdk.security.internal;

import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.nio.charset.StandardCharsets;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.mindrot.jbcrypt.BCrypt;

/**
 * Cassandra roles that double the key guard: each organisation key runs as its own role ({@code
 * delpha_<store>_key_<id>}), a member of its organisation's role ({@code delpha_<store>_org_<organisation>}, no
 * login), which holds {@code SELECT} and {@code MODIFY} on the organisation's keyspaces and nothing else
 * ({@link GrantReconciler} keeps those grants equal to the registry).
 *
 * <p>{@code <store>} is {@link #storeId(String)} of the key store's keyspace, so two key stores on one cluster never
 * share a role, and {@link #dropStoreRoles()} finds every role one store made.
 *
 * <p>A key role's password is HMAC-SHA256, under a key that only the host holds (the role-password key),
 * of a fixed label and the key's id. It is never derived from the access key's secret, so a key's holder
 * cannot compute it and cannot log in to Cassandra past the library. The password never reaches the
 * cluster either: roles are created and altered {@code WITH HASHED PASSWORD}, a bcrypt hash made here (the
 * form Cassandra stores), so nothing in a statement's text, a trace or a server warning lets anyone log in.
 * Only the login itself (the driver's SASL exchange, on TLS outside loopback) carries the password.
 */
public final class DatabaseRoles {

  private static final byte[] LABEL = "delpha-cassandra-role-v2".getBytes(StandardCharsets.US_ASCII);
  /** Cassandra's own default cost for the passwords it hashes (cassandra.auth_bcrypt_gensalt_log2_rounds). */
  private static final int BCRYPT_COST = 10;
  private static final Pattern CIDR_GROUP = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** The permissions an organisation's role holds on each keyspace it owns, and no other. */
  public static final Set<String> KEYSPACE_PERMISSIONS = Set.of("SELECT", "MODIFY");

  private final CqlExecutor cass;
  private final String prefix;
  private final byte[] passwordKey;
  private final Set<String> cidrGroups;
  private final SecureRandom random = new SecureRandom();
  /** Organisation roles this instance made sure exist (forgotten when the store's roles are dropped). */
  private final Set<String> ensured = ConcurrentHashMap.newKeySet();

  /**
   * @param cass a connection allowed to create roles and grant permissions
   * @param storeKeyspace the key store's keyspace, whose {@link #storeId(String)} prefixes every role name
   * @param passwordKey the host's role-password key (at least 16 bytes of its text)
   * @param cidrGroups CIDR groups the key roles may log in from (Cassandra 5.0 {@code ACCESS FROM CIDRS});
   *     empty for no restriction
   */
  public DatabaseRoles(CqlExecutor cass, String storeKeyspace, Secret passwordKey, Set<String> cidrGroups) {
    this.cass = cass;
    this.prefix = prefix(storeKeyspace);
    byte[] key = passwordKey.reveal().getBytes(StandardCharsets.UTF_8);
    if (key.length < 16) {
      throw new InvalidInputException("the role-password key must be at least 16 characters (32 random bytes, "
          + "base64-encoded, recommended)");
    }
    this.passwordKey = key;
    for (String g : cidrGroups) {
      if (!CIDR_GROUP.matcher(g).matches()) {
        throw new InvalidInputException("a CIDR group name is 1 to 64 letters, digits, '_' or '-'; got " + g);
      }
    }
    this.cidrGroups = Set.copyOf(cidrGroups);
  }

  /**
   * @return a fresh random role-password key, for a host that gives none (valid for this process only)
   */
  public static Secret randomPasswordKey() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Secret.of(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b));
  }

  /**
   * The key store's identity in role names: the first 12 hex digits of SHA-256 over a label and the store's
   * keyspace name. Stable (the same keyspace gives the same id in every process and version), CQL-safe (lower-case
   * hex) and of fixed length, so role names stay short whatever the keyspace's name.
   *
   * @param storeKeyspace the key store's keyspace (lower case, as {@code AccessKeys} keeps it)
   * @return its id
   */
  public static String storeId(String storeKeyspace) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(("delpha-key-store\0" + storeKeyspace)
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every Java 17 runtime", e);
    }
  }

  private static String prefix(String storeKeyspace) {
    return "delpha_" + storeId(storeKeyspace) + "_";
  }

  /**
   * @param storeKeyspace the key store's keyspace
   * @param keyId a key id
   * @return the role the key logs in as
   */
  public static String keyRole(String storeKeyspace, String keyId) {
    return prefix(storeKeyspace) + "key_" + keyId;
  }

  /**
   * @param storeKeyspace the key store's keyspace
   * @param organisation an organisation (validated: letters, digits, '_', '.', '-')
   * @return the role holding the organisation's permissions
   */
  public static String organisationRole(String storeKeyspace, String organisation) {
    return prefix(storeKeyspace) + "org_" + organisation;
  }

  /**
   * @param keyId a key id
   * @return the role the key logs in as, in this store
   */
  public String keyRole(String keyId) {
    return prefix + "key_" + keyId;
  }

  /**
   * @param organisation an organisation
   * @return the role holding the organisation's permissions, in this store
   */
  public String organisationRole(String organisation) {
    return prefix + "org_" + organisation;
  }

  /**
   * @param keyId a key id
   * @return the password of the key's role under this host's role-password key
   */
  public Secret password(String keyId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(passwordKey, "HmacSHA256"));
      mac.update(LABEL);
      mac.update((byte) 0);
      return Secret.of(HexFormat.of().formatHex(mac.doFinal(keyId.getBytes(StandardCharsets.US_ASCII))));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
    }
  }

  /**
   * Creates the key's login role as a member of its organisation's role; a role that exists is left as it is (its
   * membership made if missing).
   *
   * @param keyId the key
   * @param organisation its organisation
   */
  public void createKeyRole(String keyId, String organisation) {
    ensureOrganisationRole(organisation);
    String role = CqlNames.quote(keyRole(keyId));
    run("CREATE ROLE IF NOT EXISTS " + role + " WITH HASHED PASSWORD = '" + hashed(keyId) + "' AND LOGIN = true"
        + access(), "create the role of key " + keyId);
    try {
      cass.execute("GRANT " + CqlNames.quote(organisationRole(organisation)) + " TO " + role);
    } catch (InvalidInputException alreadyMember) {
      // "<key role> is a member of <organisation role>": made before (a re-run after a refused login)
    } catch (ServiceUnavailableException e) {
      throw new ServiceUnavailableException("Cassandra did not complete the request to make key " + keyId
          + " a member of " + organisationRole(organisation));
    } catch (DelphaException e) {
      throw refused("make key " + keyId + " a member of " + organisationRole(organisation), e);
    }
  }

  /**
   * Sets the key role's password (and network restriction) to what this host's role-password key gives: after
   * a rotation of that key, or for a role made by an older version of the library.
   *
   * @param keyId the key
   */
  public void resetPassword(String keyId) {
    run("ALTER ROLE " + CqlNames.quote(keyRole(keyId)) + " WITH HASHED PASSWORD = '" + hashed(keyId) + "'" + access(),
        "reset the password of the role of key " + keyId);
  }

  /**
   * @param keyId a revoked or expired key
   */
  public void dropKeyRole(String keyId) {
    run("DROP ROLE IF EXISTS " + CqlNames.quote(keyRole(keyId)), "drop the role of key " + keyId);
  }

  /**
   * The permissions the organisation's role holds itself (not through other roles), as Cassandra lists them.
   *
   * @param organisation the organisation
   * @return each resource ({@code <keyspace ks>}, {@code <table ks.t>}, ...) with its permissions
   */
  public Map<String, Set<String>> permissionsOf(String organisation) {
    ensureOrganisationRole(organisation);
    Map<String, Set<String>> held = new TreeMap<>();
    for (Row r : query("LIST ALL PERMISSIONS OF " + CqlNames.quote(organisationRole(organisation)) + " NORECURSIVE",
        "list the permissions of " + organisationRole(organisation))) {
      held.computeIfAbsent(String.valueOf(r.getString("resource")), k -> new TreeSet<>())
          .add(String.valueOf(r.getString("permission")));
    }
    return held;
  }

  /**
   * @param keyspace a keyspace name
   * @return the resource as {@link #permissionsOf} names it
   */
  public static String keyspaceResource(String keyspace) {
    return "<keyspace " + keyspace + ">";
  }

  /**
   * @param resource a resource as {@link #permissionsOf} names it
   * @return the keyspace it lies in ({@code <keyspace ks>}, {@code <table ks.t>}), or {@code null} for others
   */
  public static @Nullable String keyspaceOf(String resource) {
    Matcher m = RESOURCE.matcher(resource);
    return m.matches() ? m.group(2) : null;
  }

  private static final Pattern RESOURCE = Pattern.compile("<(keyspace|table) ([a-z0-9_]+)(\\.[^>]+)?>");

  /**
   * Grants the organisation's role one permission on a keyspace.
   *
   * @param organisation the organisation
   * @param permission {@code SELECT} or {@code MODIFY}
   * @param keyspace an existing keyspace
   * @return false when the keyspace no longer exists (dropped meanwhile), true when granted
   */
  public boolean grant(String organisation, String permission, String keyspace) {
    try {
      cass.execute("GRANT " + permission + " ON KEYSPACE " + CqlNames.quote(keyspace) + " TO "
          + CqlNames.quote(organisationRole(organisation)));
      return true;
    } catch (io.delpha.sdk.core.NotFoundException | InvalidInputException gone) {
      return false; // "Resource <keyspace x> doesn't exist": nothing to grant on
    } catch (ServiceUnavailableException e) {
      throw new ServiceUnavailableException("Cassandra did not complete the request to grant " + permission + " on "
          + keyspace);
    } catch (DelphaException e) {
      throw refused("grant " + permission + " on " + keyspace, e);
    }
  }

  /**
   * Revokes one permission the organisation's role holds on a resource.
   *
   * @param organisation the organisation
   * @param permission the permission, as {@link #permissionsOf} lists it
   * @param resource the resource, as {@link #permissionsOf} names it
   * @return false for a resource this class cannot name in CQL (logged), true when revoked or already gone
   */
  public boolean revoke(String organisation, String permission, String resource) {
    String on = cqlResource(resource);
    if (on == null) {
      return false;
    }
    try {
      cass.execute("REVOKE " + permission + " ON " + on + " FROM " + CqlNames.quote(organisationRole(organisation)));
    } catch (io.delpha.sdk.core.NotFoundException | InvalidInputException gone) {
      // the resource was dropped meanwhile, taking its permissions with it
    } catch (ServiceUnavailableException e) {
      throw new ServiceUnavailableException("Cassandra did not complete the request to revoke " + permission + " on "
          + resource);
    } catch (DelphaException e) {
      throw refused("revoke " + permission + " on " + resource, e);
    }
    return true;
  }

  private static @Nullable String cqlResource(String resource) {
    if ("<all keyspaces>".equals(resource)) {
      return "ALL KEYSPACES";
    }
    Matcher m = RESOURCE.matcher(resource);
    if (!m.matches()) {
      return null;
    }
    if (m.group(1).equals("keyspace")) {
      return "KEYSPACE " + CqlNames.quote(m.group(2));
    }
    return "TABLE " + CqlNames.quote(m.group(2)) + "." + CqlNames.quote(m.group(3).substring(1));
  }

  /**
   * @param keyspaces keyspace names
   * @return those that exist now
   */
  public Set<String> existing(Set<String> keyspaces) {
    Set<String> out = new TreeSet<>();
    if (keyspaces.isEmpty()) {
      return out;
    }
    for (Row r : cass.execute("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name IN ?",
        List.copyOf(keyspaces))) {
      out.add(String.valueOf(r.getString("keyspace_name")));
    }
    return out;
  }

  /**
   * @return every organisation whose role this store made, as Cassandra lists the roles
   */
  public Set<String> organisations() {
    Set<String> out = new TreeSet<>();
    String org = prefix + "org_";
    for (String role : storeRoles()) {
      if (role.startsWith(org)) {
        out.add(role.substring(org.length()));
      }
    }
    return out;
  }

  /**
   * Drops every role this store made (key roles first, then organisation roles); Cassandra drops their
   * permissions and memberships with them.
   *
   * @return how many roles were dropped
   */
  public int dropStoreRoles() {
    List<String> all = new ArrayList<>(storeRoles());
    all.sort((a, b) -> Boolean.compare(a.startsWith(prefix + "org_"), b.startsWith(prefix + "org_")));
    for (String role : all) {
      run("DROP ROLE IF EXISTS " + CqlNames.quote(role), "drop the role " + role);
    }
    ensured.clear();
    return all.size();
  }

  private List<String> storeRoles() {
    List<String> out = new ArrayList<>();
    for (Row r : query("LIST ROLES", "list the roles")) {
      String role = r.getString("role");
      if (role != null && role.startsWith(prefix)) {
        out.add(role);
      }
    }
    return out;
  }

  private String hashed(String keyId) {
    return BCrypt.hashpw(password(keyId).reveal(), BCrypt.gensalt(BCRYPT_COST, random));
  }

  /** {@code ACCESS FROM CIDRS {...}} when the host restricted the roles to its own networks. */
  private String access() {
    if (cidrGroups.isEmpty()) {
      return "";
    }
    List<String> quoted = new TreeSet<>(cidrGroups).stream().map(g -> "'" + g + "'").toList();
    return " AND ACCESS FROM CIDRS {" + String.join(", ", quoted) + "}";
  }

  /**
   * Creates the organisation's role unless this instance already made sure it exists.
   *
   * @param organisation the organisation
   */
  public void ensureOrganisationRole(String organisation) {
    String role = organisationRole(organisation);
    if (!ensured.contains(role)) {
      run("CREATE ROLE IF NOT EXISTS " + CqlNames.quote(role) + " WITH LOGIN = false",
          "create the role of organisation " + organisation);
      ensured.add(role);
    }
  }

  private ResultSet query(String cql, String what) {
    try {
      return cass.execute(cql);
    } catch (ServiceUnavailableException e) {
      throw new ServiceUnavailableException("Cassandra did not complete the request to " + what);
    } catch (DelphaException e) {
      throw refused(what, e);
    }
  }

  private void run(String cql, String what) {
    query(cql, what);
  }

  private AccessDeniedException refused(String what, DelphaException e) {
    // the driver's message quotes the statement; it holds no password, but keep the refusal short and generic
    return new AccessDeniedException("Cassandra refused to " + what + " (" + e.getClass().getSimpleName()
        + "); the access-key connection needs CREATE, ALTER, DROP, DESCRIBE and AUTHORIZE on roles and AUTHORIZE on "
        + "the organisations' keyspaces" + (cidrGroups.isEmpty() ? "" : ", and the cluster a CIDR authorizer"));
  }
}
