/**
 * delpha-data-sdk as a named module: the API packages are exported, no {@code internal} package is (hosts on the
 * module path cannot import one; docs/architecture.md, "The module").
 *
 * <p>The core's stack is required: the Cassandra driver (its jar has no {@code Automatic-Module-Name}, so its name
 * is the one derived from {@code java-driver-core-<version>.jar}), Jackson, SLF4J, JSpecify and jBCrypt (also named
 * from its jar). Each optional stack with a stable module name is {@code requires static}: read when the host
 * resolves it, never needed otherwise. The Parquet and Hadoop jars have no usable name (their packages are split
 * across jars), nor have the SigV4 plugin or the driver's Micrometer metrics: they stay on the class
 * path, and {@code core.internal.Capability}, the one check of a stack, makes this module read the module of each
 * stack it finds (the class path's unnamed module included), so a host needs no {@code --add-reads}.
 *
 * <p>This descriptor is compiled on its own against the class-path-compiled classes (the POM's
 * {@code module-descriptor} execution), because javac refuses a named module that reads the Parquet jars.
 */
module io.delpha.sdk {
  // the core, whatever capabilities a host takes; the driver's, Jackson's and JDBC's types are in the API
  requires transitive java.driver.core;
  requires transitive com.fasterxml.jackson.databind;
  requires transitive org.jspecify;
  requires transitive java.sql;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires org.slf4j;
  requires jbcrypt;
  requires io.netty.handler;
  requires java.management;
  requires java.net.http;
  // sun.misc.Unsafe for the driver's Netty (an automatic module, which requires nothing): without this edge a named
  // host's module graph lacks jdk.unsupported and Netty silently falls back to heap buffers
  requires jdk.unsupported;

  // optional stacks with a stable module name (on the class path instead, Capability adds the read edge)
  requires static software.amazon.awssdk.services.s3;
  requires static software.amazon.awssdk.services.sns;
  requires static software.amazon.awssdk.services.secretsmanager;
  requires static software.amazon.awssdk.services.appflow;
  requires static software.amazon.awssdk.http;
  requires static software.amazon.awssdk.core;
  requires static software.amazon.awssdk.awscore;
  requires static software.amazon.awssdk.auth;
  requires static software.amazon.awssdk.regions;
  requires static software.amazon.awssdk.retries.api;
  requires static software.amazon.awssdk.utils;
  requires static org.eclipse.jetty.server;
  requires static org.postgresql.jdbc;
  requires static com.azure.security.keyvault.secrets;
  requires static com.azure.identity;
  requires static com.azure.core.http.jdk.httpclient;
  requires static com.microsoft.aad.msal4j;
  requires static reactor.core;
  requires static micrometer.core;
  requires static roaringbitmap;

  exports io.delpha.sdk.core;
  exports io.delpha.sdk.core.secrets;
  exports io.delpha.sdk.core.storage;
  exports io.delpha.sdk.cassandra;
  exports io.delpha.sdk.security;
  exports io.delpha.sdk.ingest;
  exports io.delpha.sdk.parquet;
  exports io.delpha.sdk.aws;
  exports io.delpha.sdk.azure;
  exports io.delpha.sdk.salesforce;
  exports io.delpha.sdk.sharing;
  exports io.delpha.sdk.server;
  exports io.delpha.sdk.totesys;
  exports io.delpha.sdk.usage;

  // the driver makes the retry policy the library configures by its class name (advanced.retry-policy.class)
  opens io.delpha.sdk.cassandra.internal to java.driver.core;
  // Jackson binds the Totesys pipeline's own state files (Extractor.State, Transformer.Manifest, package-private)
  opens io.delpha.sdk.totesys.internal to com.fasterxml.jackson.databind;
}
