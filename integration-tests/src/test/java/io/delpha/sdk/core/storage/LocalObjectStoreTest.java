package io.delpha.sdk.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LocalObjectStore")
class LocalObjectStoreTest extends ObjectStoreContract {

  Path root;

  @Override
  protected ObjectStore newStore() {
    root = tmp.resolve("lake-" + UUID.randomUUID());
    return LocalObjectStore.at(root);
  }

  @Override
  protected void simulateCrashedWrite(String key) throws Exception {
    Path folder = Files.createDirectories(root.resolve(key).getParent());
    Files.write(folder.resolve(".delpha-tmp-" + UUID.randomUUID()), new byte[] {1, 2, 3});
  }

  @Test
  @DisplayName("keys map to files under the root and nothing is ever written outside it")
  void filesUnderRoot() throws Exception {
    store.put("a/b/c.txt", utf8("x"));
    assertThat(root.resolve("a/b/c.txt")).hasContent("x");
    assertThatThrownBy(() -> store.put("../escaped.txt", utf8("x"))).isInstanceOf(InvalidInputException.class);
    assertThat(root.getParent().resolve("escaped.txt")).doesNotExist();
  }

  @Test
  @DisplayName("writes leave no temporary files behind")
  void noTemporaryFilesLeft() throws Exception {
    store.put("a/x.bin", randomBytes(LARGE, 9));
    store.putIfAbsent("a/y.bin", utf8("y"));
    assertThatThrownBy(() -> store.putIfAbsent("a/y.bin", utf8("z"))).isInstanceOf(ConflictException.class);
    try (Stream<Path> files = Files.list(root.resolve("a"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("x.bin", "y.bin");
    }
  }

  @Test
  @DisplayName("the root may not be a file")
  void rootMustBeFolder() throws Exception {
    Path file = Files.write(tmp.resolve("plain-file"), utf8("x"));
    assertThatThrownBy(() -> LocalObjectStore.at(file)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("never follows a symbolic link out of its root: reads, writes, lists, moves and deletes refuse")
  void symbolicLinksRefused() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside-" + UUID.randomUUID()));
    Files.write(outside.resolve("secret.txt"), utf8("secret"));
    store.put("inside.txt", utf8("in"));
    Files.createSymbolicLink(root.resolve("dir-link"), outside);
    Files.createSymbolicLink(root.resolve("file-link.txt"), outside.resolve("secret.txt"));
    Files.createDirectories(root.resolve("real"));
    Files.createSymbolicLink(root.resolve("real/nested-link"), outside);

    for (String key : new String[] {"dir-link/secret.txt", "file-link.txt", "real/nested-link/secret.txt"}) {
      assertThatThrownBy(() -> store.get(key)).as("get " + key).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.stat(key)).as("stat " + key).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.exists(key)).as("exists " + key).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.delete(key)).as("delete " + key).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.put(key, utf8("overwritten"))).as("put " + key).isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> store.put("dir-link/new.txt", utf8("x"))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.move("inside.txt", "dir-link/moved.txt")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.list("dir-link/")).isInstanceOf(InvalidInputException.class);
    assertThat(store.list("").toList()).containsExactly("inside.txt");
    assertThat(store.listFolders("")).isEmpty();

    assertThat(outside.resolve("secret.txt")).hasContent("secret");
    try (Stream<Path> files = Files.list(outside)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
    }
    assertThat(store.getBytes("inside.txt")).isEqualTo(utf8("in"));
  }
}
