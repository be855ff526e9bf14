/**
 * Internal: not part of the API; may change in any release. The byte-level codec of Parquet's VARIANT values
 * (the format's VariantEncoding.md): validation of a metadata and value pair, reads of its values, JSON rendering,
 * equality, and the encoder. Works on byte arrays and offsets only; {@code io.delpha.sdk.parquet.Variant} is its one
 * user.
 */
@NullMarked
package io.delpha.sdk.parquet.internal.variant;

import org.jspecify.annotations.NullMarked;
