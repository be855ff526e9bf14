package io.delpha.sdk.ingest.internal;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.ingest.internal.Registry.Customer;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Customers' logins: a customer id and password checked against the registry's salted hash, metered by outcome.
 * Neither the answer nor its timing tells an unknown customer from a wrong password. Thread-safe.
 */
public final class Logins {

  private final Registry registry;
  private final int iterations;
  private final Recorder metrics;
  private volatile @Nullable String dummyHash;

  /**
   * @param registry where customers' hashes are
   * @param iterations PBKDF2 iterations of the dummy hash (those of new passwords)
   * @param metrics where logins are counted
   */
  public Logins(Registry registry, int iterations, Recorder metrics) {
    this.registry = registry;
    this.iterations = iterations;
    this.metrics = metrics;
  }

  /**
   * @param customerId the customer
   * @param password its password
   * @return the customer
   * @throws AuthenticationException for a missing id or password, an unknown customer or a wrong password
   */
  public Customer authenticate(@Nullable String customerId, @Nullable String password) {
    if (customerId == null || password == null || password.isEmpty()) {
      metrics.count(Meter.INGEST_LOGINS, 1, "outcome", "refused");
      throw new AuthenticationException("customer id and password are required");
    }
    Optional<Customer> c = FileChecks.badName(customerId).isPresent() ? Optional.empty() : registry.get(customerId);
    // an unknown customer costs one verification against a dummy hash of the same cost as a known one's,
    // so neither the answer nor its timing reveals who exists
    String hash = c.map(Customer::passwordHash).orElseGet(this::dummyHash);
    boolean ok = PasswordHasher.verify(password.toCharArray(), hash);
    metrics.count(Meter.INGEST_LOGINS, 1, "outcome", c.isPresent() && ok ? "ok" : "refused");
    if (c.isEmpty() || !ok) {
      throw new AuthenticationException("unknown customer or wrong password for '" + customerId + "'");
    }
    return c.get();
  }

  /** Computes the dummy hash now, so that the first refusal of an unknown customer costs no more than later ones. */
  public void prepareDummyHash() {
    dummyHash();
  }

  private String dummyHash() {
    String h = dummyHash;
    if (h == null) {
      h = PasswordHasher.hash(UUID.randomUUID().toString().toCharArray(), iterations);
      dummyHash = h;
    }
    return h;
  }
}
