package io.delpha.sdk.testing;

import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.storage.ObjectInfo;
import io.delpha.sdk.core.storage.ObjectStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** A crash injector: a real store that lets N writes through, then fails every write as an outage would. */
public final class FailingObjectStore implements ObjectStore {

  private final ObjectStore delegate;
  private final int allowedWrites;
  private final AtomicInteger writes = new AtomicInteger();
  private final java.util.function.Predicate<String> failsOnce;
  private final java.util.Set<String> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public FailingObjectStore(ObjectStore delegate, int allowedWrites) {
    this(delegate, allowedWrites, key -> false);
  }

  private FailingObjectStore(ObjectStore delegate, int allowedWrites, java.util.function.Predicate<String> failsOnce) {
    this.delegate = delegate;
    this.allowedWrites = allowedWrites;
    this.failsOnce = failsOnce;
  }

  /**
   * @return a store that fails the first write to each key {@code failsOnce} accepts (a move's target included), as a
   *     store refusing one object for a moment would, and lets every other write through
   */
  public static FailingObjectStore failingOnce(ObjectStore delegate, java.util.function.Predicate<String> failsOnce) {
    return new FailingObjectStore(delegate, Integer.MAX_VALUE, failsOnce);
  }

  public int writes() {
    return writes.get();
  }

  private void write(String key) {
    if (failsOnce.test(key) && failed.add(key)) {
      throw new ServiceUnavailableException("injected failure writing " + key);
    }
    if (writes.incrementAndGet() > allowedWrites) {
      throw new ServiceUnavailableException("injected crash before writing " + key);
    }
  }

  @Override
  public void put(String key, InputStream content, long length) {
    write(key);
    delegate.put(key, content, length);
  }

  @Override
  public void put(String key, Path file) {
    write(key);
    delegate.put(key, file);
  }

  @Override
  public void putIfAbsent(String key, InputStream content, long length) {
    write(key);
    delegate.putIfAbsent(key, content, length);
  }

  @Override
  public void putIfAbsent(String key, Path file) {
    write(key);
    delegate.putIfAbsent(key, file);
  }

  @Override
  public InputStream get(String key) {
    return delegate.get(key);
  }

  @Override
  public byte[] getBytes(String key) {
    return delegate.getBytes(key);
  }

  @Override
  public boolean exists(String key) {
    return delegate.exists(key);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    return delegate.stat(key);
  }

  @Override
  public Stream<String> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public List<String> listFolders(String prefix) {
    return delegate.listFolders(prefix);
  }

  @Override
  public void delete(String key) {
    write(key);
    delegate.delete(key);
  }

  @Override
  public void move(String from, String to) {
    write(to);
    delegate.move(from, to);
  }

  @Override
  public String describe() {
    return "failing(" + delegate.describe() + ")";
  }
}
