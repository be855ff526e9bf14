package io.delpha.sdk.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The behaviour every {@link ObjectStore} shares; each implementation runs it against a fresh store. */
public abstract class ObjectStoreContract {

  /** Larger than the S3 store's part size under test (5 MiB): forces a multipart upload there. */
  protected static final int LARGE = 11 * 1024 * 1024 + 123;

  @TempDir Path tmp;
  protected ObjectStore store;

  /** @return a new, empty store */
  protected abstract ObjectStore newStore();

  /** Leaves behind what a writer killed in the middle of writing {@code key} would leave. */
  protected abstract void simulateCrashedWrite(String key) throws Exception;

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static byte[] randomBytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  protected static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A stream of unknown length that fails after {@code failAfter} bytes. */
  protected static InputStream failingStream(int failAfter) {
    return new InputStream() {
      int served;

      @Override
      public int read() throws IOException {
        if (served >= failAfter) {
          throw new IOException("connection reset by the source");
        }
        served++;
        return 7;
      }
    };
  }

  @Test
  @DisplayName("put then get returns the same bytes; a second put replaces the object")
  void putGetReplace() throws IOException {
    store.put("a/b.txt", utf8("hello"));
    try (InputStream in = store.get("a/b.txt")) {
      assertThat(in.readAllBytes()).isEqualTo(utf8("hello"));
    }
    store.put("a/b.txt", utf8("world!"));
    assertThat(store.getBytes("a/b.txt")).isEqualTo(utf8("world!"));
    assertThat(store.exists("a/b.txt")).isTrue();
    assertThat(store.stat("a/b.txt")).get().satisfies(i -> {
      assertThat(i.key()).isEqualTo("a/b.txt");
      assertThat(i.size()).isEqualTo(6);
      assertThat(i.lastModified()).isNotNull();
    });
  }

  @Test
  @DisplayName("a large stream of unknown length round-trips byte for byte")
  void largeUnknownLengthStream() throws IOException {
    byte[] content = randomBytes(LARGE, 1);
    store.put("big/blob.bin", new ByteArrayInputStream(content), -1);
    try (InputStream in = store.get("big/blob.bin")) {
      assertThat(Arrays.equals(in.readAllBytes(), content)).isTrue();
    }
    assertThat(store.stat("big/blob.bin")).get().extracting(ObjectInfo::size).isEqualTo((long) LARGE);
  }

  @Test
  @DisplayName("small and large files upload from disk")
  void putFile() throws IOException {
    Path small = Files.write(tmp.resolve("small.bin"), utf8("tiny"));
    Path large = Files.write(tmp.resolve("large.bin"), randomBytes(LARGE, 2));
    store.put("f/small.bin", small);
    store.putIfAbsent("f/large.bin", large);
    assertThat(store.getBytes("f/small.bin")).isEqualTo(utf8("tiny"));
    assertThat(Arrays.equals(store.getBytes("f/large.bin"), Files.readAllBytes(large))).isTrue();
  }

  @Test
  @DisplayName("a missing key is NotFoundException naming it; exists is false and stat empty")
  void missingKey() {
    assertThatThrownBy(() -> store.get("no/such.txt"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("no/such.txt");
    assertThatThrownBy(() -> store.getBytes("no/such.txt")).isInstanceOf(NotFoundException.class);
    assertThat(store.exists("no/such.txt")).isFalse();
    assertThat(store.stat("no/such.txt")).isEmpty();
    assertThatThrownBy(() -> store.move("no/such.txt", "x.txt")).isInstanceOf(NotFoundException.class);
  }

  @Test
  @DisplayName("list returns every key under a prefix, in order, across many pages")
  void listByPrefix() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String key = String.format("t/part-%03d.parquet", i);
      store.put(key, utf8("x" + i));
      expected.add(key);
    }
    store.put("t.txt", utf8("sibling"));
    store.put("t/sub/deeper.txt", utf8("deep"));
    store.put("u/other.txt", utf8("other"));

    List<String> all = new ArrayList<>(expected);
    all.add("t/sub/deeper.txt");
    try (Stream<String> keys = store.list("t/")) {
      assertThat(keys).containsExactlyElementsOf(all);
    }
    try (Stream<String> keys = store.list("t/part-01")) {
      assertThat(keys).containsExactlyElementsOf(expected.subList(10, 20));
    }
    try (Stream<String> keys = store.list("")) {
      assertThat(keys.toList()).hasSize(28).startsWith("t.txt").endsWith("u/other.txt").isSorted();
    }
    try (Stream<String> keys = store.list("nothing/here/")) {
      assertThat(keys).isEmpty();
    }
    try (Stream<String> keys = store.list("t/")) {
      assertThat(keys.limit(3)).containsExactlyElementsOf(expected.subList(0, 3));
    }
  }

