package io.delpha.sdk.core.storage;

import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.storage.internal.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import java.util.Objects;

/**
 * An {@link ObjectStore} over a local folder: the embedded default, and what tests and single-machine
 * deployments use. Keys map to files under the root ({@code a/b.parquet} is {@code root/a/b.parquet}).
 *
 * <pre>{@code
 * ObjectStore lake = LocalObjectStore.at(Path.of("lake"));
 * lake.putIfAbsent("zone/2024/11/15/orders.parquet", file);
 * }</pre>
 *
 * <p>Every write goes to a temporary file in the target's folder (named {@code .delpha-tmp-*}, never
 * listed), is flushed to disk, then renamed into place atomically: readers never see a partial object,
 * and a crash leaves at most a temporary file that listings ignore. {@link #putIfAbsent} publishes the
 * temporary file with a hard link, which the file system refuses atomically if the key exists. Keys that
 * would escape the root ({@code ../x}, {@code /etc/x}) are refused with {@link InvalidInputException}.
 * Empty folders left by {@link #delete} are removed, so folder listings match S3's.
 */
public final class LocalObjectStore implements ObjectStore {

  private static final String TEMP_PREFIX = ".delpha-tmp-";

  private final Path root;
  private final ClosedGuard guard = new ClosedGuard("this LocalObjectStore");

  private LocalObjectStore(Path root) {
    this.root = root;
  }

