package io.delpha.sdk.salesforce;

import java.util.List;
import java.util.Optional;

/**
 * An object type and its fields, from describe sObject.
 *
 * @param name the API name
 * @param label the label users see
 * @param custom whether it is a custom object
 * @param queryable whether SOQL can read it
 * @param createable whether records can be created
 * @param updateable whether records can be updated
 * @param deletable whether records can be deleted
 * @param fields every field, in Salesforce's order
 */
public record SObjectDescription(
    String name,
    String label,
    boolean custom,
    boolean queryable,
    boolean createable,
    boolean updateable,
    boolean deletable,
    List<FieldDescription> fields) {

  /**
   * @param name the API name
   * @param label the label
   * @param custom whether it is custom
   * @param queryable whether SOQL can read it
   * @param createable whether records can be created
   * @param updateable whether records can be updated
   * @param deletable whether records can be deleted
   * @param fields the fields, copied
   */
  public SObjectDescription {
    fields = fields == null ? List.of() : List.copyOf(fields);
  }

  /**
   * @param fieldName a field's API name, compared ignoring case as Salesforce does
   * @return the field, if the object has it
   */
  public Optional<FieldDescription> field(String fieldName) {
    return fields.stream().filter(f -> f.name().equalsIgnoreCase(fieldName)).findFirst();
  }
}
