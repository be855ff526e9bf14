/**
 * Secrets, one seam: {@link io.delpha.sdk.core.secrets.SecretProvider} (environment, file, AWS Secrets
 * Manager, Azure Key Vault, caching). Values come back as {@link io.delpha.sdk.core.Secret}s, which never print themselves.
 */
@NullMarked
package io.delpha.sdk.core.secrets;

import org.jspecify.annotations.NullMarked;
