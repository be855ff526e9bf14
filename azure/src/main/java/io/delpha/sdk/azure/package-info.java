/**
 * Azure, an optional stack: {@link io.delpha.sdk.azure.AzureKeyVaultProvider}, a
 * {@link io.delpha.sdk.core.secrets.SecretProvider} over Key Vault. Its entry points check that the Azure stack
 * is on the class path and name the missing artifacts otherwise.
 */
@NullMarked
package io.delpha.sdk.azure;

import org.jspecify.annotations.NullMarked;
