package io.delpha.sdk.core.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folder plumbing shared by the components that own a folder of their own (sandbox runs, uploads, caches). */
public final class Folders {

  private Folders() {}

  /**
   * Deletes a folder and everything under it; a folder already gone is no error.
   *
   * @param dir the folder
   * @throws IOException if something under it cannot be deleted (what could be is gone)
   */
  public static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException e) {
      // already gone
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
