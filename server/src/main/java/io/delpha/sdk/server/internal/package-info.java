/** The server's own plumbing, not part of the API: its read edge to Jetty when Jetty is on the class path. */
@NullMarked
package io.delpha.sdk.server.internal;

import org.jspecify.annotations.NullMarked;
