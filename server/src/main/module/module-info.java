/** The one embedded HTTP server foundation (Jetty) and its defences. */
module io.delpha.sdk.server {
  requires transitive io.delpha.sdk.core;
  requires static org.eclipse.jetty.server;
  requires io.netty.handler;

  exports io.delpha.sdk.server;

  provides io.delpha.sdk.core.internal.StackReader with io.delpha.sdk.server.internal.ServerStack;
}
