/**
 * Internal: the row model's scalar kinds, one file per kind, each saying everything the library knows of its kind in
 * every system the row model meets: its Java value, its Parquet type and representations, its CQL type and driver
 * value, its PostgreSQL warehouse type and binary {@code COPY} form, its JDBC read, its DuckDB type and exact read,
 * its Spark name, partition value and widening.
 *
 * <p>This is the one {@code internal} package of a capability that other capabilities use, by design: the row model
 * is the type every capability's rows cross in ({@code aws}'s Cassandra loader, {@code totesys}'s warehouse and
 * extract, {@code sharing}'s DuckDB and Spark schemas, {@code usage}'s cache), and a kind's knowledge must live in one
 * place. Those capabilities use {@link io.delpha.sdk.parquet.internal.kinds.ScalarKind} and
 * {@link io.delpha.sdk.parquet.internal.kinds.DuckDbSql} and nothing else of {@code parquet}'s internals. Nested kinds (LIST, MAP, STRUCT) are structure, not kinds here: each system composes them from their
 * parts.
 *
 * <p>Not part of the API; may change in any release.
 */
@NullMarked
package io.delpha.sdk.parquet.internal.kinds;

import org.jspecify.annotations.NullMarked;
