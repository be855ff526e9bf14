package io.delpha.sdk.security;

import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.Secret;

/**
 * Opens a Cassandra connection as a given role, for {@link AccessKeysBuilder#cassandraRoles}: the
 * connection an organisation key's {@link ScopedSession} runs on, so that Cassandra's own authorisation
 * refuses what the library's guard might miss.
 *
 * <pre>{@code
 * DatabaseLogin login = (role, password) -> CassandraManager.builder()
 *     .contactPoint(host, 9042).localDatacenter("dc1").pemFile(caPem)
 *     .credentials(role, password.reveal()).build();
 * }</pre>
 *
 * <p>The returned executor is closed with the session when it is {@link AutoCloseable}. Implementations
 * must not log or keep the password.
 */
@FunctionalInterface
public interface DatabaseLogin {

  /**
   * @param role the Cassandra role to log in as
   * @param password its password, derived from the key's secret (never stored by the library)
   * @return a connection running as that role
   * @throws io.delpha.sdk.core.AuthenticationException when the cluster refuses the login
   */
  CqlExecutor connect(String role, Secret password);
}
