package io.delpha.sdk.ingest;

import io.delpha.sdk.core.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A customer's ingest app as a program in any language: a command and the files it needs, run by the manager for
 * every file the customer uploads, sandboxed, speaking the protocol of docs/ingest-apps.md (the file on standard
 * input, rows out as JSON lines). Registered with {@link CustomerRegistry#registerApp}; each registration is a new
 * version.
 *
 * <pre>{@code
 * ingestor.registerApp("customer-1", IngestProgram.builder("orders-parser")
 *     .command("python3", "app.py")
 *     .file(Path.of("app.py"))
 *     .build());
 * }</pre>
 *
 * @param name the app's name: letters, digits, '.', '_' or '-'
 * @param command the program and its arguments, run in the app's own folder where its files are; the first word
 *     is looked up on the sandbox's {@code PATH} ({@code /usr/local/bin:/usr/bin:/bin} and the manager's JDK)
 * @param files the files copied into that folder, by the name the app sees (read when registered)
 */
public record IngestProgram(String name, List<String> command, Map<String, Path> files) {

  /** Checks names and copies the collections. */
  public IngestProgram {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new InvalidInputException("an app name must be letters, digits, '.', '_' or '-' (64 at most), got '"
          + name + "'");
    }
    command = List.copyOf(command);
    if (command.isEmpty() || command.get(0).isBlank()) {
      throw new InvalidInputException("app " + name + " needs a command, e.g. [python3, app.py]");
    }
    files = Map.copyOf(files);
    for (String f : files.keySet()) {
      if (!f.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
        throw new InvalidInputException("app file names must be letters, digits, '.', '_' or '-', got '" + f + "'");
      }
    }
  }

  /**
   * @param name the app's name
   * @return a builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds an {@link IngestProgram}. */
  public static final class Builder {
    private final String name;
    private final List<String> command = new ArrayList<>();
    private final Map<String, Path> files = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    /**
     * @param words the program and its arguments, e.g. {@code "java", "App.java"}
     * @return this builder
     */
    public Builder command(String... words) {
      command.clear();
      command.addAll(List.of(words));
      return this;
    }

    /**
     * @param file a file the app needs, seen under its own name
     * @return this builder
     */
    public Builder file(Path file) {
      Objects.requireNonNull(file, "file");
      return file(file.getFileName().toString(), file);
    }

    /**
     * @param nameInFolder the name the app sees
     * @param file the file's content
     * @return this builder
     */
    public Builder file(String nameInFolder, Path file) {
      Objects.requireNonNull(nameInFolder, "nameInFolder");
      Objects.requireNonNull(file, "file");
      files.put(nameInFolder, file);
      return this;
    }

    /**
     * @return the program
     */
    public IngestProgram build() {
      return new IngestProgram(name, command, files);
    }
  }
}
