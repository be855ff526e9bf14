/** The per-organisation usage-analytics service over shared tables. */
module io.delpha.sdk.usage {
  requires transitive io.delpha.sdk.sharing;
  requires transitive io.delpha.sdk.security;
  requires transitive io.delpha.sdk.server;

  exports io.delpha.sdk.usage;
}
