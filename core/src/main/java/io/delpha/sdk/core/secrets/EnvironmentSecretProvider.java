package io.delpha.sdk.core.secrets;

import io.delpha.sdk.core.NotFoundException;
import java.util.Locale;
import java.util.Map;

/**
 * Secrets from environment variables. A name is looked up as given, then in upper snake case
 * ({@code totesys-db.password} is also {@code TOTESYS_DB_PASSWORD}), optionally behind a prefix.
 *
 * <pre>{@code
 * SecretProvider env = SecretProvider.environment();
 * String token = env.secret("SALESFORCE_TOKEN");
 * Map<String, String> db = env.json("totesys-db");    // TOTESYS_DB='{"user":"...","password":"..."}'
 * }</pre>
 */
public final class EnvironmentSecretProvider implements SecretProvider {

  private final Map<String, String> variables;
  private final String prefix;

  private EnvironmentSecretProvider(Map<String, String> variables, String prefix) {
    this.variables = Map.copyOf(variables);
    this.prefix = prefix;
  }

  /**
   * @return a provider over this process's environment
   */
  public static EnvironmentSecretProvider system() {
    return new EnvironmentSecretProvider(System.getenv(), "");
  }

  /**
   * @param variables the variables to read, e.g. a copy of a child process's environment
   * @return a provider over them
   */
  public static EnvironmentSecretProvider of(Map<String, String> variables) {
    return new EnvironmentSecretProvider(variables, "");
  }

  /**
   * @param prefix put before every name looked up, e.g. {@code "DELPHA_"}
   * @return a provider reading the same variables behind that prefix
   */
  public EnvironmentSecretProvider withPrefix(String prefix) {
    return new EnvironmentSecretProvider(variables, prefix);
  }

  @Override
  public String secret(String name) {
    String exact = variables.get(prefix + name);
    if (exact != null) {
      return exact;
    }
    String variable = variableName(name);
    String value = variables.get(variable);
    if (value == null) {
      throw new NotFoundException("no secret '" + name + "': neither environment variable " + prefix + name
          + " nor " + variable + " is set");
    }
    return value;
  }

  private String variableName(String name) {
    return (prefix + name).replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "EnvironmentSecretProvider[" + (prefix.isEmpty() ? "" : "prefix=" + prefix + ", ") + variables.size() + " variables]";
  }
}
