/** Cassandra: CqlExecutor, CassandraManager, DictionaryManager. */
module io.delpha.sdk.cassandra {
  requires transitive io.delpha.sdk.core;
  requires io.netty.handler;
  // CassandraManagerBuilder.sigV4 (Amazon Keyspaces) and the driver's own metrics, when the host adds them
  requires static software.amazon.awssdk.auth;
  requires static micrometer.core;

  exports io.delpha.sdk.cassandra;
  // the driver makes the retry policy the library configures by its class name (advanced.retry-policy.class)
  opens io.delpha.sdk.cassandra.internal to java.driver.core;

  provides io.delpha.sdk.core.internal.StackReader with io.delpha.sdk.cassandra.internal.CassandraStack;
}
