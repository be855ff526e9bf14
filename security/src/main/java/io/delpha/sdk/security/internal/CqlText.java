package io.delpha.sdk.security.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the text of one CQL statement says about its own shape, read by a lexer that knows CQL's
 * comments ({@code --}, {@code //}, {@code /* *}{@code /}), string literals ({@code '...'} with
 * {@code ''} escapes, {@code $$...$$}) and quoted identifiers ({@code "..."} with {@code ""} escapes),
 * so that nothing inside a literal or a comment is ever taken for a keyword or a name.
 *
 * <p>Organisation keys may run only one {@code SELECT}, {@code INSERT}, {@code UPDATE} or {@code
 * DELETE} per text: a statement of those four kinds touches exactly one table, which the text names
 * and Cassandra's preparation confirms. Anything else (a CQL-text batch, DDL, {@code USE}, role and
 * permission statements, several statements) is refused before it reaches Cassandra.
 */
public final class CqlText {

  /** The statement kinds an organisation key may run from text. */
  public enum Kind { SELECT, INSERT, UPDATE, DELETE }

  /**
   * A table reference as written.
   *
   * @param keyspace the keyspace qualifier in internal form, or {@code null} when unqualified
   * @param table the table name in internal form
   */
  public record TableRef(@Nullable String keyspace, String table) {}

  /**
   * The statement's shape.
   *
   * @param kind what it does
   * @param table the one table it names
   * @param qualifiedFunctionKeyspaces keyspaces named as qualifiers of function calls ({@code ks.f(..)})
   */
  public record Shape(Kind kind, TableRef table, List<String> qualifiedFunctionKeyspaces) {}

  private enum T { WORD, QUOTED, STRING, OTHER, PUNCT }

  private record Token(T type, String text) {
    boolean isWord(String w) {
      return type == T.WORD && text.equalsIgnoreCase(w);
    }

    boolean isPunct(char c) {
      return type == T.PUNCT && text.length() == 1 && text.charAt(0) == c;
    }

    boolean isName() {
      return type == T.WORD || type == T.QUOTED;
    }

    /** The internal form of a name: unquoted names fold to lower case, quoted ones are kept. */
    String internal() {
      return type == T.QUOTED ? text : text.toLowerCase(Locale.ROOT);
    }
  }

  private CqlText() {}

  /**
   * @param cql the statement's text
   * @return its shape, or why it cannot be run by an organisation key
   */
  public static Result shapeOf(String cql) {
    List<Token> tokens;
    try {
      tokens = tokenize(cql);
    } catch (IllegalArgumentException e) {
      return Result.refused(e.getMessage());
    }
    int end = tokens.size();
    while (end > 0 && tokens.get(end - 1).isPunct(';')) {
      end--;
    }
    if (end == 0) {
      return Result.refused("empty statement");
    }
    for (int i = 0; i < end; i++) {
      if (tokens.get(i).isPunct(';')) {
        return Result.refused("more than one statement in one text");
      }
    }
    tokens = tokens.subList(0, end);
    Token first = tokens.get(0);
    Kind kind = null;
    if (first.type == T.WORD) {
      for (Kind k : Kind.values()) {
        if (first.isWord(k.name())) {
          kind = k;
        }
      }
    }
    if (kind == null) {
      return Result.refused("only SELECT, INSERT, UPDATE and DELETE statements are allowed, one per text "
          + "(batches are BatchStatements of such statements); this one starts with '" + first.text + "'");
    }
    int at = switch (kind) {
      case SELECT, DELETE -> indexOfTopLevelWord(tokens, "FROM") + 1;
      case INSERT -> tokens.size() > 1 && tokens.get(1).isWord("INTO") ? 2 : -1;
      case UPDATE -> 1;
    };
    if (at <= 0 || at >= tokens.size() || !tokens.get(at).isName()) {
      return Result.refused("the statement names no table where its kind requires one");
    }
    TableRef table;
    if (at + 2 < tokens.size() && tokens.get(at + 1).isPunct('.') && tokens.get(at + 2).isName()) {
      table = new TableRef(tokens.get(at).internal(), tokens.get(at + 2).internal());
    } else {
      table = new TableRef(null, tokens.get(at).internal());
    }
    if (kind != Kind.SELECT && setsOwnTimestamp(tokens)) {
      return Result.refused("USING TIMESTAMP: organisation keys write at the host's time, never a time of their own");
    }
    List<String> functionKeyspaces = new ArrayList<>();
    for (int i = 0; i + 3 < tokens.size(); i++) {
      if (tokens.get(i).isName() && tokens.get(i + 1).isPunct('.') && tokens.get(i + 2).isName()
          && tokens.get(i + 3).isPunct('(')) {
        functionKeyspaces.add(tokens.get(i).internal());
      }
    }
    return new Result(new Shape(kind, table, List.copyOf(functionKeyspaces)), null);
  }

