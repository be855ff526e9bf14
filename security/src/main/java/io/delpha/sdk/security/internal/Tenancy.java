package io.delpha.sdk.security.internal;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.delpha.sdk.cassandra.CqlExecutor;
import io.delpha.sdk.core.internal.cql.CqlNames;
import io.delpha.sdk.cassandra.QuorumExecutor;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The organisation registry: which organisation owns which keyspace. The owner row ({@code keyspace_owners}),
 * claimed by a lightweight transaction, is the only truth of who owns a keyspace; the organisation's list ({@code
 * org_keyspaces}) is an index read only through the owner rows. So an assignment racing an unassignment or another
 * organisation's assignment never leaves a keyspace reachable by two organisations. Also the one rule of which
 * names are organisations and which keyspaces may be given to one.
 */
public final class Tenancy {

  private static final Pattern ORGANISATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern KEYSPACE = Pattern.compile("[a-z0-9_]{1,48}");

  private final CqlExecutor cass;
  private final String keyspace;
  private final String keyspaceCql;
  private final Set<String> reservedKeyspaces;
  private final Clock clock;
  private final AuditLog audit;

  /**
   * @param cass the key store's connection (quorum reads and writes, {@code LOCAL_SERIAL} for transactions)
   * @param keyspace the key store's keyspace, never given to an organisation
   * @param reservedKeyspaces the keyspaces the library or the host keeps for itself, never given either
   * @param clock the time of assignments
   * @param audit where registry changes are recorded
   */
  public Tenancy(CqlExecutor cass, String keyspace, Set<String> reservedKeyspaces, Clock clock, AuditLog audit) {
    this.cass = cass;
    this.keyspace = keyspace;
    this.keyspaceCql = CqlNames.quote(keyspace);
    this.reservedKeyspaces = reservedKeyspaces;
    this.clock = clock;
    this.audit = audit;
  }

  /**
   * @param keyspace the key store's keyspace
   * @return the statements creating the registry's tables if missing
   */
  public static List<String> createTables(String keyspace) {
    String ks = CqlNames.quote(keyspace);
    return List.of("CREATE TABLE IF NOT EXISTS " + ks + ".org_keyspaces (organisation text, keyspace_name text, "
        + "assigned_at timestamp, PRIMARY KEY ((organisation), keyspace_name)) WITH " + QuorumExecutor.TABLE_OPTIONS,
        "CREATE TABLE IF NOT EXISTS " + ks + ".keyspace_owners (keyspace_name text PRIMARY KEY, "
        + "organisation text, assigned_at timestamp) WITH " + QuorumExecutor.TABLE_OPTIONS);
  }

  /**
   * @param name a would-be organisation name
   * @return whether it is one ({@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}})
   */
  public static boolean isOrganisationName(String name) {
    return ORGANISATION.matcher(name).matches();
  }

  /**
   * @param name a keyspace name, lower case
   * @return whether it is a plain name ({@code [a-z0-9_]{1,48}}), never needing quotes
   */
  public static boolean isPlainKeyspaceName(String name) {
    return KEYSPACE.matcher(name).matches();
  }

  /**
   * @param organisation a would-be organisation name
   * @return it, when it is an organisation name
   * @throws InvalidInputException when it is not
   */
  public static String organisation(String organisation) {
    if (organisation == null || !ORGANISATION.matcher(organisation).matches()) {
      throw new InvalidInputException("an organisation is 1 to 64 characters of letters, digits, '_', '.' or '-', "
          + "starting with a letter or digit; got " + organisation);
    }
    return organisation;
  }

  /**
   * @param name a keyspace name as given
   * @return it lower-cased, as Cassandra does
   * @throws InvalidInputException when it is not a plain name, or no organisation may have it (a system keyspace,
   *     the security keyspace, a reserved one)
   */
  public String keyspaceName(String name) {
    String ks = name == null ? "" : name.toLowerCase(Locale.ROOT);
    if (!KEYSPACE.matcher(ks).matches()) {
      throw new InvalidInputException("a keyspace name is 1 to 48 letters, digits or '_'; got " + name);
    }
    if (KeyspaceGuard.isSystem(ks) || ks.equals(keyspace) || reservedKeyspaces.contains(ks)) {
      throw new InvalidInputException("keyspace " + ks + " belongs to Cassandra or to the library itself (access "
          + "control, ingest registry) and cannot be given to an organisation");
    }
    return ks;
  }

  /**
   * @param ks a keyspace
   * @return whether any organisation may be granted it (not a system, reserved or security keyspace)
   */
  public boolean grantable(String ks) {
    return !reservedKeyspaces.contains(ks) && !ks.equals(keyspace) && !KeyspaceGuard.isSystem(ks);
  }

  /**
   * @param ks a keyspace
   * @return whether the library or the host keeps it for itself
   */
  public boolean isReserved(String ks) {
    return reservedKeyspaces.contains(ks);
  }

