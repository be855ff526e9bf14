/** The one metrics recorder of the library's components, over the host's optional Micrometer registry. */
@NullMarked
package io.delpha.sdk.core.internal.metrics;

import org.jspecify.annotations.NullMarked;
