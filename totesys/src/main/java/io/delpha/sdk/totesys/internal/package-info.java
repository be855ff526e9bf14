/** The steps of the totesys pipeline and their lake and warehouse layouts; not for hosts. */
@NullMarked
package io.delpha.sdk.totesys.internal;

import org.jspecify.annotations.NullMarked;
