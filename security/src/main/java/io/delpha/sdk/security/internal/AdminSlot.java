package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.cassandra.QuorumExecutor;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The admin slot ({@code admin_slot}): a single row naming the one active admin key. It changes only by lightweight
 * transactions, so exactly one admin key is active at any time, even across processes; a transaction whose outcome
 * is unknown (timeout, node lost) is settled by a serial read of what Paxos decided.
 */
public final class AdminSlot {

  private static final String SLOT = "admin";

  private final CqlExecutor cass;
  private final String keyspaceCql;
  private final KeyTable keys;
  private final Clock clock;

  /**
   * @param cass the key store's connection (quorum reads and writes, {@code LOCAL_SERIAL} for transactions)
   * @param keyspace the key store's keyspace
   * @param keys the key table, to tell a live holder from a dead one
   * @param clock the time a key expires by
   */
  public AdminSlot(CqlExecutor cass, String keyspace, KeyTable keys, Clock clock) {
    this.cass = cass;
    this.keyspaceCql = CqlNames.quote(keyspace);
    this.keys = keys;
    this.clock = clock;
  }

  /**
   * @param keyspace the key store's keyspace
   * @return the statement creating the table if missing
   */
  public static String createTable(String keyspace) {
    return "CREATE TABLE IF NOT EXISTS " + CqlNames.quote(keyspace) + ".admin_slot (slot text PRIMARY KEY, "
        + "key_id text, changed_at timestamp) WITH " + QuorumExecutor.TABLE_OPTIONS;
  }

  /**
   * Claims the empty slot (or one held by a dead key) for a key.
   *
   * @param keyId the new admin key
   * @param now the time of the change
   * @return the slot's holder after: {@code keyId} when the claim won
   */
  public @Nullable String claim(String keyId, Instant now) {
    ResultSet rs;
    try {
      rs = cass.execute("INSERT INTO " + keyspaceCql + ".admin_slot (slot, key_id, changed_at) VALUES (?, ?, ?) "
          + "IF NOT EXISTS", SLOT, keyId, now);
    } catch (ServiceUnavailableException e) {
      return holderAfterUnknownOutcome(e);
    }
    if (rs.wasApplied()) {
      return keyId;
    }
    // a refused IF NOT EXISTS answers with the row that is there
    String holder = Objects.requireNonNull(rs.one(), "the existing admin slot row").getString("key_id");
    if (holder != null && isLive(holder)) {
      return holder;
    }
    // the slot names a key revoked or never written (a crash between the two steps of an earlier issuance)
    return move(holder, keyId, now) ? keyId : holder();
  }

  /**
   * Moves the slot from one key to another, only if the first holds it.
   *
   * @param from the key expected in the slot
   * @param to the key to put there
   * @param now the time of the change
   * @return whether {@code to} holds the slot now by this move
   */
  public boolean move(@Nullable String from, String to, Instant now) {
    try {
      return cass.execute("UPDATE " + keyspaceCql + ".admin_slot SET key_id = ?, changed_at = ? WHERE slot = ? "
          + "IF key_id = ?", to, now, SLOT, from).wasApplied();
    } catch (ServiceUnavailableException e) {
      return to.equals(holderAfterUnknownOutcome(e));
    }
  }

  /**
   * Frees the slot if the key holds it.
   *
   * @param keyId a revoked admin key
   */
  public void release(String keyId) {
    cass.execute("DELETE FROM " + keyspaceCql + ".admin_slot WHERE slot = ? IF key_id = ?", SLOT, keyId);
  }

  /**
   * @return the key in the slot, read linearizably ({@code LOCAL_SERIAL}), or {@code null} when it is empty
   */
  public @Nullable String holder() {
    Row row = cass.execute(SimpleStatement.newInstance("SELECT key_id FROM " + keyspaceCql + ".admin_slot WHERE slot = ?",
        SLOT).setConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL)).one();
    return row == null ? null : row.getString("key_id");
  }

  /** A lightweight transaction whose outcome is unknown (timeout, node lost): read what Paxos decided. */
  private @Nullable String holderAfterUnknownOutcome(ServiceUnavailableException original) {
    try {
      return holder();
    } catch (DelphaException again) {
      original.addSuppressed(again);
      throw original;
    }
  }

  private boolean isLive(String keyId) {
    Row row = keys.validity(keyId);
    return row != null && row.getInstant("revoked_at") == null
        && (row.getInstant("expires_at") == null || clock.instant().isBefore(row.getInstant("expires_at")));
  }
}
