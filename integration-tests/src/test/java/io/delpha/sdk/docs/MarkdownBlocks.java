package io.delpha.sdk.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The fenced code blocks of the project's Markdown ({@code README.md} and {@code docs/*.md}), each with where it
 * starts and the hidden {@code <!-- snippet-context: ... -->} comment written directly above its fence, if any
 * (docs/testing.md, "Docs that run").
 */
public final class MarkdownBlocks {

  /** The comment that gives a Java block the declarations its fragment uses. */
  public static final String CONTEXT = "snippet-context:";

  /** CommonMark's opening fence: up to 3 spaces, 3 or more backquotes, an info string without one. */
  private static final Pattern OPENING = Pattern.compile("^( {0,3})(`{3,})\\s*([^`]*)$");

  /**
   * One fenced block.
   *
   * @param file the document, relative to the project
   * @param fenceLine the 1-based line of the opening fence
   * @param language the fence's info string's first word, lower-cased ({@code ""} when none)
   * @param lines the block's lines, the fence's indentation removed
   * @param context the text of the {@code snippet-context} comment directly above the fence, or {@code null}
   * @param contextLine the 1-based line where that text starts (0 without one)
   */
  public record Block(Path file, int fenceLine, String language, List<String> lines, @Nullable String context,
      int contextLine) {

    /** @return {@code file:line} of the opening fence, as an editor opens it */
    public String where() {
      return file + ":" + fenceLine;
    }

    /**
     * @param index a 0-based index into {@link #lines()}
     * @return its 1-based line in the document
     */
    public int docLine(int index) {
      return fenceLine + 1 + index;
    }
  }

  private MarkdownBlocks() {}

  /** @return README.md then docs/*.md, by name */
  public static List<Path> documents() {
    List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> files = Files.list(Path.of("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  /** @return every fenced block of {@link #documents()} */
  public static List<Block> all() {
    List<Block> blocks = new ArrayList<>();
    for (Path doc : documents()) {
      blocks.addAll(read(doc));
    }
    return blocks;
  }

  /**
   * @param doc a Markdown file
   * @return its fenced blocks in order
   */
  public static List<Block> read(Path doc) {
    try {
      return parse(doc, Files.readAllLines(doc));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param doc the name to report
   * @param text the document's lines
   * @return its fenced blocks in order
   * @throws IllegalStateException for a fence never closed, or a {@code snippet-context} comment that is not directly
   *     above a fence
   */
  public static List<Block> parse(Path doc, List<String> text) {
    List<Block> blocks = new ArrayList<>();
    int i = 0;
    String context = null;
    int contextLine = 0;
    while (i < text.size()) {
      String line = text.get(i);
      String trimmed = line.strip();
      if (trimmed.startsWith("<!--") && trimmed.substring(4).strip().startsWith(CONTEXT)) {
        int start = i;
        StringBuilder body = new StringBuilder(trimmed.substring(trimmed.indexOf(CONTEXT) + CONTEXT.length()));
        while (!text.get(i).contains("-->")) {
          i++;
          if (i == text.size()) {
            throw new IllegalStateException(doc + ":" + (start + 1) + ": snippet-context comment never closed");
          }
          body.append('\n').append(text.get(i));
        }
        String all = body.toString();
        context = all.substring(0, all.lastIndexOf("-->"));
        contextLine = start + 1;
        i++;
        if (i == text.size() || !OPENING.matcher(text.get(i)).matches()) {
          throw new IllegalStateException(doc + ":" + contextLine
              + ": a snippet-context comment must be directly above the fence of the block it serves");
        }
        continue;
      }
      Matcher opening = OPENING.matcher(line);
      if (opening.matches()) {
        int indent = opening.group(1).length();
        Pattern closing = Pattern.compile("^ {0,3}`{" + opening.group(2).length() + ",}\\s*$");
        String info = opening.group(3).strip();
        String language = info.isEmpty() ? "" : info.split("\\s+")[0].toLowerCase(Locale.ROOT);
        int fence = i;
        List<String> lines = new ArrayList<>();
        i++;
        while (i < text.size() && !closing.matcher(text.get(i)).matches()) {
          String l = text.get(i);
          lines.add(l.length() >= indent && l.substring(0, indent).isBlank() ? l.substring(indent) : l.strip());
          i++;
        }
        if (i == text.size()) {
          throw new IllegalStateException(doc + ":" + (fence + 1) + ": code block never closed");
        }
        blocks.add(new Block(doc, fence + 1, language, List.copyOf(lines), context, contextLine));
        context = null;
        contextLine = 0;
      }
      i++;
    }
    return blocks;
  }
}
