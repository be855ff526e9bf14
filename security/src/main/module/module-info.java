/** Access control: private keys stored hashed in Cassandra, scoped sessions, the roles wall. */
module io.delpha.sdk.security {
  requires transitive io.delpha.sdk.cassandra;
  requires jbcrypt;

  exports io.delpha.sdk.security;
}
