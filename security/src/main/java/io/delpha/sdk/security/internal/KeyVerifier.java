package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.security.KeyRole;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks presented keys and refuses key holders. Every refusal is the same {@link AccessDeniedException}, "access
 * denied", whatever the reason; the reason goes to the audit table, off the calling thread ({@link HolderEvents}).
 * Failures of a real key id are counted by the {@link FailureThrottle}, and every check is counted by action and
 * outcome, never by key id.
 */
public final class KeyVerifier {

  /** The facade's category: hosts tune the key store's log lines by that one name. */
  private static final Logger LOG = LoggerFactory.getLogger(KeyVerifier.class);
  private static final String DENIED = "access denied";
  private static final byte[] NO_HASH = new byte[32];
  /** The record an unknown key id is compared against: same length and work as a stored hash. */
  private static final byte[] DUMMY_HASH = KeyCodec.hash("00000000000000000000", new byte[32]);

  /**
   * A key that passed its check.
   *
   * @param principal who holds it
   * @param expiresAt when it stops working, or {@code null} for never
   */
  public record Verified(KeyPrincipal principal, @Nullable Instant expiresAt) {}

  private final KeyTable keys;
  private final AdminSlot adminSlot;
  private final @Nullable RoleWall roleWall;
  private final FailureThrottle throttle;
  private final AuditLog audit;
  private final HolderEvents holderEvents;
  private final Recorder metrics;
  private final Clock clock;

