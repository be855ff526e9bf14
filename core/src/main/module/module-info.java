/**
 * The core every capability builds on. Its API packages are exported; its internals (the one HTTP client layer, JSON,
 * CSV, the settings table, the capability check, the Cassandra plumbing) serve the library's own modules only.
 */
module io.delpha.sdk.core {
  // the driver's, Jackson's and JDBC's types are in the API of the capabilities built on the core
  requires transitive java.driver.core;
  requires transitive com.fasterxml.jackson.databind;
  requires transitive org.jspecify;
  requires transitive java.sql;
  requires transitive java.net.http;
  requires transitive org.slf4j;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires java.management;
  // sun.misc.Unsafe for the driver's Netty (an automatic module, which requires nothing): without this edge a named
  // host's module graph lacks jdk.unsupported and Netty silently falls back to heap buffers
  requires jdk.unsupported;
  requires static micrometer.core;

  uses io.delpha.sdk.core.internal.StackReader;

  exports io.delpha.sdk.core;
  exports io.delpha.sdk.core.secrets;
  exports io.delpha.sdk.core.storage;
  exports io.delpha.sdk.core.internal to io.delpha.sdk.cassandra, io.delpha.sdk.security, io.delpha.sdk.parquet, io.delpha.sdk.server, io.delpha.sdk.salesforce, io.delpha.sdk.azure, io.delpha.sdk.aws, io.delpha.sdk.sharing, io.delpha.sdk.usage, io.delpha.sdk.totesys, io.delpha.sdk.ingest, io.delpha.sdk.changes;
  exports io.delpha.sdk.core.internal.cql to io.delpha.sdk.cassandra, io.delpha.sdk.security, io.delpha.sdk.aws, io.delpha.sdk.ingest, io.delpha.sdk.changes;
  exports io.delpha.sdk.core.internal.http to io.delpha.sdk.server, io.delpha.sdk.salesforce, io.delpha.sdk.azure, io.delpha.sdk.sharing, io.delpha.sdk.usage, io.delpha.sdk.ingest, io.delpha.sdk.changes;
  exports io.delpha.sdk.core.internal.metrics to io.delpha.sdk.cassandra, io.delpha.sdk.security, io.delpha.sdk.server, io.delpha.sdk.salesforce, io.delpha.sdk.aws, io.delpha.sdk.sharing, io.delpha.sdk.usage, io.delpha.sdk.totesys, io.delpha.sdk.ingest, io.delpha.sdk.changes;
  exports io.delpha.sdk.core.secrets.internal to io.delpha.sdk.sharing;
  exports io.delpha.sdk.core.storage.internal to io.delpha.sdk.aws;
}
