package io.delpha.sdk.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ManagedIdentityEndpointTest {

  @Test
  @DisplayName("the managed identity endpoint passes the address check only as the host names it: IMDS's token path, "
      + "or the origin of IDENTITY_ENDPOINT / MSI_ENDPOINT / IMDS_ENDPOINT; any other metadata URL does not")
  void onlyTheHostsOwnIdentityEndpoint() {
    Map<String, String> none = Map.of();
    assertThat(BoundedAzureTransport.isManagedIdentityEndpoint(
        URI.create("http://169.254.169.254/metadata/identity/oauth2/token?api-version=2019-08-01"), none)).isTrue();
    for (String other : new String[] {"http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://169.254.169.254/metadata/instance?api-version=2021-02-01", "https://169.254.169.254/metadata/identity/oauth2/token",
        "http://169.254.169.254:80/metadata/identity/oauth2/token", "http://2852039166/metadata/identity/oauth2/token",
        "http://[::ffff:169.254.169.254]/metadata/identity/oauth2/token", "http://169.254.129.3:8081/msi/token"}) {
      assertThat(BoundedAzureTransport.isManagedIdentityEndpoint(URI.create(other), none)).as(other).isFalse();
    }
    Map<String, String> appService = Map.of("IDENTITY_ENDPOINT", "http://169.254.129.3:8081/msi/token");
    assertThat(BoundedAzureTransport.isManagedIdentityEndpoint(
        URI.create("http://169.254.129.3:8081/msi/token?resource=https://vault.azure.net"), appService)).isTrue();
    assertThat(BoundedAzureTransport.isManagedIdentityEndpoint(URI.create("http://169.254.129.3:8082/x"), appService))
        .isFalse();
    assertThat(BoundedAzureTransport.isManagedIdentityEndpoint(URI.create("http://169.254.169.254/latest/"),
        Map.of("MSI_ENDPOINT", "not a url at all %%"))).isFalse();
  }
}
