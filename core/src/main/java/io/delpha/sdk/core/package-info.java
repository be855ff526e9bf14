/**
 * What every component of delpha-data-sdk shares: the exception hierarchy rooted at {@link
 * io.delpha.sdk.core.DelphaException}, the {@link io.delpha.sdk.core.ProgressListener}, the {@link
 * io.delpha.sdk.core.RetryPolicy} and the {@link io.delpha.sdk.core.Secret} value type. Sub-packages
 * hold the seams that exist once: object storage, secrets and Parquet rows.
 */
@NullMarked
package io.delpha.sdk.core;

import org.jspecify.annotations.NullMarked;
