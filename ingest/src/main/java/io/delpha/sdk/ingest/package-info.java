/**
 * Multi-tenant batch ingestion of client files into per-customer Cassandra keyspaces.
 *
 * <p>Seams hosts depend on: {@link io.delpha.sdk.ingest.CustomerRegistry} (customers and their
 * constraints), {@link io.delpha.sdk.ingest.FileStaging} (checked uploads, the HTTP endpoint), {@link
 * io.delpha.sdk.ingest.IngestRunner} (managers ingesting staged files), all implemented by {@link
 * io.delpha.sdk.ingest.BatchIngestor}; {@link io.delpha.sdk.ingest.IngestApp} (what a customer's file
 * becomes, in Java), {@link io.delpha.sdk.ingest.IngestProgram} (a customer's own app in any language, run sandboxed:
 * docs/ingest-apps.md), {@link io.delpha.sdk.ingest.IngestListener} (progress). {@link
 * io.delpha.sdk.ingest.UploadServer} takes customers' uploads over HTTP; {@link io.delpha.sdk.ingest.UploadClient}
 * sends them from another machine.
 */
@NullMarked
package io.delpha.sdk.ingest;

import org.jspecify.annotations.NullMarked;
