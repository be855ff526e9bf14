package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.cassandra.QuorumExecutor;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.security.KeyInfo;
import io.delpha.sdk.security.KeyRole;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The key table ({@code access_keys}): one row per key ever issued, with its id, organisation, role, a SHA-256 hash
 * of its secret (never the secret) and its created, expires and revoked times. Rows are inserted once and only ever
 * marked revoked.
 */
public final class KeyTable {

  private final CqlExecutor cass;
  private final String keyspaceCql;

  /**
   * @param cass the key store's connection (quorum reads and writes)
   * @param keyspace the key store's keyspace
   */
  public KeyTable(CqlExecutor cass, String keyspace) {
    this.cass = cass;
    this.keyspaceCql = CqlNames.quote(keyspace);
  }

  /**
   * @param keyspace the key store's keyspace
   * @return the statement creating the table if missing
   */
  public static String createTable(String keyspace) {
    return "CREATE TABLE IF NOT EXISTS " + CqlNames.quote(keyspace) + ".access_keys (key_id text PRIMARY KEY, "
        + "organisation text, role text, secret_hash blob, hash_scheme text, created_at timestamp, "
        + "expires_at timestamp, revoked_at timestamp) WITH " + QuorumExecutor.TABLE_OPTIONS;
  }

  /**
   * Stores a new key's row: its secret's hash, never the secret.
   *
   * @param k the new key
   * @param org its organisation
   * @param role its role
   * @param now its creation time
   * @param expiresAt when it stops working, or {@code null} for never
   */
  public void insert(KeyCodec.NewKey k, String org, KeyRole role, Instant now, @Nullable Instant expiresAt) {
    cass.execute("INSERT INTO " + keyspaceCql + ".access_keys (key_id, organisation, role, secret_hash, hash_scheme, "
        + "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", k.id(), org, role.name(),
        ByteBuffer.wrap(KeyCodec.hash(k.id(), k.secret())), KeyCodec.HASH_SCHEME, now, expiresAt);
  }

  /**
   * @param keyId a key id
   * @param now the revocation time
   */
  public void markRevoked(String keyId, Instant now) {
    cass.execute("UPDATE " + keyspaceCql + ".access_keys SET revoked_at = ? WHERE key_id = ?", now, keyId);
  }

  /**
   * @param id a key id
   * @return what checking a presented key needs ({@code organisation, role, secret_hash, expires_at,
   *     revoked_at}), or {@code null} for an unknown id
   */
  public @Nullable Row credentials(String id) {
    return cass.execute("SELECT organisation, role, secret_hash, expires_at, revoked_at FROM " + keyspaceCql
        + ".access_keys WHERE key_id = ?", id).one();
  }

  /**
   * @param keyId a key id
   * @return what revoking it needs ({@code organisation, role, revoked_at}), or {@code null} for an unknown id
   */
  public @Nullable Row ownership(String keyId) {
    return cass.execute("SELECT organisation, role, revoked_at FROM " + keyspaceCql + ".access_keys WHERE key_id = ?",
        keyId).one();
  }

  /**
   * @param keyId a key id
   * @return whether it still works ({@code revoked_at, expires_at}), or {@code null} for an unknown id
   */
  public @Nullable Row validity(String keyId) {
    return cass.execute("SELECT revoked_at, expires_at FROM " + keyspaceCql + ".access_keys WHERE key_id = ?",
        keyId).one();
  }

  /**
   * @return every key's {@code key_id, role, expires_at, revoked_at}, for the sweeps over all keys
   */
  public ResultSet lifecycles() {
    return cass.execute("SELECT key_id, role, expires_at, revoked_at FROM " + keyspaceCql + ".access_keys");
  }

  /**
   * @return every key ever issued, never a secret or a hash, by organisation then creation time
   */
  public List<KeyInfo> list() {
    List<KeyInfo> out = new ArrayList<>();
    for (Row r : cass.execute("SELECT key_id, organisation, role, created_at, expires_at, revoked_at FROM " + keyspaceCql
        + ".access_keys")) {
      out.add(new KeyInfo(filled(r.getString("key_id"), "key_id"), filled(r.getString("organisation"), "organisation"),
          KeyRole.valueOf(filled(r.getString("role"), "role")), filled(r.getInstant("created_at"), "created_at"),
          r.getInstant("expires_at"), r.getInstant("revoked_at")));
    }
    out.sort(Comparator.comparing(KeyInfo::organisation).thenComparing(KeyInfo::createdAt)
        .thenComparing(KeyInfo::keyId));
    return out;
  }

  /**
   * A column every insert of the key store fills: missing only in a damaged key store, which is a typed error,
   * never an NPE.
   *
   * @param value the column's value
   * @param column its name, for the message
   * @param <T> its type
   * @return the value
   * @throws DataFormatException when it is missing
   */
  public static <T> T filled(@Nullable T value, String column) {
    if (value == null) {
      throw new DataFormatException("the key store has a row without " + column + " (damaged key store)");
    }
    return value;
  }
}
