package io.delpha.sdk.security.internal;

import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.security.KeyPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** What a scoped session asks of the {@code AccessKeys} that opened it. */
public interface SessionAuthority {

  /**
   * Reads the key again: revoked, expired, or (for the admin key) no longer the active admin.
   *
   * @param principal the session's key
   * @return the keyspaces the key may reach now, or empty if the key is no longer valid (audited)
   */
  Optional<Set<String>> recheck(KeyPrincipal principal);

  /**
   * Audits a refusal.
   *
   * @param principal the session's key
   * @param reason why, for the audit table only
   * @return the exception to throw, saying only "access denied"
   */
  AccessDeniedException refuse(KeyPrincipal principal, String reason);

  /**
   * The cluster's schema for organisation keys: one refresh at a time for every tenant, and a refresh younger
   * than a second is shared, so no tenant can load the cluster by asking in a loop.
   *
   * @return the whole schema (the session filters it)
   */
  com.datastax.oss.driver.api.core.metadata.Metadata schema();

  /**
   * @return the current time by the configured clock
   */
  Instant now();

  /**
   * @return how old the last check of a session's key may get before it is checked again
   */
  Duration recheckInterval();

  /**
   * @return the keyspace holding the keys, which no organisation may reach
   */
  String securityKeyspace();

  /**
   * @param keyspace a keyspace
   * @return whether the library keeps it for itself (never reachable by a session, whatever the registry says)
   */
  boolean isReserved(String keyspace);
}
