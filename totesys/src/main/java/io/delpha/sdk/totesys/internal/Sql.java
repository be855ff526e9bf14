package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Identifier quoting and the mapping of JDBC failures to the library's exceptions. */
public final class Sql {

  private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private Sql() {}

  /**
   * Quotes an identifier that comes from the library's own allowlists; anything else is refused, so no
   * caller text is ever concatenated into SQL.
   *
   * @param identifier a lower-case identifier
   * @return it, double-quoted
   * @throws InvalidInputException if it is not a plain lower-case identifier
   */
  public static String quote(String identifier) {
    if (identifier == null || !PLAIN_IDENTIFIER.matcher(identifier).matches()) {
      throw new InvalidInputException("not an allowed SQL identifier: " + identifier);
    }
    return '"' + identifier + '"';
  }

  /**
   * @param identifiers identifiers
   * @return them quoted and comma-separated
   */
  public static String quoteAll(List<String> identifiers) {
    return identifiers.stream().map(Sql::quote).collect(Collectors.joining(", "));
  }

  /**
   * Maps a JDBC failure by its SQLSTATE class. PostgreSQL's messages name users and objects, never
   * passwords, so the cause is kept.
   *
   * @param e the failure
   * @param what what was being done, e.g. {@code "extracting sales_order from the source database"}
   * @return the exception to throw
   */
  public static DelphaException map(SQLException e, String what) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = what + " failed: " + e.getMessage() + " (SQLSTATE " + state + ")";
    if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
      return new ServiceUnavailableException(what + " failed: the database cannot be reached or went away ("
          + e.getMessage() + "); the run can be repeated", e);
    }
    if (state.startsWith("28")) {
      return new AuthenticationException(what + " failed: the database refused the credentials; check the user"
          + " and password of the data source or secret", e);
    }
    if (state.equals("42501")) {
      return new AccessDeniedException(message, e);
    }
    if (state.equals("3D000") || state.equals("42P01") || state.equals("3F000")) {
      return new NotFoundException(message, e);
    }
    return new DelphaException(message, e);
  }
}
