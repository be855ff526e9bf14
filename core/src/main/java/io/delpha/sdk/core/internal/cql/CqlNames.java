package io.delpha.sdk.core.internal.cql;

import com.datastax.oss.driver.api.core.CqlIdentifier;

/**
 * The library's one way to put a name into CQL text: the driver's own rendering ({@link CqlIdentifier#asCql(boolean)}
 * of the internal form), which double-quotes a name only when it must (upper case, reserved words, other characters)
 * and doubles any {@code "} inside it, so a hostile name stays one identifier.
 *
 * <pre>{@code
 * "INSERT INTO " + CqlNames.qualified(keyspace, table) + " (" + CqlNames.quote(column) + ") VALUES (?)"
 * }</pre>
 */
public final class CqlNames {

  private CqlNames() {}

  /**
   * @param name a keyspace, table, column or role name as Cassandra stores it (case-sensitive)
   * @return the name as CQL text
   */
  public static String quote(String name) {
    return CqlIdentifier.fromInternal(name).asCql(true);
  }

  /**
   * @param keyspace the keyspace, as stored
   * @param table the table, as stored
   * @return {@code keyspace.table} as CQL text
   */
  public static String qualified(String keyspace, String table) {
    return quote(keyspace) + "." + quote(table);
  }
}
