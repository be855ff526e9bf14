package io.delpha.sdk.core;

import java.util.List;
import java.util.Objects;

/**
 * A capability was asked for whose stack is not on the class path: the library's optional dependencies (Parquet, the
 * AWS SDK per service, Jetty, PostgreSQL, Salesforce, Micrometer, ...) are the host's to declare, and a builder that
 * needs one checks for it before anything else runs. The message names first the one artifact that brings the
 * capability ({@link #artifact()}, {@code io.delpha:delpha-data-sdk-<capability>}, of type {@code pom}), then the
 * stack's own Maven coordinates ({@link #coordinates()}), at the versions this library was built and tested with;
 * docs/dependencies.md has the snippet of each capability.
 *
 * <p>An {@link InvalidInputException}: the same call fails the same way until the host's class path changes.
 */
public class MissingDependencyException extends InvalidInputException {

  private static final long serialVersionUID = 1L;

  private final String capability;
  private final List<String> coordinates;
  private final String artifact;

  /**
   * An exception naming no artifact of the library's own ({@link #artifact()} is empty).
   *
   * @param capability the capability's name, as docs/dependencies.md heads it (e.g. {@code parquet})
   * @param coordinates the Maven coordinates to add, {@code groupId:artifactId:version} each
   * @param message what needed it and what to add
   */
  public MissingDependencyException(String capability, List<String> coordinates, String message) {
    this(capability, "", coordinates, message);
  }

  /**
   * @param capability the capability's name, as docs/dependencies.md heads it (e.g. {@code parquet})
   * @param artifact the library's artifact that brings the capability, {@code groupId:artifactId:version} of type
   *     {@code pom}, or empty
   * @param coordinates the stack's Maven coordinates, {@code groupId:artifactId:version} each
   * @param message what needed it and what to add
   */
  public MissingDependencyException(String capability, String artifact, List<String> coordinates, String message) {
    super(message);
    this.capability = Objects.requireNonNull(capability, "capability");
    this.artifact = Objects.requireNonNull(artifact, "artifact");
    this.coordinates = List.copyOf(coordinates);
  }

  /**
   * @return the one artifact that brings the capability, {@code io.delpha:delpha-data-sdk-<capability>:<version>}
   *     (a dependency of type {@code pom}), or empty when the exception names none
   */
  public String artifact() {
    return artifact;
  }

  /**
   * @return the capability's name, as docs/dependencies.md heads it (e.g. {@code parquet}, {@code aws-s3})
   */
  public String capability() {
    return capability;
  }

  /**
   * @return the stack's Maven coordinates, {@code groupId:artifactId:version} each, in the order to declare them: what
   *     {@link #artifact()} brings, for a host that declares the stack itself
   */
  public List<String> coordinates() {
    return coordinates;
  }
}
