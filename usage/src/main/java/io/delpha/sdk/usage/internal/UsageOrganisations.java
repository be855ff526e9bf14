package io.delpha.sdk.usage.internal;

import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.server.HttpException;
import io.delpha.sdk.security.KeyPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Which organisations an admin may name: those with an access key (issued at any time, revoked or expired ones
 * included) and those with rows. Anything else is a 404 before anything is read, downloaded or created for it. The
 * organisations with keys are listed at most once per {@link #KEY_LIST_TTL}, so a sweep of names costs one listing
 * per interval, not one per name. Thread-safe.
 */
public final class UsageOrganisations {

  /** How long a listing of the organisations with keys is used before it is read again. */
  public static final Duration KEY_LIST_TTL = Duration.ofSeconds(10);

  private final Supplier<Set<String>> organisationsWithKeys;
  private final Clock clock;
  private @Nullable Set<String> listed;
  private long listedAt;

  /**
   * @param organisationsWithKeys lists the organisations that hold a key (may throw {@link
   *     ServiceUnavailableException})
   * @param clock the clock of the listing's life
   */
  public UsageOrganisations(Supplier<Set<String>> organisationsWithKeys, Clock clock) {
    this.organisationsWithKeys = Objects.requireNonNull(organisationsWithKeys, "organisationsWithKeys");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param organisation an organisation name
   * @return whether a key was ever issued to it (as of the listing, at most {@link #KEY_LIST_TTL} old)
   * @throws HttpException 503 if the keys cannot be listed
   */
  public boolean hasKey(String organisation) {
    return keyed().contains(organisation);
  }

  private synchronized Set<String> keyed() {
    long now = clock.millis();
    Set<String> s = listed;
    if (s == null || now - listedAt >= KEY_LIST_TTL.toMillis() || now < listedAt) {
      try {
        s = Set.copyOf(organisationsWithKeys.get());
      } catch (ServiceUnavailableException e) {
        throw new HttpException(503, "unavailable", "access keys cannot be checked right now; retry later");
      }
      listed = s;
      listedAt = now;
    }
    return s;
  }

  /**
   * Answers 404 for an organisation an admin named that has no key and, by {@code hasRows}, no rows. An organisation
   * key's own organisation is never refused here (its key exists); {@code hasRows} is asked only when the name has
   * no key.
   *
   * @param caller the authenticated caller
   * @param organisation the organisation the request reads
   * @param hasRows whether the table has rows of an organisation
   * @throws HttpException 404 for an unknown organisation, 503 if the keys cannot be listed
   */
  public void requireKnown(KeyPrincipal caller, String organisation, Predicate<String> hasRows) {
    if (caller.isAdmin() && !hasKey(organisation) && !hasRows.test(organisation)) {
      throw unknown();
    }
  }

  /** @return the answer to an organisation with no key and no rows */
  public static HttpException unknown() {
    return new HttpException(404, "not_found", "no organisation of that name has an access key or usage");
  }
}
