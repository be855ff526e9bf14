/** Internal: not part of the API; may change in any release. */
@NullMarked
package io.delpha.sdk.changes.internal;

import org.jspecify.annotations.NullMarked;
