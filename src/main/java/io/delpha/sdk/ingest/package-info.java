/**
 * Multi-tenant batch ingestion of client files into per-customer Cassandra keyspaces: {@link
 * io.delpha.sdk.ingest.BatchIngestor} (customers, uploads, staging, managers), the upload endpoint
 * ({@link io.delpha.sdk.ingest.UploadServer}, {@link io.delpha.sdk.ingest.UploadClient}) and the
 * customer's {@link io.delpha.sdk.ingest.IngestApp}.
 */
package io.delpha.sdk.ingest;
