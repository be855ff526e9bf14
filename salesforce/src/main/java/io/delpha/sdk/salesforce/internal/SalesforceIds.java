package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.InvalidInputException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks Salesforce API names (objects, fields) and record ids before they go into a URL path, so a
 * value can never change the resource.
 */
public final class SalesforceIds {

  private static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");
  private static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9]{15}|[A-Za-z0-9]{18}");

  private static final Pattern ORG_ID = Pattern.compile("[A-Za-z0-9]{15}|[A-Za-z0-9]{18}");

  private SalesforceIds() {}

  /**
   * The org id of an identity URL, the {@code id} of an OAuth token answer: the first id after {@code /id/}.
   *
   * @param identityUrl {@code https://login.salesforce.com/id/<orgId>/<userId>}
   * @return the org id, or {@code null} if the URL is not of that form
   */
  public static @Nullable String orgIdOf(String identityUrl) {
    String[] parts = identityUrl.split("/");
    for (int i = 0; i + 2 < parts.length; i++) {
      if (parts[i].equals("id") && ORG_ID.matcher(parts[i + 1]).matches()) {
        return parts[i + 1];
      }
    }
    return null;
  }

  /**
   * @param name an object or field API name
   * @param what what it names, for the message
   * @return the name
   */
  public static String requireApiName(String name, String what) {
    if (name == null || !API_NAME.matcher(name).matches()) {
      throw new InvalidInputException(what + " must be a Salesforce API name (letters, digits, "
          + "underscores, starting with a letter), was '" + name + "'");
    }
    return name;
  }

  /**
   * @param id a record id
   * @return the id
   */
  public static String requireId(String id) {
    if (id == null || !RECORD_ID.matcher(id).matches()) {
      throw new InvalidInputException("a Salesforce record id has 15 or 18 letters and digits, was '" + id + "'");
    }
    return id;
  }
}
