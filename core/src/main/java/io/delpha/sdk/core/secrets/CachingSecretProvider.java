package io.delpha.sdk.core.secrets;

import io.delpha.sdk.core.InvalidInputException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Keeps what another provider returned for a time-to-live, so a hot path does not call Secrets
 * Manager for every connection. Failures are not cached: a missing secret is asked for again. Values
 * live only in memory and never appear in {@link #toString()}.
 *
 * <pre>{@code
 * SecretProvider secrets = SecretProvider.cached(AwsSecretsManagerProvider.builder().build(), Duration.ofMinutes(5));
 * }</pre>
 */
public final class CachingSecretProvider implements SecretProvider {

  private record Entry<T>(T value, Instant expires) {}

  private final SecretProvider delegate;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Entry<String>> secrets = new ConcurrentHashMap<>();
  private final Map<String, Entry<Map<String, String>>> jsons = new ConcurrentHashMap<>();

  private CachingSecretProvider(SecretProvider delegate, Duration ttl, Clock clock) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new InvalidInputException("a secret cache needs a positive time-to-live, was " + ttl);
    }
  }

  /**
   * @param delegate where secrets come from
   * @param ttl how long a value is reused
   * @param clock the time source (a fixed or adjustable clock in tests)
   * @return the caching provider
   */
  public static CachingSecretProvider of(SecretProvider delegate, Duration ttl, Clock clock) {
    return new CachingSecretProvider(delegate, ttl, clock);
  }

  @Override
  public String secret(String name) {
    return cached(secrets, name, delegate::secret);
  }

  @Override
  public Map<String, String> json(String name) {
    return cached(jsons, name, delegate::json);
  }

  /**
   * Forgets one secret, e.g. after a login failed because it was rotated.
   *
   * @param name the secret's name
   */
  public void invalidate(String name) {
    secrets.remove(name);
    jsons.remove(name);
  }

  /** Forgets every secret. */
  public void invalidateAll() {
    secrets.clear();
    jsons.clear();
  }

  private <T> T cached(Map<String, Entry<T>> cache, String name, Function<String, T> load) {
    Instant now = clock.instant();
    Entry<T> entry = cache.get(name);
    if (entry != null && now.isBefore(entry.expires())) {
      return entry.value();
    }
    T value = load.apply(name);
    cache.put(name, new Entry<>(value, now.plus(ttl)));
    return value;
  }

  @Override
  public String toString() {
    return "CachingSecretProvider[ttl=" + ttl + ", " + delegate + "]";
  }
}
