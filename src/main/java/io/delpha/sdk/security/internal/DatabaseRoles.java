package io.delpha.sdk.security.internal;

import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cassandra roles that double the key guard: each organisation key logs in as its own role ({@code
 * delpha_key_<id>}), a member of its organisation's role ({@code delpha_org_<organisation>}, no login),
 * which holds {@code SELECT} and {@code MODIFY} on the organisation's keyspaces and nothing else.
 *
 * <p>A key role's password is HMAC-SHA256 of a fixed label under the key's secret: recomputed from the
 * presented key at each {@code open}, never stored by the library (Cassandra keeps only its bcrypt hash
 * in {@code system_auth}). Role statements carry the password as a literal, since CQL takes no bind
 * marker there: they are never logged, and their failures never quote them.
 */
public final class DatabaseRoles {

  private static final byte[] LABEL = "delpha-cassandra-role-v1".getBytes(StandardCharsets.US_ASCII);

  private final CqlExecutor cass;

  /**
   * @param cass a connection allowed to create roles and grant permissions
   */
  public DatabaseRoles(CqlExecutor cass) {
    this.cass = cass;
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
   * @param secret a key's secret
   * @return the password of the key's role
   */
  public static Secret password(byte[] secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return Secret.of(HexFormat.of().formatHex(mac.doFinal(LABEL)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
    }
  }

  /**
   * Creates the key's login role as a member of its organisation's role.
   *
   * @param keyId the key
   * @param organisation its organisation
   * @param secret its secret
   */
  public void createKeyRole(String keyId, String organisation, byte[] secret) {
    ensureOrganisationRole(organisation);
    String role = quote(keyRole(keyId));
    run("CREATE ROLE IF NOT EXISTS " + role + " WITH PASSWORD = '" + password(secret).reveal() + "' AND LOGIN = true",
        "create the role of key " + keyId);
    run("GRANT " + quote(organisationRole(organisation)) + " TO " + role, "make key " + keyId + " a member of "
        + organisationRole(organisation));
  }

  /**
   * @param keyId a revoked key
   */
  public void dropKeyRole(String keyId) {
    run("DROP ROLE IF EXISTS " + quote(keyRole(keyId)), "drop the role of key " + keyId);
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
    String role = quote(organisationRole(organisation));
    run("GRANT SELECT ON KEYSPACE " + quote(keyspace) + " TO " + role, "grant SELECT on " + keyspace);
    run("GRANT MODIFY ON KEYSPACE " + quote(keyspace) + " TO " + role, "grant MODIFY on " + keyspace);
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
    String role = quote(organisationRole(organisation));
    run("REVOKE SELECT ON KEYSPACE " + quote(keyspace) + " FROM " + role, "revoke SELECT on " + keyspace);
    run("REVOKE MODIFY ON KEYSPACE " + quote(keyspace) + " FROM " + role, "revoke MODIFY on " + keyspace);
  }

  private void ensureOrganisationRole(String organisation) {
    run("CREATE ROLE IF NOT EXISTS " + quote(organisationRole(organisation)) + " WITH LOGIN = false",
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
      // the driver's message may quote the statement, and the statement may hold a password: keep neither
      throw new AccessDeniedException("Cassandra refused to " + what + " (" + e.getClass().getSimpleName()
          + "); the access-key connection needs CREATE, ALTER, DROP and AUTHORIZE on roles and AUTHORIZE on the "
          + "organisations' keyspaces");
    }
  }

  private static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
