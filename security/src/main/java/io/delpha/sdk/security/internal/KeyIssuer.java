package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.security.IssuedKey;
import io.delpha.sdk.security.KeyPrincipal;
import io.delpha.sdk.security.KeyRole;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues, rotates and revokes keys: the key table's rows, the admin slot's holder and (with Cassandra roles) the
 * keys' login roles kept in step, every change audited. A key's secret exists only in the {@link IssuedKey} returned.
 */
public final class KeyIssuer {

  /** The facade's category: hosts tune the key store's log lines by that one name. */
  private static final Logger LOG = LoggerFactory.getLogger(KeyIssuer.class);
  /** The organisation recorded for the admin key ({@code AccessKeys.ADMIN_ORGANISATION}); not a valid name. */
  public static final String ADMIN_ORGANISATION = "*";

  private final KeyTable keys;
  private final AdminSlot adminSlot;
  private final @Nullable RoleWall roleWall;
  private final KeyVerifier verifier;
  private final AuditLog audit;
  private final Clock clock;
  private final KeyCodec codec = new KeyCodec(new SecureRandom());

  /**
   * @param keys the key table
   * @param adminSlot the admin slot
   * @param roleWall the Cassandra roles, or {@code null} without them
   * @param verifier checks the current admin key when it is rotated
   * @param audit where every change is recorded
   * @param clock the time of issue and revocation
   */
  public KeyIssuer(KeyTable keys, AdminSlot adminSlot, @Nullable RoleWall roleWall, KeyVerifier verifier,
      AuditLog audit, Clock clock) {
    this.keys = keys;
    this.adminSlot = adminSlot;
    this.roleWall = roleWall;
    this.verifier = verifier;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * @return the admin key, which won the admin slot
   * @throws ConflictException when an admin key is already active
   */
  public IssuedKey issueAdmin() {
    Instant now = clock.instant();
    KeyCodec.NewKey k = codec.generate();
    keys.insert(k, ADMIN_ORGANISATION, KeyRole.ADMIN, now, null);
    String holder = adminSlot.claim(k.id(), now);
    if (!k.id().equals(holder)) {
      keys.markRevoked(k.id(), now);
      audit.record(k.id(), ADMIN_ORGANISATION, "ISSUE_ADMIN", AuditLog.DENIED, "admin key " + holder + " is active");
      throw new ConflictException("an admin key is already active (id " + holder
          + "): rotate it with rotateAdmin, or revoke it before issuing another");
    }
    audit.record(k.id(), ADMIN_ORGANISATION, "ISSUE_ADMIN", AuditLog.GRANTED, "admin key issued");
    LOG.info("issued the admin key {}", k.id());
    return new IssuedKey(k.id(), ADMIN_ORGANISATION, KeyRole.ADMIN, now, null, k.presented());
  }

  /**
   * @param currentAdminKey the whole current admin key
   * @return the new admin key, which took the slot from the current one in one lightweight transaction
   * @throws io.delpha.sdk.core.AccessDeniedException when the key presented is not the active admin key
   * @throws ConflictException when the admin key changed concurrently (nothing was rotated)
   */
  public IssuedKey rotateAdmin(String currentAdminKey) {
    KeyPrincipal old = verifier.verify(currentAdminKey, "ROTATE_ADMIN").principal();
    if (!old.isAdmin()) {
      throw verifier.deny(old.keyId(), old.organisation(), "ROTATE_ADMIN",
          "an organisation key cannot rotate the admin key");
    }
    Instant now = clock.instant();
    KeyCodec.NewKey k = codec.generate();
    keys.insert(k, ADMIN_ORGANISATION, KeyRole.ADMIN, now, null);
    boolean moved = adminSlot.move(old.keyId(), k.id(), now);
    if (!moved) {
      keys.markRevoked(k.id(), now);
      audit.record(k.id(), ADMIN_ORGANISATION, "ROTATE_ADMIN", AuditLog.DENIED, "the admin slot no longer held "
          + old.keyId());
      throw new ConflictException("the admin key changed while rotating; nothing was rotated");
    }
    keys.markRevoked(old.keyId(), now);
    audit.record(k.id(), ADMIN_ORGANISATION, "ROTATE_ADMIN", AuditLog.GRANTED, "replaced admin key " + old.keyId());
    LOG.info("rotated the admin key {} to {}", old.keyId(), k.id());
    return new IssuedKey(k.id(), ADMIN_ORGANISATION, KeyRole.ADMIN, now, null, k.presented());
  }

  /**
   * @param organisation the organisation
   * @param expiresAt when the key stops working, or {@code null} for never; must be in the future
   * @return the organisation key (with Cassandra roles, its login role made first)
   * @throws InvalidInputException for a name that is no organisation's, or an expiry not in the future
   */
  public IssuedKey issue(String organisation, @Nullable Instant expiresAt) {
    String org = Tenancy.organisation(organisation);
    Instant now = clock.instant();
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw new InvalidInputException("expiresAt must be in the future, was " + expiresAt + " (now " + now + ")");
    }
    KeyCodec.NewKey k = codec.generate();
    if (roleWall != null) {
      roleWall.createKeyRole(k.id(), org);
    }
    keys.insert(k, org, KeyRole.ORG, now, expiresAt);
    audit.record(k.id(), org, "ISSUE", AuditLog.GRANTED, "organisation key issued"
        + (expiresAt == null ? "" : ", expires " + expiresAt));
    LOG.info("issued key {} for organisation {}", k.id(), org);
    return new IssuedKey(k.id(), org, KeyRole.ORG, now, expiresAt, k.presented());
  }

  /**
   * Marks the key revoked (once), drops its login role (with Cassandra roles) and, for the admin key, frees the
   * admin slot.
   *
   * @param keyId the key's public id
   * @throws InvalidInputException when it is not a key id
   * @throws NotFoundException when no key has this id
   */
  public void revoke(String keyId) {
    if (!KeyCodec.isKeyId(keyId)) {
      throw new InvalidInputException("not a key id (20 lower-case hex digits): " + keyId);
    }
    Row row = keys.ownership(keyId);
    if (row == null) {
      throw new NotFoundException("no access key has the id " + keyId);
    }
    Instant now = clock.instant();
    if (row.getInstant("revoked_at") == null) {
      keys.markRevoked(keyId, now);
    }
    if (roleWall != null && KeyRole.ORG.name().equals(row.getString("role"))) {
      roleWall.dropKeyRole(keyId);
    }
    if (KeyRole.ADMIN.name().equals(row.getString("role"))) {
      adminSlot.release(keyId);
    }
    audit.record(keyId, row.getString("organisation"), "REVOKE", AuditLog.GRANTED, "key revoked");
    LOG.info("revoked key {}", keyId);
  }
}
