package io.delpha.sdk.changes.internal;

import io.delpha.sdk.changes.internal.pubsub.ManagedFetchRequest;
import java.util.regex.Pattern;

/**
 * How a ManagedEventSubscription is named in the first {@code ManagedFetchRequest}: by the id of its Tooling API record
 * ({@code subscription_id}; 15 or 18 characters with the key prefix {@code 18x}, as {@code 18xKj000000000BIAQ}) or by
 * its developer name ({@code developer_name}; a letter first, then letters, digits and single underscores, no
 * underscore last). A developer name never begins with a digit, so the two never overlap.
 */
public final class ManagedSubscriptionName {

  private static final Pattern ID = Pattern.compile("18x[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?");
  private static final Pattern DEVELOPER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*");
  private static final int MAX_LENGTH = 255;

  private ManagedSubscriptionName() {}

  /**
   * @param name a subscription id or developer name
   * @return whether it names the subscription by its record id
   */
  public static boolean isId(String name) {
    return ID.matcher(name).matches();
  }

  /**
   * @param name a subscription id or developer name
   * @return whether it is either
   */
  public static boolean isValid(String name) {
    return name.length() <= MAX_LENGTH && (isId(name) || DEVELOPER_NAME.matcher(name).matches());
  }

  /**
   * @param name the subscription's id or developer name
   * @param events how many events the stream asks for first
   * @return the first request of a ManagedSubscribe stream
   */
  public static ManagedFetchRequest firstRequest(String name, int events) {
    ManagedFetchRequest.Builder first = ManagedFetchRequest.newBuilder().setNumRequested(events);
    return (isId(name) ? first.setSubscriptionId(name) : first.setDeveloperName(name)).build();
  }
}
