/** Internal: not part of the API; may change in any release. */
@NullMarked
package io.delpha.sdk.parquet.internal;

import org.jspecify.annotations.NullMarked;
