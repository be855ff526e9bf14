package io.delpha.sdk.core;

import java.util.List;
import java.util.Objects;

/**
 * A capability was asked for whose stack is not on the class path: the library's optional dependencies (Parquet, the
 * AWS SDK per service, Jetty, PostgreSQL, Salesforce, Micrometer, ...) are the host's to declare, and a builder that
 * needs one checks for it before anything else runs. The message and {@link #coordinates()} name the exact Maven
 * coordinates to add (the versions this library was built and tested with); docs/dependencies.md has the snippet of
 * each capability.
 *
 * <p>An {@link InvalidInputException}: the same call fails the same way until the host's class path changes.
 */
public class MissingDependencyException extends InvalidInputException {

  private static final long serialVersionUID = 1L;

  private final String capability;
  private final List<String> coordinates;

  /**
   * @param capability the capability's name, as docs/dependencies.md heads it (e.g. {@code parquet})
   * @param coordinates the Maven coordinates to add, {@code groupId:artifactId:version} each
   * @param message what needed it and what to add
   */
  public MissingDependencyException(String capability, List<String> coordinates, String message) {
    super(message);
    this.capability = Objects.requireNonNull(capability, "capability");
    this.coordinates = List.copyOf(coordinates);
  }

  /**
   * @return the capability's name, as docs/dependencies.md heads it (e.g. {@code parquet}, {@code aws-s3})
   */
  public String capability() {
    return capability;
  }

  /**
   * @return the Maven coordinates to add, {@code groupId:artifactId:version} each, in the order to declare them
   */
  public List<String> coordinates() {
    return coordinates;
  }
}
