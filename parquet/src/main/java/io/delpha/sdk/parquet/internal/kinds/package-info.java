/**
 * Internal: the row model's scalar kinds, one declaration (one final class) per kind, each saying everything the
 * library knows of its kind in every system the row model meets: its Java value, its Parquet type and representations,
 * its CQL type and driver value, its PostgreSQL warehouse type and binary {@code COPY} form, its JDBC read, its DuckDB
 * type and exact read, its Spark name, partition value and widening.
 *
 * <p>Only {@code parquet} names this package. Other capabilities ask what a type means to their engine through
 * {@code parquet.internal.engines}, whose classes compose LIST, MAP and STRUCT from their parts and ask these classes
 * for the rest.
 *
 * <p>Not part of the API; may change in any release.
 */
@NullMarked
package io.delpha.sdk.parquet.internal.kinds;

import org.jspecify.annotations.NullMarked;
