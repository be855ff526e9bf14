/** The steps of the totesys pipeline and their lake and warehouse layouts; not for hosts. */
package io.delpha.sdk.totesys.internal;
