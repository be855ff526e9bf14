/**
 * delpha-data-sdk, every capability: this module reads and re-exports each capability's module, so a host on the
 * module path requires {@code io.delpha.sdk} alone, as before the library was cut into modules.
 */
module io.delpha.sdk {
  requires transitive io.delpha.sdk.core;
  requires transitive io.delpha.sdk.cassandra;
  requires transitive io.delpha.sdk.security;
  requires transitive io.delpha.sdk.parquet;
  requires transitive io.delpha.sdk.server;
  requires transitive io.delpha.sdk.salesforce;
  requires transitive io.delpha.sdk.azure;
  requires transitive io.delpha.sdk.aws;
  requires transitive io.delpha.sdk.sharing;
  requires transitive io.delpha.sdk.usage;
  requires transitive io.delpha.sdk.totesys;
  requires transitive io.delpha.sdk.ingest;
  requires transitive io.delpha.sdk.changes;
}
