/** The one metrics recorder of the library's components, over the host's optional Micrometer registry. */
package io.delpha.sdk.core.internal.metrics;
