/**
 * Delta Sharing without Spark: {@link io.delpha.sdk.sharing.DeltaSharingClient} reads shared tables as rows or
 * column batches of the {@code parquet} model ({@link io.delpha.sdk.sharing.Filter} hints re-applied on the client),
 * in both response formats of the protocol; {@link io.delpha.sdk.sharing.SharingSql} puts them under DuckDB views.
 * The per-organisation usage-analytics service built on it is {@code io.delpha.sdk.usage}.
 */
@NullMarked
package io.delpha.sdk.sharing;

import org.jspecify.annotations.NullMarked;
