/**
 * Salesforce Change Data Capture, applied into Cassandra: a {@link io.delpha.sdk.changes.ChangeStream} subscribes to a
 * change event topic over Salesforce's Pub/Sub API (gRPC, Avro-encoded events), decodes each change as Salesforce
 * documents it, writes it into the object's table so that replays and duplicates are harmless, and checkpoints the
 * replay id only after the writes it covers are acknowledged.
 *
 * <pre>{@code
 * try (ChangeStream changes = SalesforceChangeStream.builder()
 *     .topic("/data/AccountChangeEvent").keyspace("org_00d5e000001")
 *     .cql(cassandra).salesforce(sf)            // a SalesforceManager: re-reads and the Pub/Sub login
 *     .build()) {
 *   changes.start();
 *   ...
 *   ChangeStreamStatus s = changes.status();  // state, last applied replay id, lag
 * }
 * }</pre>
 */
@NullMarked
package io.delpha.sdk.changes;

import org.jspecify.annotations.NullMarked;
