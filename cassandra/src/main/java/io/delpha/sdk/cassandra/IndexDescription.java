package io.delpha.sdk.cassandra;

import org.jspecify.annotations.Nullable;
/**
 * A secondary index.
 *
 * @param name the index's name
 * @param table the indexed table
 * @param target what is indexed, e.g. {@code email} or {@code keys(tags)}
 * @param kind {@code COMPOSITES}, {@code KEYS} or {@code CUSTOM}
 * @param className the implementation of a custom index (e.g. SAI's {@code StorageAttachedIndex}), or {@code null}
 */
public record IndexDescription(String name, String table, String target, String kind, @Nullable String className) {}
