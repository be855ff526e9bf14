package io.delpha.sdk.security;

import io.delpha.sdk.cassandra.CqlExecutor;

/**
 * A {@link CqlExecutor} opened with an access key ({@link AccessKeys#open(String)}).
 *
 * <p>With the admin key every statement runs as given. With an organisation's key every statement is
 * first prepared, and runs only if every keyspace Cassandra reports for it (the keyspace of every bound
 * variable and result column, and the routing keyspace) belongs to the organisation. Statements whose
 * keyspaces cannot be established that way are refused: DDL, {@code USE}, schema and role changes,
 * system keyspaces, and statements with neither bind markers nor result columns (write with {@code ?}
 * markers). A refusal is an {@link io.delpha.sdk.core.AccessDeniedException} with the message "access
 * denied" and no cause, whoever refused (this guard, or in roles mode Cassandra's authorizer); its reason goes to the
 * audit table only.
 *
 * <p>Ownership is checked on every execution and before every page of an open result, from the session's own
 * record of what it prepared (never from a statement object the caller holds): {@link #prepare(String)} returns the
 * caller a copy, and changing it ({@code setResultMetadata}) changes nothing the guard checks; a {@code
 * BoundStatement} is rebuilt from the session's own preparation of its text.
 *
 * <p>The key is checked again on use once the last check is older than the revocation check interval
 * (5 s at most), so a revoked key stops working in open sessions within that interval; expiry is checked
 * on every use. Thread-safe. Closing does not close the underlying connection.
 */
public interface ScopedSession extends CqlExecutor, AutoCloseable {

  /**
   * @return the key this session was opened with
   */
  KeyPrincipal principal();

  /** Ends the session: later calls fail with an {@link io.delpha.sdk.core.InvalidInputException}. */
  @Override
  void close();
}
