/**
 * Salesforce: log in (OAuth username-password or JWT bearer), query with every page followed or as a
 * lazy stream, describe, create/read/update/delete/upsert, sObject Collections and Bulk API 2.0 query
 * jobs, all behind {@link io.delpha.sdk.salesforce.SalesforceClient}, the sum of small roles a host can
 * depend on one at a time: {@link io.delpha.sdk.salesforce.SalesforceQueries}, {@link
 * io.delpha.sdk.salesforce.SalesforceBulk}, {@link io.delpha.sdk.salesforce.SalesforceRecords}, {@link
 * io.delpha.sdk.salesforce.SalesforceCollections}, {@link io.delpha.sdk.salesforce.SalesforceMetadata}.
 *
 * <pre>{@code
 * try (SalesforceManager sf = SalesforceManager.builder()
 *     .instance("mycompany")
 *     .clientId(id).clientSecret(secret)
 *     .username(user).password(pw).securityToken(token)
 *     .build()) {
 *   QueryResult r = sf.query("SELECT Name FROM Contact");
 * }
 * }</pre>
 */
@NullMarked
package io.delpha.sdk.salesforce;

import org.jspecify.annotations.NullMarked;
