/** Internal: not part of the API; may change in any release. */
@NullMarked
package io.delpha.sdk.core.internal;

import org.jspecify.annotations.NullMarked;
