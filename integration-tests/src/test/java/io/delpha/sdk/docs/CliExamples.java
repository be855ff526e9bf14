package io.delpha.sdk.docs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The command lines of the docs' shell blocks ({@code ```bash}, or unlabelled ones written as a session), parsed as
 * the shell would: quotes, {@code \} continuations, {@code #} comments, leading {@code NAME=value} assignments, a
 * {@code > file} redirection.
 *
 * <p>A block with lines starting {@code $ } is a session: each such line (with its continuations) is a command, and the
 * lines after it until the next are what it prints, on standard output unless the line ends with {@code (standard
 * error)} or starts with {@code error: } (the CLI's errors go there); a line wholly in parentheses is a note, not
 * output. In any other bash block every line is a command and nothing is shown as printed.
 */
public final class CliExamples {

  private static final Pattern ASSIGNMENT = Pattern.compile("[A-Z_][A-Z0-9_]*=.*", Pattern.DOTALL);
  private static final String STDERR_MARK = "(standard error)";

  /**
   * One command line of a doc.
   *
   * @param file the document
   * @param line the 1-based line where the command starts
   * @param env the {@code NAME=value} words before the program
   * @param program the program word ({@code delpha}, {@code cli/target/delpha}, {@code cqlsh}, ...)
   * @param args the words after it
   * @param redirect the file of a {@code > file}, or {@code null}
   * @param comment the text of a trailing {@code #} comment ({@code ""} when none)
   * @param out the lines the doc shows on standard output (a session's command only)
   * @param err the lines the doc shows on standard error
   */
  public record Example(Path file, int line, Map<String, String> env, String program, List<String> args,
      @Nullable String redirect, String comment, List<String> out, List<String> err) {

    /** @return {@code file:line} */
    public String where() {
      return file + ":" + line;
    }

    /** @return whether the program is the {@code delpha} command line */
    public boolean isDelpha() {
      return program.equals("delpha") || program.endsWith("/delpha");
    }

    /** @return the command as the doc writes it, on one line */
    public String text() {
      StringBuilder b = new StringBuilder();
      env.forEach((k, v) -> b.append(k).append('=').append(v).append(' '));
      b.append(program);
      args.forEach(a -> b.append(' ').append(a));
      return b.toString();
    }
  }

  private CliExamples() {}

  /**
   * @param blocks fenced blocks
   * @return the command lines of the shell blocks among them, in order
   */
  public static List<Example> of(List<MarkdownBlocks.Block> blocks) {
    List<Example> examples = new ArrayList<>();
    for (MarkdownBlocks.Block b : blocks) {
      if (!b.language().equals("bash") && !b.language().isEmpty()) {
        continue;
      }
      boolean session = b.lines().stream().anyMatch(l -> l.startsWith("$ "));
      if (!session && !b.language().equals("bash")) {
        continue;
      }
      examples.addAll(session ? session(b) : commands(b));
    }
    return examples;
  }

  private static List<Example> commands(MarkdownBlocks.Block b) {
    List<Example> out = new ArrayList<>();
    List<String> lines = b.lines();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank() || lines.get(i).strip().startsWith("#")) {
        continue;
      }
      int start = i;
      StringBuilder command = new StringBuilder(lines.get(i));
      while (continues(command) && i + 1 < lines.size()) {
        i++;
        command.append('\n').append(lines.get(i));
      }
      out.add(parse(b.file(), b.docLine(start), command.toString(), List.of(), List.of()));
    }
    return out;
  }

  private static List<Example> session(MarkdownBlocks.Block b) {
    List<Example> out = new ArrayList<>();
    List<String> lines = b.lines();
    int i = 0;
    while (i < lines.size()) {
      if (!lines.get(i).startsWith("$ ")) {
        i++;
        continue;
      }
      int start = i;
      StringBuilder command = new StringBuilder(lines.get(i).substring(2));
      while (continues(command) && i + 1 < lines.size()) {
        i++;
        command.append('\n').append(lines.get(i));
      }
      i++;
      List<String> stdout = new ArrayList<>();
      List<String> stderr = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).startsWith("$ ")) {
        String l = lines.get(i).stripTrailing();
        if (l.endsWith(STDERR_MARK)) {
          stderr.add(l.substring(0, l.length() - STDERR_MARK.length()).stripTrailing());
        } else if (l.startsWith("error: ")) {
          stderr.add(l);
        } else if (!(l.startsWith("(") && l.endsWith(")")) && !l.isEmpty()) {
          stdout.add(l);
        }
        i++;
      }
      out.add(parse(b.file(), b.docLine(start), command.toString(), stdout, stderr));
    }
    return out;
  }

  private static boolean continues(CharSequence command) {
    String s = command.toString().stripTrailing();
    return s.endsWith("\\") || quoteOpen(s);
  }

  private static boolean quoteOpen(String s) {
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote == 0 && c == '#' && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))) {
        return false;
      }
      if (c == '\\' && quote != '\'') {
        i++;
      } else if (quote == 0 && (c == '\'' || c == '"')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      }
    }
    return quote != 0;
  }

  /**
   * Splits a command line into words as {@code sh} does (no expansions: a {@code $NAME} stays as written).
   *
   * @param file the document
   * @param line where the command starts
   * @param command the command, continuation lines included
   * @param out what the doc shows on standard output
   * @param err what the doc shows on standard error
   * @return the example
   */
  static Example parse(Path file, int line, String command, List<String> out, List<String> err) {
    List<String> words = new ArrayList<>();
    String comment = "";
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && i + 1 < command.length() && "\"\\$`\n".indexOf(command.charAt(i + 1)) >= 0) {
          i++;
          if (command.charAt(i) != '\n') {
            word.append(command.charAt(i));
          }
        } else {
          word.append(c);
        }
      } else if (c == '\\' && i + 1 < command.length()) {
        i++;
        if (command.charAt(i) != '\n') {
          word = word == null ? new StringBuilder() : word;
          word.append(command.charAt(i));
        }
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else if (c == '#' && word == null) {
        comment = command.substring(i + 1).strip();
        break;
      } else {
        word = word == null ? new StringBuilder() : word;
        if (c == '\'' || c == '"') {
          quote = c;
        } else {
          word.append(c);
        }
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    Map<String, String> env = new LinkedHashMap<>();
    int k = 0;
    while (k < words.size() && ASSIGNMENT.matcher(words.get(k)).matches()) {
      String w = words.get(k);
      env.put(w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1));
      k++;
    }
    String redirect = null;
    List<String> args = new ArrayList<>();
    for (int j = k + 1; j < words.size(); j++) {
      if (words.get(j).equals(">") && j + 1 < words.size()) {
        redirect = words.get(++j);
      } else {
        args.add(words.get(j));
      }
    }
    return new Example(file, line, env, k < words.size() ? words.get(k) : "", List.copyOf(args), redirect, comment,
        List.copyOf(out), List.copyOf(err));
  }
}
