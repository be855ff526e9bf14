/**
 * Per-organisation platform-usage analytics: {@link io.delpha.sdk.usage.UsageAnalyticsServer} serves each access key
 * its organisation's rows of a shared usage table (read with {@link io.delpha.sdk.sharing.DeltaSharingClient}), as
 * JSON, charts and a page, over HTTP(S) on the library's one HTTP foundation ({@link io.delpha.sdk.server}),
 * authenticated by {@link io.delpha.sdk.security.AccessKeys}. A host that wants the sharing client alone does not
 * load this package.
 */
@NullMarked
package io.delpha.sdk.usage;

import org.jspecify.annotations.NullMarked;
