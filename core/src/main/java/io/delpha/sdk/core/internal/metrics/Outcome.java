package io.delpha.sdk.core.internal.metrics;

import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.RateLimitedException;
import io.delpha.sdk.core.ServiceUnavailableException;

/**
 * The {@code outcome} tag of a call: {@code success}, or the kind of the library's exception it ended with. A
 * bounded set: the exception's message or class name never becomes a tag.
 */
public final class Outcome {

  /** The outcome of a call that returned. */
  public static final String SUCCESS = "success";

  private Outcome() {}

  /**
   * @param failure what a call threw
   * @return {@code invalid_input}, {@code data_format}, {@code not_found}, {@code access_denied}, {@code
   *     authentication}, {@code rate_limited}, {@code unavailable}, {@code conflict}, {@code closed} or {@code
   *     error} (anything else)
   */
  public static String of(Throwable failure) {
    if (failure instanceof DataFormatException) {
      return "data_format";
    } else if (failure instanceof InvalidInputException) {
      return "invalid_input";
    } else if (failure instanceof NotFoundException) {
      return "not_found";
    } else if (failure instanceof AccessDeniedException) {
      return "access_denied";
    } else if (failure instanceof AuthenticationException) {
      return "authentication";
    } else if (failure instanceof RateLimitedException) {
      return "rate_limited";
    } else if (failure instanceof ServiceUnavailableException) {
      return "unavailable";
    } else if (failure instanceof ConflictException) {
      return "conflict";
    } else if (failure instanceof ClosedException) {
      return "closed";
    }
    return "error";
  }
}
