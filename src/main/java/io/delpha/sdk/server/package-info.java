/**
 * The settings of the library's embedded HTTP services (the ingest upload endpoint, the usage-analytics service):
 * {@link io.delpha.sdk.server.ServerOptions} and {@link io.delpha.sdk.server.ServerTls}. The server foundation
 * itself (Jetty, an optional stack) is internal; the services that use it check for it at their entry points.
 */
@NullMarked
package io.delpha.sdk.server;

import org.jspecify.annotations.NullMarked;