  @Test
  @DisplayName("listFolders gives the distinct sub-folders under a prefix, like an S3 delimiter listing")
  void listFolders() {
    store.put("flow/exec-2/part-0", utf8("a"));
    store.put("flow/exec-1/part-0", utf8("b"));
    store.put("flow/exec-1/nested/part-1", utf8("c"));
    store.put("flow/manifest.json", utf8("{}"));
    store.put("other/x", utf8("d"));

    assertThat(store.listFolders("flow/")).containsExactly("flow/exec-1/", "flow/exec-2/");
    assertThat(store.listFolders("")).containsExactly("flow/", "other/");
    assertThat(store.listFolders("flow/exec-1/")).containsExactly("flow/exec-1/nested/");
    assertThat(store.listFolders("missing/")).isEmpty();
  }

  @Test
  @DisplayName("putIfAbsent writes a new key and refuses an existing one with ConflictException, leaving it untouched")
  void putIfAbsent() {
    store.putIfAbsent("zone/x.parquet", utf8("first"));
    assertThatThrownBy(() -> store.putIfAbsent("zone/x.parquet", utf8("second")))
        .isInstanceOf(ConflictException.class).hasMessageContaining("zone/x.parquet");
    assertThatThrownBy(() -> store.putIfAbsent("zone/x.parquet", new ByteArrayInputStream(randomBytes(LARGE, 3)), -1))
        .isInstanceOf(ConflictException.class);
    assertThat(store.getBytes("zone/x.parquet")).isEqualTo(utf8("first"));
  }

  @Test
  @DisplayName("of many writers racing putIfAbsent on one key, exactly one wins")
  void putIfAbsentRace() throws Exception {
    int writers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        byte[] content = utf8("writer-" + i);
        results.add(pool.submit(() -> {
          start.await();
          try {
            store.putIfAbsent("race/key.bin", content);
            return true;
          } catch (ConflictException e) {
            return false;
          }
        }));
      }
      start.countDown();
      int winners = 0;
      for (Future<Boolean> f : results) {
        winners += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
      assertThat(new String(store.getBytes("race/key.bin"), StandardCharsets.UTF_8)).startsWith("writer-");
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"../outside.txt", "a/../../outside.txt", "/etc/passwd", "a//b", "./a", "a/./b", "a\\..\\b", ""})
  @DisplayName("keys that escape or alias the root are refused with InvalidInputException")
  void keyEscape(String key) {
    assertThatThrownBy(() -> store.put(key, utf8("x"))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.putIfAbsent(key, utf8("x"))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.get(key)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.exists(key)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.delete(key)).isInstanceOf(InvalidInputException.class);
    assertThat(store.list("").toList()).isEmpty();
  }

  @Test
  @DisplayName("a prefix that escapes the root is refused")
  void prefixEscape() {
    assertThatThrownBy(() -> store.list("../")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.listFolders("/")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("a source stream that fails mid-upload leaves nothing under the key, and a re-run succeeds")
  void failingSourceLeavesNothing() {
    assertThatThrownBy(() -> store.put("half/blob.bin", failingStream(LARGE - 1000), -1))
        .isInstanceOf(DelphaException.class);
    assertThatThrownBy(() -> store.putIfAbsent("half/small.bin", failingStream(100), -1))
        .isInstanceOf(DelphaException.class);
    assertThat(store.exists("half/blob.bin")).isFalse();
    assertThat(store.exists("half/small.bin")).isFalse();
    assertThat(store.list("").toList()).isEmpty();

    store.putIfAbsent("half/small.bin", utf8("complete"));
    assertThat(store.getBytes("half/small.bin")).isEqualTo(utf8("complete"));
  }

  @Test
  @DisplayName("content shorter than the announced length is refused and nothing is written")
  void lengthMismatch() {
    assertThatThrownBy(() -> store.put("len/x.bin", new ByteArrayInputStream(utf8("abc")), 10))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("10");
    assertThat(store.exists("len/x.bin")).isFalse();
  }

  @Test
  @DisplayName("after a writer crashed mid-write the key is absent, unlisted, and a re-run writes it once")
  void rerunAfterCrash() throws Exception {
    simulateCrashedWrite("crash/out.parquet");
    assertThat(store.exists("crash/out.parquet")).isFalse();
    assertThat(store.list("crash/").toList()).isEmpty();
    store.putIfAbsent("crash/out.parquet", utf8("done"));
    assertThat(store.list("crash/").toList()).containsExactly("crash/out.parquet");
  }

  @Test
  @DisplayName("delete removes an object (deleting a missing one is fine); move renames it")
  void deleteAndMove() {
    store.put("d/a.txt", utf8("A"));
    store.put("d/b.txt", utf8("B"));
    store.delete("d/a.txt");
    store.delete("d/a.txt");
    assertThat(store.exists("d/a.txt")).isFalse();
    store.move("d/b.txt", "e/b.txt");
    assertThat(store.exists("d/b.txt")).isFalse();
    assertThat(store.getBytes("e/b.txt")).isEqualTo(utf8("B"));
    assertThat(store.listFolders("")).containsExactly("e/");
    assertThat(IntStream.range(0, 1).mapToObj(i -> store.describe())).allMatch(d -> !d.isBlank());
  }
}
