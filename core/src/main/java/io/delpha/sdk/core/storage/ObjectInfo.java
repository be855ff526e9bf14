package io.delpha.sdk.core.storage;

import java.time.Instant;

/**
 * What a store knows of one object.
 *
 * @param key the object's key
 * @param size its size in bytes
 * @param lastModified when it was last written
 */
public record ObjectInfo(String key, long size, Instant lastModified) {}
