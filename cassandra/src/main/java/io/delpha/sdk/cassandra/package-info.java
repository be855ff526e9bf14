/**
 * Cassandra: connections, CQL and the data dictionary.
 *
 * <p>Seams: {@link io.delpha.sdk.cassandra.CqlExecutor}, the one way every component reaches Cassandra
 * (implemented by {@link io.delpha.sdk.cassandra.CassandraManager} and by access-key scoped sessions);
 * {@link io.delpha.sdk.cassandra.SchemaCatalog} and {@link io.delpha.sdk.cassandra.DictionaryExporter},
 * implemented by {@link io.delpha.sdk.cassandra.DictionaryManager}. Schema descriptions are immutable
 * records ({@link io.delpha.sdk.cassandra.KeyspaceDescription}, {@link
 * io.delpha.sdk.cassandra.TableDescription}, ...); {@link io.delpha.sdk.cassandra.CassandraKeyspaces}
 * names Cassandra's own keyspaces once.
 */
@NullMarked
package io.delpha.sdk.cassandra;

import org.jspecify.annotations.NullMarked;
