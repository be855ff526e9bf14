package io.delpha.sdk.salesforce.internal;

import io.delpha.sdk.core.InvalidInputException;
import java.util.regex.Pattern;

/**
 * Checks Salesforce API names (objects, fields) and record ids before they go into a URL path, so a
 * value can never change the resource.
 */
public final class SalesforceIds {

  private static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");
  private static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9]{15}|[A-Za-z0-9]{18}");

  private SalesforceIds() {}

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