  /**
   * Gives an organisation a keyspace: claims the owner row, then adds the index row, then reads the owner row again
   * and undoes the index row if another change came in between. Audited.
   *
   * @param org a valid organisation
   * @param ks a keyspace {@link #keyspaceName} accepted
   * @throws ConflictException when the keyspace belongs to another organisation (also when another organisation
   *     took it while this call ran)
   */
  public void claim(String org, String ks) {
    Instant now = clock.instant();
    ResultSet owner = cass.execute("INSERT INTO " + keyspaceCql + ".keyspace_owners (keyspace_name, organisation, "
        + "assigned_at) VALUES (?, ?, ?) IF NOT EXISTS", ks, org, now);
    if (!owner.wasApplied()) {
      // a refused IF NOT EXISTS answers with the row that is there
      String current = Objects.requireNonNull(owner.one(), "the existing owner row").getString("organisation");
      if (!org.equals(current)) {
        throw new ConflictException("keyspace " + ks + " already belongs to organisation " + current
            + "; unassign it there first");
      }
    }
    cass.execute("INSERT INTO " + keyspaceCql + ".org_keyspaces (organisation, keyspace_name, assigned_at) "
        + "VALUES (?, ?, ?)", org, ks, now);
    String after = ownerOf(ks, true);
    if (!org.equals(after)) {
      // an unassignment (and perhaps another organisation's assignment) came in between: ours is undone
      cass.execute("DELETE FROM " + keyspaceCql + ".org_keyspaces WHERE organisation = ? AND keyspace_name = ?", org, ks);
      if (after != null) {
        throw new ConflictException("keyspace " + ks + " was taken by organisation " + after + " while it was "
            + "being assigned to " + org);
      }
      audit.record(null, org, "ASSIGN_KEYSPACE", AuditLog.DENIED, "keyspace " + ks + " was unassigned concurrently");
      return;
    }
    audit.record(null, org, "ASSIGN_KEYSPACE", AuditLog.GRANTED, "keyspace " + ks + " assigned");
  }

  /**
   * Takes a keyspace away from an organisation: the owner row first (only if the organisation holds it), then the
   * index row. Audited.
   *
   * @param org a valid organisation
   * @param ks a keyspace {@link #keyspaceName} accepted
   */
  public void release(String org, String ks) {
    cass.execute("DELETE FROM " + keyspaceCql + ".keyspace_owners WHERE keyspace_name = ? IF organisation = ?", ks, org);
    cass.execute("DELETE FROM " + keyspaceCql + ".org_keyspaces WHERE organisation = ? AND keyspace_name = ?", org, ks);
    audit.record(null, org, "UNASSIGN_KEYSPACE", AuditLog.GRANTED, "keyspace " + ks + " unassigned");
  }

  /**
   * The keyspaces an organisation owns: the entries of its list whose owner row names it. An entry whose owner
   * row names another organisation or none (left by a race, or a crash between the two writes) is not returned
   * and is removed.
   *
   * @param organisation the organisation
   * @return the keyspaces it owns, sorted
   * @throws InvalidInputException when it is not an organisation name
   */
  public List<String> owned(String organisation) {
    String org = organisation(organisation);
    List<String> listed = new ArrayList<>();
    for (Row r : cass.execute("SELECT keyspace_name FROM " + keyspaceCql + ".org_keyspaces WHERE organisation = ?", org)) {
      listed.add(r.getString("keyspace_name"));
    }
    if (listed.isEmpty()) {
      return List.of();
    }
    Set<String> owned = new HashSet<>();
    for (Row r : cass.execute("SELECT keyspace_name, organisation FROM " + keyspaceCql + ".keyspace_owners "
        + "WHERE keyspace_name IN ?", listed)) {
      if (org.equals(r.getString("organisation"))) {
        owned.add(r.getString("keyspace_name"));
      }
    }
    List<String> names = new ArrayList<>();
    for (String ks : listed) {
      if (owned.contains(ks)) {
        names.add(ks);
      } else {
        cass.execute("DELETE FROM " + keyspaceCql + ".org_keyspaces WHERE organisation = ? AND keyspace_name = ?", org,
            ks);
      }
    }
    return List.copyOf(names);
  }

  /**
   * @return every organisation with an entry in the registry's index
   */
  public List<String> organisations() {
    List<String> orgs = new ArrayList<>();
    for (Row r : cass.execute("SELECT DISTINCT organisation FROM " + keyspaceCql + ".org_keyspaces")) {
      orgs.add(KeyTable.filled(r.getString("organisation"), "organisation"));
    }
    return orgs;
  }

  /** The owner row's organisation, read linearizably ({@code LOCAL_SERIAL}) when asked, else at quorum. */
  private @Nullable String ownerOf(String ks, boolean serial) {
    SimpleStatement read = SimpleStatement.newInstance("SELECT organisation FROM " + keyspaceCql
        + ".keyspace_owners WHERE keyspace_name = ?", ks);
    Row row = cass.execute(serial ? read.setConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL) : read).one();
    return row == null ? null : row.getString("organisation");
  }
}
