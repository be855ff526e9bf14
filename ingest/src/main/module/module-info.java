/** BatchIngestor: multi-tenant batch ingestion, the upload endpoint, ingest apps. */
module io.delpha.sdk.ingest {
  requires transitive io.delpha.sdk.cassandra;
  requires transitive io.delpha.sdk.server;

  exports io.delpha.sdk.ingest;
}
