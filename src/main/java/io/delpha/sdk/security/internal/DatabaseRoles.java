package io.delpha.sdk.security.internal;

import io.delpha.sdk.cassandra.internal.CqlNames;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.mindrot.jbcrypt.BCrypt;

/**
 * Cassandra roles that double the key guard: each organisation key runs as its own role ({@code
 * delpha_key_<id>}), a member of its organisation's role ({@code delpha_org_<organisation>}, no login),
 * which holds {@code SELECT} and {@code MODIFY} on the organisation's keyspaces and nothing else.
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

  private final CqlExecutor cass;
  private final byte[] passwordKey;
  private final Set<String> cidrGroups;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param cass a connection allowed to create roles and grant permissions
   * @param passwordKey the host's role-password key (at least 16 bytes of its text)
   * @param cidrGroups CIDR groups the key roles may log in from (Cassandra 5.0 {@code ACCESS FROM CIDRS});
   *     empty for no restriction
   */
  public DatabaseRoles(CqlExecutor cass, Secret passwordKey, Set<String> cidrGroups) {
    this.cass = cass;
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
   * @param keyId a key id
   * @return the role the key logs in as
   */
  public static String keyRole(String keyId) {
    return "delpha_key_" + keyId;
  }

  /**
   * @param organisation an organisation (validated: letters, digits, '_', '.', '-')
   * @return the role holding the organisation's permissions
   */
  public static String organisationRole(String organisation) {
    return "delpha_org_" + organisation;
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
   * Creates the key's login role as a member of its organisation's role.
   *
   * @param keyId the key
   * @param organisation its organisation
   */
  public void createKeyRole(String keyId, String organisation) {
    ensureOrganisationRole(organisation);
    String role = CqlNames.quote(keyRole(keyId));
    run("CREATE ROLE IF NOT EXISTS " + role + " WITH HASHED PASSWORD = '" + hashed(keyId) + "' AND LOGIN = true"
        + access(), "create the role of key " + keyId);
    run("GRANT " + CqlNames.quote(organisationRole(organisation)) + " TO " + role, "make key " + keyId + " a member of "
        + organisationRole(organisation));
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
   * Grants the organisation's role reading and writing a keyspace; a keyspace that does not exist yet is
   * granted at a later {@code open} (see {@link #grantAll}).
   *
   * @param organisation the organisation
   * @param keyspace the keyspace
   */
  public void grant(String organisation, String keyspace) {
    ensureOrganisationRole(organisation);
    if (!exists(keyspace)) {
      return; // granted when the keyspace exists, at the next open()
    }
    String role = CqlNames.quote(organisationRole(organisation));
    run("GRANT SELECT ON KEYSPACE " + CqlNames.quote(keyspace) + " TO " + role, "grant SELECT on " + keyspace);
    run("GRANT MODIFY ON KEYSPACE " + CqlNames.quote(keyspace) + " TO " + role, "grant MODIFY on " + keyspace);
  }

  /**
   * @param organisation the organisation
   * @param keyspaces every keyspace it owns (re-granted: a keyspace dropped and created again lost them)
   */
  public void grantAll(String organisation, Iterable<String> keyspaces) {
    for (String ks : keyspaces) {
      grant(organisation, ks);
    }
  }

  /**
   * @param organisation the organisation
   * @param keyspace a keyspace taken from it
   */
  public void revoke(String organisation, String keyspace) {
    if (!exists(keyspace)) {
      return; // a dropped keyspace took its permissions with it
    }
    String role = CqlNames.quote(organisationRole(organisation));
    run("REVOKE SELECT ON KEYSPACE " + CqlNames.quote(keyspace) + " FROM " + role, "revoke SELECT on " + keyspace);
    run("REVOKE MODIFY ON KEYSPACE " + CqlNames.quote(keyspace) + " FROM " + role, "revoke MODIFY on " + keyspace);
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

  private void ensureOrganisationRole(String organisation) {
    run("CREATE ROLE IF NOT EXISTS " + CqlNames.quote(organisationRole(organisation)) + " WITH LOGIN = false",
        "create the role of organisation " + organisation);
  }

  private boolean exists(String keyspace) {
    return cass.execute("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?", keyspace)
        .one() != null;
  }

  private void run(String cql, String what) {
    try {
      cass.execute(cql);
    } catch (ServiceUnavailableException e) {
      throw new ServiceUnavailableException("Cassandra did not complete the request to " + what);
    } catch (DelphaException e) {
      // the driver's message quotes the statement; it holds no password, but keep the refusal short and generic
      throw new AccessDeniedException("Cassandra refused to " + what + " (" + e.getClass().getSimpleName()
          + "); the access-key connection needs CREATE, ALTER, DROP and AUTHORIZE on roles and AUTHORIZE on the "
          + "organisations' keyspaces" + (cidrGroups.isEmpty() ? "" : ", and the cluster a CIDR authorizer"));
    }
  }
}