  /**
   * @param root the folder holding the objects; created if missing
   * @return a store over it
   * @throws InvalidInputException if {@code root} exists and is not a folder
   */
  public static LocalObjectStore at(Path root) {
    Path normalized = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(normalized);
      return new LocalObjectStore(normalized.toRealPath());
    } catch (FileAlreadyExistsException e) {
      throw new InvalidInputException("local object store root " + normalized + " exists and is not a folder", e);
    } catch (IOException e) {
      throw new DelphaException("cannot create local object store root " + normalized + ": " + e.getMessage(), e);
    }
  }

  /**
   * @return the root folder
   */
  public Path root() {
    guard.check();
    return root;
  }

  @Override
  public void put(String key, InputStream content, long length) {
    guard.check();
    Path target = resolve(key);
    Path temp = spool(target, out -> copyChecked(key, content, out, length));
    publishReplacing(key, temp, target);
  }

  @Override
  public void put(String key, Path file) {
    guard.check();
    Path target = resolve(key);
    Path temp = spool(target, out -> Files.copy(file, out));
    publishReplacing(key, temp, target);
  }

  @Override
  public void putIfAbsent(String key, InputStream content, long length) {
    guard.check();
    Path target = resolve(key);
    failIfExists(key, target);
    Path temp = spool(target, out -> copyChecked(key, content, out, length));
    publishIfAbsent(key, temp, target);
  }

  @Override
  public void putIfAbsent(String key, Path file) {
    guard.check();
    Path target = resolve(key);
    failIfExists(key, target);
    Path temp = spool(target, out -> Files.copy(file, out));
    publishIfAbsent(key, temp, target);
  }

  @Override
  public InputStream get(String key) {
    guard.check();
    Path file = resolve(key);
    if (Files.isDirectory(file)) {
      throw notFound(key);
    }
    try {
      return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw notFound(key);
    } catch (IOException e) {
      throw failure("read", key, e);
    }
  }

  @Override
  public byte[] getBytes(String key) {
    guard.check();
    try (InputStream in = get(key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw failure("read", key, e);
    }
  }

  @Override
  public boolean exists(String key) {
    guard.check();
    return Files.isRegularFile(resolve(key), LinkOption.NOFOLLOW_LINKS);
  }

  /** The object's file under {@link #root()}, when it exists as a regular file (never through a link). */
  @Override
  public Optional<Path> localFile(String key) {
    guard.check();
    Path file = resolve(key);
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Optional.of(file) : Optional.empty();
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    guard.check();
    Path file = resolve(key);
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile()
          ? Optional.of(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant()))
          : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failure("stat", key, e);
    }
  }

  @Override
  public Stream<String> list(String prefix) {
    guard.check();
    Keys.requirePrefix(prefix);
    int slash = prefix.lastIndexOf('/');
    String folderKey = slash < 0 ? "" : prefix.substring(0, slash + 1);
    Path folder = folder(folderKey);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return Stream.empty();
    }
    Iterator<String> keys = new KeyIterator(folder, folderKey, prefix);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(
        keys, Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.SORTED | Spliterator.NONNULL), false);
  }

  @Override
  public List<String> listFolders(String prefix) {
    guard.check();
    Keys.requirePrefix(prefix);
    int slash = prefix.lastIndexOf('/');
    String folderKey = slash < 0 ? "" : prefix.substring(0, slash + 1);
    Path folder = folder(folderKey);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<String> folders = new ArrayList<>();
    for (Entry e : sortedEntries(folder, folderKey)) {
      if (e.directory && e.key.startsWith(prefix) && containsObject(e.path)) {
        folders.add(e.key);
      }
    }
    return folders;
  }

  @Override
  public void delete(String key) {
    guard.check();
    Path file = resolve(key);
    try {
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        Files.deleteIfExists(file);
        removeEmptyParents(file.getParent());
      }
    } catch (IOException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public void move(String from, String to) {
    guard.check();
    Path source = resolve(from);
    Path target = resolve(to);
    if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
      throw notFound(from);
    }
    try {
      Files.createDirectories(target.getParent());
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      removeEmptyParents(source.getParent());
    } catch (NoSuchFileException e) {
      throw notFound(from);
    } catch (IOException e) {
      throw failure("move to " + to + " from", from, e);
    }
  }

  @Override
  public String describe() {
    guard.check();
    return location();
  }

  /** What {@link #describe()} says, for messages: this store's address, closed or not. */
  private String location() {
    return root.toUri().toString();
  }

  /**
   * Closes this store: it holds no resource, but after this every call throws {@link ClosedException}, as every
   * store's does. Idempotent; the files stay where they are, for a new {@link #at(Path)}.
   */
  @Override
  public void close() {
    guard.close();
  }

  @Override
  public String toString() {
    return "LocalObjectStore[" + root + "]";
  }

  private Path resolve(String key) {
    Keys.requireKey(key);
    Path path = root.resolve(key).normalize();
    if (!path.startsWith(root) || path.equals(root)) {
      throw new InvalidInputException("object key '" + key + "' escapes the store's root " + root);
    }
    if (path.getFileName().toString().startsWith(TEMP_PREFIX)) {
      throw new InvalidInputException("object key '" + key + "' uses the reserved name prefix " + TEMP_PREFIX);
    }
    refuseLinks(path, key);
    return path;
  }

  /** The folder of a listing prefix, refusing one reached through a symbolic link. */
  private Path folder(String folderKey) {
    if (folderKey.isEmpty()) {
      return root;
    }
    Path folder = root.resolve(folderKey).normalize();
    if (!folder.startsWith(root)) {
      throw new InvalidInputException("prefix '" + folderKey + "' escapes the store's root " + root);
    }
    refuseLinks(folder, folderKey);
    return folder;
  }

  /**
   * Refuses a key whose path passes through a symbolic link anywhere below the root: the store never
   * follows a link out of its root, for reads, writes, listings, moves or deletes. (Someone who can
   * create links inside the root between this check and the file operation is trusted with the root
   * already; the final open uses {@code NOFOLLOW_LINKS} as well.)
   */
  private void refuseLinks(Path path, String key) {
    Path p = root;
    for (Path part : root.relativize(path)) {
      p = p.resolve(part);
      if (Files.isSymbolicLink(p)) {
        throw new InvalidInputException("object key '" + key + "' passes through a symbolic link in " + root
            + "; the store does not follow links");
      }
    }
  }

  @FunctionalInterface
  private interface Producer {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes content to a durable temporary file beside the target. */
  private Path spool(Path target, Producer producer) {
    Path temp = null;
    try {
      Path parent = ensureFolder(Objects.requireNonNull(target.getParent(), "a key resolves below the root"));
      temp = parent.resolve(TEMP_PREFIX + UUID.randomUUID());
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
        producer.writeTo(out);
        out.flush();
        channel.force(true);
      }
      return temp;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp);
      if (e instanceof DelphaException d) {
        throw d;
      }
      throw failure("write", relative(target), e);
    }
  }

  private Path ensureFolder(Path folder) throws IOException {
    if (Files.exists(folder) && !Files.isDirectory(folder)) {
      throw new ConflictException("cannot write under " + relative(folder) + "/ in " + location()
          + ": an object already exists at key " + relative(folder));
    }
    return Files.createDirectories(folder);
  }

  private void publishReplacing(String key, Path temp, Path target) {
    try {
      if (Files.isDirectory(target)) {
        throw new ConflictException("cannot write object " + key + " in " + location()
            + ": other objects exist under " + key + "/");
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw failure("write", key, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  private void publishIfAbsent(String key, Path temp, Path target) {
    try {
      Files.createLink(target, temp);
    } catch (FileAlreadyExistsException e) {
      throw conflict(key);
    } catch (UnsupportedOperationException e) {
      moveWithoutReplacing(key, temp, target);
    } catch (IOException e) {
      throw failure("write", key, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /** Fallback for file systems without hard links: a non-replacing move (atomic on POSIX). */
  private void moveWithoutReplacing(String key, Path temp, Path target) {
    try {
      Files.move(temp, target);
    } catch (FileAlreadyExistsException e) {
      throw conflict(key);
    } catch (IOException e) {
      throw failure("write", key, e);
    }
  }

  private void copyChecked(String key, InputStream content, OutputStream out, long length) throws IOException {
    long copied = content.transferTo(out);
    if (length >= 0 && copied != length) {
      throw new InvalidInputException("content for " + key + " in " + location() + " was " + copied
          + " bytes, but the caller announced " + length + "; nothing was written");
    }
  }

  private void failIfExists(String key, Path target) {
    if (Files.exists(target)) {
      throw conflict(key);
    }
  }

  private ConflictException conflict(String key) {
    return new ConflictException("object " + key + " already exists in " + location()
        + " and this zone is write-once; it was left untouched");
  }

  private NotFoundException notFound(String key) {
    return new NotFoundException("no object " + key + " in " + location());
  }

  private DelphaException failure(String operation, String key, Exception e) {
    if (e instanceof AccessDeniedException) {
      return new io.delpha.sdk.core.AccessDeniedException(
          "cannot " + operation + " object " + key + " in " + location() + ": permission denied", e);
    }
    return new DelphaException("cannot " + operation + " object " + key + " in " + location() + ": " + e, e);
  }

  private String relative(Path path) {
    return root.relativize(path).toString().replace('\\', '/');
  }

  private void removeEmptyParents(@Nullable Path folder) {
    Path current = folder;
    while (current != null && current.startsWith(root) && !current.equals(root)) {
      try {
        Files.delete(current);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return;
      } catch (IOException e) {
        return; // an empty folder left behind is harmless: listings skip it
      }
      current = current.getParent();
    }
  }

  private static void deleteQuietly(@Nullable Path temp) {
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // a stray temporary file is never listed and never read
      }
    }
  }

  private static boolean containsObject(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.anyMatch(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
          && !p.getFileName().toString().startsWith(TEMP_PREFIX));
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  private record Entry(String key, Path path, boolean directory) {}

  /** The entries of one folder, each as a key (folders with a trailing slash), in key order. */
  private List<Entry> sortedEntries(Path folder, String folderKey) {
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (name.startsWith(TEMP_PREFIX)) {
          continue;
        }
        BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        boolean dir = a.isDirectory();
        if (dir || a.isRegularFile()) {
          entries.add(new Entry(folderKey + name + (dir ? "/" : ""), child, dir));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new DelphaException("cannot list " + folderKey + " in " + location() + ": " + e, e);
    }
    entries.sort((a, b) -> a.key.compareTo(b.key));
    return entries;
  }

  /** Depth-first walk in key order, one folder listing at a time. */
  private final class KeyIterator implements Iterator<String> {
    private final Deque<Iterator<Entry>> stack = new ArrayDeque<>();
    private final String prefix;
    private @Nullable String next;

    KeyIterator(Path folder, String folderKey, String prefix) {
      this.prefix = prefix;
      stack.push(sortedEntries(folder, folderKey).iterator());
    }

    @Override
    public boolean hasNext() {
      while (next == null && !stack.isEmpty()) {
        Iterator<Entry> top = stack.peek();
        if (!top.hasNext()) {
          stack.pop();
          continue;
        }
        Entry e = top.next();
        if (e.directory) {
          if (e.key.startsWith(prefix) || prefix.startsWith(e.key)) {
            stack.push(sortedEntries(e.path, e.key).iterator());
          }
        } else if (e.key.startsWith(prefix)) {
          next = e.key;
        }
      }
      return next != null;
    }

    @Override
    public String next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      String key = Objects.requireNonNull(next, "hasNext() found one");
      next = null;
      return key;
    }
  }
}