  /**
   * @param keys the key table
   * @param adminSlot the admin slot, which tells the active admin key from a superseded one
   * @param roleWall the Cassandra roles, whose expired keys' roles are dropped at their next use; {@code null}
   *     without them
   * @param throttle counts failures per key id
   * @param audit where every attempt is recorded
   * @param holderEvents runs what an attempt causes beyond its answer
   * @param metrics where checks and refusals are counted
   * @param clock the time keys expire by
   */
  public KeyVerifier(KeyTable keys, AdminSlot adminSlot, @Nullable RoleWall roleWall, FailureThrottle throttle,
      AuditLog audit, HolderEvents holderEvents, Recorder metrics, Clock clock) {
    this.keys = keys;
    this.adminSlot = adminSlot;
    this.roleWall = roleWall;
    this.throttle = throttle;
    this.audit = audit;
    this.holderEvents = holderEvents;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Checks a presented key, counted by action and outcome. Every outcome is audited.
   *
   * @param presentedKey the whole key, {@code dk_<id>_<secret>}
   * @param action what the key is presented for ({@code OPEN}, ...), for the audit and the metrics
   * @return the key's holder
   * @throws AccessDeniedException "access denied", whatever was wrong with the key
   * @throws io.delpha.sdk.core.ServiceUnavailableException when Cassandra cannot be reached
   */
  public Verified verify(String presentedKey, String action) {
    String outcome = "error"; // Cassandra unreachable: neither granted nor refused
    try {
      Verified v = check(presentedKey, action);
      outcome = "ok";
      return v;
    } catch (KeyRefused e) {
      outcome = e.outcome;
      throw e.denied;
    } finally {
      metrics.count(Meter.SECURITY_AUTHENTICATIONS, 1, "action", action.toLowerCase(Locale.ROOT), "outcome", outcome);
    }
  }

  /**
   * A refusal of an authenticated key (a statement, a session re-check): audited one by one, off the calling thread,
   * and counted by action.
   *
   * @param id the key's id
   * @param org its organisation
   * @param action what was refused
   * @param reason why, for the audit table only
   * @return the exception to throw, saying only "access denied"
   */
  public AccessDeniedException deny(String id, String org, String action, String reason) {
    Instant at = clock.instant();
    holderEvents.submit(() -> audit.recordHolder(id, org, action, AuditLog.DENIED, reason, at));
    metrics.count(Meter.SECURITY_DENIALS, 1, "action", action.toLowerCase(Locale.ROOT));
    LOG.info("access denied for key {}", id == null ? FailureThrottle.NO_ID : id);
    return new AccessDeniedException(DENIED);
  }

  /**
   * Refuses an open beyond the organisation's session bounds: audited as {@code THROTTLED}, at once, and counted.
   *
   * @param p the key's holder
   * @param why which bound, for the audit table only
   * @return the exception to throw, saying only "access denied"
   */
  public AccessDeniedException overBounds(KeyPrincipal p, String why) {
    audit.recordHolder(p.keyId(), p.organisation(), "OPEN", AuditLog.THROTTLED, why, clock.instant());
    metrics.count(Meter.SECURITY_DENIALS, 1, "action", "open");
    LOG.info("access denied for key {}", p.keyId());
    return new AccessDeniedException(DENIED);
  }

  /** A refused key with the outcome its metric carries (bounded: never the key id). */
  private static final class KeyRefused extends Exception {
    final String outcome;
    final AccessDeniedException denied;

    KeyRefused(String outcome, AccessDeniedException denied) {
      super(null, null, false, false);
      this.outcome = outcome;
      this.denied = denied;
    }
  }

  /**
   * Every well-formed key costs the caller the same, whatever is wrong with it: one registry read, one hash of the
   * presented secret, one constant-time comparison against the stored hash or, for an unknown id, against a dummy
   * record, one throttle look-up, and one task handed to {@link HolderEvents} (audit row, counted or written, and
   * for an expired key in roles mode the role drop). No branch does a round trip of its own before answering.
   */
  private Verified check(String presentedKey, String action) throws KeyRefused {
    Instant now = clock.instant();
    KeyCodec.Parsed parsed = KeyCodec.parse(presentedKey);
    if (!parsed.wellFormed()) {
      throw fail(parsed.id(), null, action, "malformed",
          Objects.requireNonNull(parsed.problem(), "a malformed key has a problem"), now);
    }
    String id = Objects.requireNonNull(parsed.id(), "a well-formed key has an id");
    Row row = keys.credentials(id);
    byte[] candidate = KeyCodec.hash(id,
        Objects.requireNonNull(parsed.secret(), "a well-formed key has a secret"));
    String org = row == null ? null : row.getString("organisation");
    byte[] stored = row == null ? DUMMY_HASH : bytes(row.getByteBuffer("secret_hash"));
    boolean secretMatches = KeyCodec.matches(stored, candidate);
    if (throttle.isThrottled(id, now)) {
      String throttledOrg = org;
      holderEvents.submit(() -> audit.recordFailure(id, throttledOrg, action, AuditLog.THROTTLED,
          "too many failures for this key id; refused unchecked", now));
      LOG.info("access denied for key {}", id);
      throw new KeyRefused("throttled", new AccessDeniedException(DENIED));
    }
    if (row == null) {
      throw fail(id, null, action, "unknown", "unknown key id", now);
    }
    if (!secretMatches) {
      throw fail(id, org, action, "wrong_secret", "wrong secret", now);
    }
    Instant revokedAt = row.getInstant("revoked_at");
    if (revokedAt != null) {
      throw fail(id, org, action, "revoked", "key revoked at " + revokedAt, now);
    }
    Instant expiresAt = row.getInstant("expires_at");
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      if (roleWall != null && KeyRole.ORG.name().equals(row.getString("role"))) {
        RoleWall wall = roleWall;
        holderEvents.submit(() -> wall.dropExpiredKeyRole(id));
      }
      throw fail(id, org, action, "expired", "key expired at " + expiresAt, now);
    }
    KeyRole role = KeyRole.valueOf(KeyTable.filled(row.getString("role"), "role"));
    if (role == KeyRole.ADMIN && !id.equals(adminSlot.holder())) {
      throw fail(id, org, action, "superseded", "not the active admin key", now);
    }
    String granted = KeyTable.filled(org, "organisation");
    holderEvents.submit(() -> audit.recordHolder(id, granted, action, AuditLog.GRANTED, "valid " + role + " key", now));
    return new Verified(new KeyPrincipal(id, granted, role), expiresAt);
  }

  /** A key that failed authentication: counted by the throttle, audited (off the calling thread) within the budget. */
  private KeyRefused fail(@Nullable String id, @Nullable String org, String action, String outcome, String reason,
      Instant now) {
    if (org != null) {
      // only ids of real keys are counted: made-up ids fail anyway, and a flood of them cannot crowd out the
      // counts of real keys under attack (their number is bounded by the keys issued)
      throttle.recordFailure(Objects.requireNonNull(id, "an organisation was found by the key id"), now);
    }
    holderEvents.submit(() -> audit.recordFailure(id, org, action, AuditLog.DENIED, reason, now));
    LOG.info("access denied for key {}", id == null ? FailureThrottle.NO_ID : id);
    return new KeyRefused(outcome, new AccessDeniedException(DENIED));
  }

  private static byte[] bytes(@Nullable ByteBuffer b) {
    if (b == null) {
      return NO_HASH;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
