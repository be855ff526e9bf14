package io.delpha.sdk.cassandra;

import org.jspecify.annotations.Nullable;
/**
 * A column of a table or materialized view, as the data dictionary describes it.
 *
 * @param name the column's name
 * @param type its CQL type as text, e.g. {@code text} or {@code map<text, int>}
 * @param kind its role in the primary key
 * @param clusteringOrder {@code ASC} or {@code DESC} for clustering columns, {@code null} otherwise
 */
public record ColumnDescription(String name, String type, ColumnKind kind, @Nullable String clusteringOrder) {}
