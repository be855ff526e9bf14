/**
 * Object storage, one seam: {@link io.delpha.sdk.core.storage.ObjectStore}, implemented on a local
 * folder ({@link io.delpha.sdk.core.storage.LocalObjectStore}, never following links out of its root)
 * and on S3 ({@code io.delpha.sdk.aws.S3ObjectStore}, in the aws capability). Write-once {@code putIfAbsent}, lazily
 * paged listings, typed errors.
 */
@NullMarked
package io.delpha.sdk.core.storage;

import org.jspecify.annotations.NullMarked;
