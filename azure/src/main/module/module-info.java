/** Azure Key Vault as a SecretProvider. */
module io.delpha.sdk.azure {
  requires transitive io.delpha.sdk.core;
  requires static com.azure.security.keyvault.secrets;
  requires static com.azure.identity;
  requires static com.azure.core.http.jdk.httpclient;
  requires static com.microsoft.aad.msal4j;
  requires static reactor.core;

  exports io.delpha.sdk.azure;

  provides io.delpha.sdk.core.internal.StackReader with io.delpha.sdk.azure.internal.AzureStack;
}
