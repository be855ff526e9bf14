package io.delpha.sdk.core.storage;

import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A flat store of immutable-by-convention objects addressed by {@code /}-separated keys: an S3 bucket
 * ({@code io.delpha.sdk.aws.S3ObjectStore}, in the aws capability) or a local folder ({@link LocalObjectStore}), with the same semantics.
 *
 * <pre>{@code
 * ObjectStore lake = LocalObjectStore.at(Path.of("lake"));
 * lake.put("a/b.parquet", bytes);
 * try (InputStream in = lake.get("a/b.parquet")) { ... }
 * lake.list("a/").forEach(System.out::println);          // every key under the prefix, lazily
 * lake.putIfAbsent("zone/x.parquet", file);             // ConflictException if the key exists
 * }</pre>
 *
 * <p>Keys are relative, {@code /}-separated, never start with {@code /} and never contain {@code .} or
 * {@code ..} segments: such keys are refused with {@link InvalidInputException}. A write is atomic:
 * readers see the whole new object or none of it. Implementations are thread-safe. Failures to reach
 * the store are {@link ServiceUnavailableException}s naming the store and the key.
 */
public interface ObjectStore extends AutoCloseable {

  /**
   * Writes an object, replacing any object at that key.
   *
   * @param key the object's key
   * @param content the whole content
   */
  default void put(String key, byte[] content) {
    put(key, new ByteArrayInputStream(content), content.length);
  }

  /**
   * Writes an object from a stream, replacing any object at that key. Large content is streamed
   * (multipart on S3), never held in memory whole.
   *
   * @param key the object's key
   * @param content the content; read to its end, not closed
   * @param length the number of bytes, or {@code -1} if unknown
   */
  void put(String key, InputStream content, long length);

  /**
   * Writes an object from a file, replacing any object at that key.
   *
   * @param key the object's key
   * @param file the file to upload
   */
  void put(String key, Path file);

  /**
   * Writes an object only if no object exists at that key (immutable zones).
   *
   * @param key the object's key
   * @param content the whole content
   * @throws ConflictException if an object already exists at {@code key}; it is left untouched
   */
  default void putIfAbsent(String key, byte[] content) {
    putIfAbsent(key, new ByteArrayInputStream(content), content.length);
  }

  /**
   * Writes an object from a stream only if no object exists at that key.
   *
   * @param key the object's key
   * @param content the content; read to its end, not closed
   * @param length the number of bytes, or {@code -1} if unknown
   * @throws ConflictException if an object already exists at {@code key}; it is left untouched
   */
  void putIfAbsent(String key, InputStream content, long length);

  /**
   * Writes an object from a file only if no object exists at that key.
   *
   * @param key the object's key
   * @param file the file to upload
   * @throws ConflictException if an object already exists at {@code key}; it is left untouched
   */
  void putIfAbsent(String key, Path file);

  /**
   * Opens an object for reading. The caller closes the stream.
   *
   * @param key the object's key
   * @return its content, streamed
   * @throws NotFoundException if no object exists at {@code key}
   */
  InputStream get(String key);

  /**
   * Reads a whole object into memory: for small objects only.
   *
   * @param key the object's key
   * @return its content
   * @throws NotFoundException if no object exists at {@code key}
   */
  byte[] getBytes(String key);

  /**
   * @param key an object's key
   * @return whether an object exists there
   */
  boolean exists(String key);

  /**
   * @param key an object's key
   * @return its size and modification time, or empty if no object exists there
   */
  Optional<ObjectInfo> stat(String key);

  /**
   * Every key under a prefix, in lexicographic order, fetched page by page as the stream is consumed.
   * Close the stream if you stop early.
   *
   * @param prefix a key prefix, e.g. {@code "sales_order/"}; empty for every key
   * @return the keys (full keys, prefix included)
   */
  Stream<String> list(String prefix);

  /**
   * The "folders" directly under a prefix: the distinct key segments up to the next {@code /}, as S3's
   * delimiter listing gives them.
   *
   * @param prefix a prefix ending in {@code /}, or empty for the top level
   * @return the folder prefixes, each ending in {@code /}, sorted, e.g. {@code ["flow/exec-1/", "flow/exec-2/"]}
   */
  List<String> listFolders(String prefix);

  /**
   * Deletes an object; deleting a missing key is not an error.
   *
   * @param key the object's key
   */
  void delete(String key);

  /**
   * Moves an object to another key (copy, then delete the source). The target appears whole.
   *
   * @param from the existing key
   * @param to the new key; an object there is replaced
   * @throws NotFoundException if {@code from} does not exist
   */
  void move(String from, String to);

  /**
   * @return a human-readable location for messages, e.g. {@code s3://bucket} or {@code file:///lake}
   */
  String describe();

  /**
   * Optional part of the role: the object as a local file, for readers that can read a file in place instead of
   * copying its bytes first (the Parquet reader seeks into a file's footer and column chunks). A store that wraps
   * another (a host's decorator) forwards this to the one it wraps.
   *
   * @param key the object's key
   * @return the object's file when this store keeps objects as local files and the object exists; empty otherwise
   *     (the default), and the caller reads through {@link #get(String)}
   * @throws io.delpha.sdk.core.InvalidInputException if the key is malformed or escapes the store
   */
  default Optional<Path> localFile(String key) {
    return Optional.empty();
  }

  /**
   * Releases clients and threads the store owns. Stores built around a caller's client leave it open. Idempotent; the
   * library's stores ({@code LocalObjectStore}, {@code S3ObjectStore}) then throw {@link
   * io.delpha.sdk.core.ClosedException} from every method, and a host's own store should too. The default does
   * nothing, for stores that hold nothing.
   */
  @Override
  default void close() {}
}
