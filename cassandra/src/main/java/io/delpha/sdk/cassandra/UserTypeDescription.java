package io.delpha.sdk.cassandra;

import java.util.List;

/**
 * A user-defined type.
 *
 * @param keyspace its keyspace
 * @param name its name
 * @param fields its fields, in order
 */
public record UserTypeDescription(String keyspace, String name, List<Field> fields) {

  /** Copies the field list. */
  public UserTypeDescription {
    fields = List.copyOf(fields);
  }

  /**
   * One field of a user-defined type.
   *
   * @param name the field's name
   * @param type its CQL type as text
   */
  public record Field(String name, String type) {}
}
