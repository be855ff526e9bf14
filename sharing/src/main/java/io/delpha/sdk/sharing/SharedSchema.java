package io.delpha.sdk.sharing;

/**
 * A schema of a share: a named group of tables.
 *
 * @param name the schema's name
 * @param share the share it belongs to
 */
public record SharedSchema(String name, String share) {}
