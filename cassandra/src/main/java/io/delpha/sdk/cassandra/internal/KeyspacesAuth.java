package io.delpha.sdk.cassandra.internal;

import com.datastax.oss.driver.api.core.auth.AuthProvider;
import io.delpha.sdk.core.MissingDependencyException;
import io.delpha.sdk.core.internal.Capability;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.aws.mcs.auth.SigV4AuthProvider;

/**
 * Amazon Keyspaces' SigV4 authentication, from AWS's driver plugin. The plugin is an optional dependency: this class
 * is the only one that names it, so a host without it fails here, with a message saying what to add.
 */
public final class KeyspacesAuth {

  private KeyspacesAuth() {}

  /**
   * @param region the signing region
   * @param credentials the AWS credentials, or {@code null} for the AWS SDK's default chain
   * @return the plugin's auth provider
   * @throws MissingDependencyException if the plugin is not on the class path
   */
  public static AuthProvider sigV4(String region, @Nullable AwsCredentialsProvider credentials) {
    try {
      return credentials == null ? new SigV4AuthProvider(region) : new SigV4AuthProvider(credentials, region);
    } catch (NoClassDefFoundError e) {
      MissingDependencyException missing = Capability.named("keyspaces-sigv4").missing("CassandraManagerBuilder.sigV4");
      missing.initCause(e);
      throw missing;
    }
  }
}
