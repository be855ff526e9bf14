package io.delpha.sdk.core.secrets;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.secrets.internal.SecretJson;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Where credentials come from: environment variables, a local file, AWS Secrets Manager, Azure Key
 * Vault, or any of them behind a cache.
 *
 * <pre>{@code
 * SecretProvider secrets = SecretProvider.cached(
 *     AwsSecretsManagerProvider.builder().region("eu-west-2").build(), Duration.ofMinutes(5));
 * Map<String, String> db = secrets.json("totesys-db");       // {host, port, database, user, password}
 * String token = secrets.secret("salesforce-token");
 * }</pre>
 *
 * <p>Implementations never log secret values and their {@code toString()} shows no value. They are
 * thread-safe.
 */
public interface SecretProvider {

  /**
   * @param name the secret's name
   * @return its value
   * @throws NotFoundException naming the secret (never its value) if there is no such secret
   */
  String secret(String name);

  /**
   * A secret holding a JSON object, flattened to its top-level fields (numbers and booleans as their
   * JSON text). The default reads {@link #secret(String)} with the library's one secret-JSON reader, so an
   * implementation needs only {@code secret}; a caching one may override it.
   *
   * @param name the secret's name
   * @return its fields
   * @throws NotFoundException if there is no such secret
   * @throws DataFormatException if the secret is not a JSON object (the message never quotes it)
   */
  default Map<String, String> json(String name) {
    return SecretJson.flatten(secret(name), name);
  }

  /**
   * @return secrets from this process's environment variables (see {@link EnvironmentSecretProvider})
   */
  static SecretProvider environment() {
    return EnvironmentSecretProvider.system();
  }

  /**
   * @param file a {@code .json} or properties file (see {@link FileSecretProvider})
   * @return secrets from that file, read now
   * @throws NotFoundException if the file does not exist
   * @throws DataFormatException if it cannot be parsed
   */
  static SecretProvider fromFile(Path file) {
    return FileSecretProvider.of(file);
  }

  /**
   * @param delegate where secrets come from
   * @param ttl how long each value is reused before asking {@code delegate} again
   * @return a caching provider (see {@link CachingSecretProvider})
   */
  static SecretProvider cached(SecretProvider delegate, Duration ttl) {
    return CachingSecretProvider.of(delegate, ttl, Clock.systemUTC());
  }
}
