/**
 * Internal: not part of the API; may change in any release. The CQL plumbing every capability that writes to
 * Cassandra shares, built on the driver alone (a core dependency) and never on a capability's type: one identifier
 * rendering ({@link io.delpha.sdk.core.internal.cql.CqlNames}), one mapping of the driver's failures to the library's
 * exceptions ({@link io.delpha.sdk.core.internal.cql.DriverErrors}), the one synchronous result-set wrapper
 * ({@link io.delpha.sdk.core.internal.cql.MappedResultSet}, whose rows print their columns), and the one writer of rows
 * into a table ({@link io.delpha.sdk.core.internal.cql.RowBatcher}, over the bounded
 * {@link io.delpha.sdk.core.internal.cql.BoundedWriter}).
 */
@NullMarked
package io.delpha.sdk.core.internal.cql;

import org.jspecify.annotations.NullMarked;
