package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.core.secrets.SecretProvider;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** PostgreSQL data sources described by a JSON secret {@code {host, port, database, user, password}}. */
public final class SecretDataSources {

  private SecretDataSources() {}

  /**
   * Reads the secret now and builds a data source from it.
   *
   * @param secrets where the secret lives
   * @param name the secret's name
   * @return a data source; the password stays inside it
   * @throws InvalidInputException naming the missing field (never a value) if the secret is incomplete
   */
  public static DataSource postgres(SecretProvider secrets, String name) {
    Map<String, String> fields = secrets.json(name);
    String host = require(fields, "host", name);
    String database = require(fields, "database", name);
    String user = require(fields, "user", name);
    Secret password = Secret.of(fields.getOrDefault("password", ""));
    int port;
    try {
      port = Integer.parseInt(fields.getOrDefault("port", "5432").trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException("the 'port' field of secret '" + name + "' is not a number");
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {host});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName(database);
    ds.setUser(user);
    if (!password.isEmpty()) {
      ds.setPassword(password.reveal());
    }
    ds.setConnectTimeout(10);
    ds.setApplicationName("delpha-totesys");
    return ds;
  }

  private static String require(Map<String, String> fields, String field, String name) {
    String value = fields.get(field);
    if (value == null || value.isBlank()) {
      throw new InvalidInputException("secret '" + name + "' has no '" + field
          + "' field; it needs {host, port, database, user, password}");
    }
    return value;
  }
}
