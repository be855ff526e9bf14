package io.delpha.sdk.sharing;

import org.jspecify.annotations.Nullable;
/**
 * A share the recipient may read: a named group of schemas.
 *
 * @param name the share's name
 * @param id the server's immutable identifier, {@code null} when the server does not send one
 */
public record Share(String name, @Nullable String id) {}
