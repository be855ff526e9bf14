/**
 * Internal: Parquet modular encryption's ciphers, module AADs and keys: the read side ({@code FileDecryptor}), and the
 * write side's keys and envelope ({@code FileEncryptor}, {@code KeyWrapper}), whose modules parquet-hadoop's file
 * writer encrypts. Not part of the API; may change in any release.
 */
@NullMarked
package io.delpha.sdk.parquet.internal.crypto;

import org.jspecify.annotations.NullMarked;
