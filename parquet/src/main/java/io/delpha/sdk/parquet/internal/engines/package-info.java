/**
 * Internal: what the row model's types mean to the engines it meets, for the capabilities that meet them: CQL
 * ({@link io.delpha.sdk.parquet.internal.engines.Cql}, {@code aws}'s Cassandra loader), PostgreSQL
 * ({@link io.delpha.sdk.parquet.internal.engines.PostgreSql}, {@code totesys}'s warehouse and extract), DuckDB
 * ({@link io.delpha.sdk.parquet.internal.engines.DuckDbSql}, {@code sharing}'s views and cache, {@code usage}'s cache)
 * and Spark and Delta ({@link io.delpha.sdk.parquet.internal.engines.Spark}, {@code sharing}'s schemas and files), and
 * the shape of a nested type ({@link io.delpha.sdk.parquet.internal.engines.TypeVisitor}).
 *
 * <p>This is the one {@code internal} package of a capability that other capabilities use, by design: it is
 * {@code parquet}'s seam for them (exported to them alone once each capability is its own module). A scalar kind's
 * meaning in every engine is one declaration, its class in {@code parquet.internal.kinds}, which only {@code parquet}
 * names; these classes answer for any type, composing LIST, MAP and STRUCT from their parts, so no class outside
 * {@code parquet} switches over the kinds and a new kind changes none of them.
 *
 * <p>Not part of the API; may change in any release.
 */
@NullMarked
package io.delpha.sdk.parquet.internal.engines;

import org.jspecify.annotations.NullMarked;
