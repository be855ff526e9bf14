/**
 * Access control by private keys: organisation-bound keys and one admin key, stored (as hashes) in
 * Cassandra, and sessions scoped to an organisation's keyspaces. Start at {@link
 * io.delpha.sdk.security.AccessKeys}.
 */
@NullMarked
package io.delpha.sdk.security;

import org.jspecify.annotations.NullMarked;
