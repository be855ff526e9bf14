package io.delpha.sdk.salesforce;

import java.util.List;

/**
 * One field of an object type, from describe sObject.
 *
 * @param name the API name
 * @param label the label users see
 * @param type Salesforce's field type, e.g. {@code string}, {@code reference}, {@code currency}
 * @param length the maximum length for text fields, 0 otherwise
 * @param nillable whether the field may be empty
 * @param externalId whether the field is an external id (usable for upserts)
 * @param createable whether the field can be set on create
 * @param updateable whether the field can be updated
 * @param referenceTo the object types a reference field points to, empty otherwise
 */
public record FieldDescription(
    String name,
    String label,
    String type,
    int length,
    boolean nillable,
    boolean externalId,
    boolean createable,
    boolean updateable,
    List<String> referenceTo) {

  /**
   * @param name the API name
   * @param label the label
   * @param type the field type
   * @param length the maximum length
   * @param nillable whether it may be empty
   * @param externalId whether it is an external id
   * @param createable whether it can be set on create
   * @param updateable whether it can be updated
   * @param referenceTo target object types, copied
   */
  public FieldDescription {
    referenceTo = referenceTo == null ? List.of() : List.copyOf(referenceTo);
  }
}
