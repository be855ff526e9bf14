package io.delpha.sdk.salesforce;

import org.jspecify.annotations.Nullable;
/**
 * One object type of the organisation, from describe global.
 *
 * @param name the API name, e.g. {@code Account} or {@code Invoice__c}
 * @param label the label users see
 * @param custom whether it is a custom object
 * @param queryable whether SOQL can read it
 * @param createable whether records can be created
 * @param keyPrefix the three-character id prefix, {@code null} for some system objects
 */
public record SObjectSummary(
    String name,
    String label,
    boolean custom,
    boolean queryable,
    boolean createable,
    @Nullable String keyPrefix) {}
