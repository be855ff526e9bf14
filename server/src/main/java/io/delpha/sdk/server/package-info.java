/**
 * The library's one embedded HTTP server, on Jetty (an optional stack, the {@code http-server} capability): {@link
 * io.delpha.sdk.server.HttpService} (routes with {@code {name}} path parameters, JSON answers and errors, limits,
 * HTTPS, request metrics), the {@link io.delpha.sdk.server.Exchange} a route's handler answers through, and their
 * settings, {@link io.delpha.sdk.server.ServerOptions} and {@link io.delpha.sdk.server.ServerTls}.
 *
 * <p>A public seam: the ingest upload endpoint ({@code ingest.UploadServer}) and the usage-analytics service ({@code
 * usage.UsageAnalyticsServer}) run on it, and a host may serve its own routes with it. {@link
 * io.delpha.sdk.server.HttpService#start} checks for Jetty first (a {@code MissingDependencyException} naming the
 * coordinates to add); the classes of this package load and link without Jetty, whose types stay in
 * package-private classes ({@code JettyServer}, {@code ConnectionGuard}).
 */
@NullMarked
package io.delpha.sdk.server;

import org.jspecify.annotations.NullMarked;