  /**
   * A shape, or the reason there is none.
   *
   * @param shape the shape, when the text is acceptable
   * @param refusal why it is not, otherwise
   */
  public record Result(@Nullable Shape shape, @Nullable String refusal) {
    static Result refused(@Nullable String why) {
      return new Result(null, why);
    }

    /**
     * @return the shape, when there is one
     */
    public Optional<Shape> accepted() {
      return Optional.ofNullable(shape);
    }
  }

  /** A top-level {@code USING ... TIMESTAMP ...} clause (before SET, WHERE or IF, where column names start). */
  private static boolean setsOwnTimestamp(List<Token> tokens) {
    int using = indexOfTopLevelWord(tokens, "USING");
    for (int i = using + 1; using >= 0 && i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isWord("SET") || t.isWord("WHERE") || t.isWord("IF")) {
        return false;
      }
      if (t.isWord("TIMESTAMP")) {
        return true;
      }
    }
    return false;
  }

  private static int indexOfTopLevelWord(List<Token> tokens, String word) {
    int depth = 0;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isPunct('(') || t.isPunct('[') || t.isPunct('{')) {
        depth++;
      } else if (t.isPunct(')') || t.isPunct(']') || t.isPunct('}')) {
        depth--;
      } else if (depth == 0 && t.isWord(word)) {
        return i;
      }
    }
    return -1;
  }

  private static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if ((c == '-' && at(s, i + 1) == '-') || (c == '/' && at(s, i + 1) == '/')) {
        while (i < n && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
          i++;
        }
      } else if (c == '/' && at(s, i + 1) == '*') {
        int close = s.indexOf("*/", i + 2);
        if (close < 0) {
          throw new IllegalArgumentException("unterminated comment");
        }
        i = close + 2;
      } else if (c == '\'' || c == '"') {
        StringBuilder text = new StringBuilder();
        int j = i + 1;
        while (true) {
          if (j >= n) {
            throw new IllegalArgumentException(c == '"' ? "unterminated quoted identifier" : "unterminated string");
          }
          char d = s.charAt(j);
          if (d == c) {
            if (at(s, j + 1) == c) {
              text.append(c);
              j += 2;
              continue;
            }
            break;
          }
          text.append(d);
          j++;
        }
        out.add(new Token(c == '"' ? T.QUOTED : T.STRING, text.toString()));
        i = j + 1;
      } else if (c == '$' && at(s, i + 1) == '$') {
        int close = s.indexOf("$$", i + 2);
        if (close < 0) {
          throw new IllegalArgumentException("unterminated $$ string");
        }
        out.add(new Token(T.STRING, s.substring(i + 2, close)));
        i = close + 2;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        out.add(new Token(T.WORD, s.substring(i, j)));
        i = j;
      } else if (Character.isDigit(c)) {
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '.' || s.charAt(j) == '-'
            || s.charAt(j) == '+')) {
          if (s.charAt(j) == '-' && at(s, j + 1) == '-') {
            break; // "--" starts a comment for Cassandra, even right after a number
          }
          j++;
        }
        out.add(new Token(T.OTHER, s.substring(i, j)));
        i = j;
      } else {
        out.add(new Token(T.PUNCT, String.valueOf(c)));
        i++;
      }
    }
    return out;
  }

  private static char at(String s, int i) {
    return i < s.length() ? s.charAt(i) : '\0';
  }
}
