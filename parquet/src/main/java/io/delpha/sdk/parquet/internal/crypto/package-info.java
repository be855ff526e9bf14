/**
 * Internal: Parquet modular encryption's ciphers, module AADs and keys (the read side; the write side reuses the
 * same cipher and AAD code). Not part of the API; may change in any release.
 */
@NullMarked
package io.delpha.sdk.parquet.internal.crypto;

import org.jspecify.annotations.NullMarked;
