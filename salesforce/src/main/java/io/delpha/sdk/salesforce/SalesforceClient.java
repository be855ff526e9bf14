package io.delpha.sdk.salesforce;

/**
 * Everything a host does with Salesforce, as the sum of small roles: {@link SalesforceQueries} (SOQL),
 * {@link SalesforceBulk} (Bulk API 2.0), {@link SalesforceRecords} (one record), {@link
 * SalesforceCollections} (many records), {@link SalesforceMetadata} (describe, API usage). {@link
 * SalesforceManager} is the implementation, built with {@link SalesforceManager#builder()}; code that
 * only queries depends on {@code SalesforceQueries} alone.
 *
 * <p>Every call logs in again once if the session expired, retries transient failures (HTTP 5xx,
 * connection problems) with backoff, and throws the library's exceptions:
 * {@code InvalidInputException} for a malformed query or an unknown field (with Salesforce's
 * message), {@code NotFoundException}, {@code AccessDeniedException}, {@code RateLimitedException}
 * when the org's API limit is reached (with the usage), {@code AuthenticationException},
 * {@code ServiceUnavailableException} once retries are exhausted. Everything Salesforce sends is read under the
 * builder's {@code ResponseLimits}: a breach is a {@code ResponseLimitException} naming the limit (bytes, items,
 * tokens, pages, requests, a page handle seen before, time, rate), not retried. A stream of {@code stream},
 * {@code streamAll}, {@code bulkQuery} or {@code bulkQueryAll} throws where its read fails, and again if asked again:
 * it never ends early as if it were whole. Implementations are thread-safe.
 */
public interface SalesforceClient extends SalesforceQueries, SalesforceBulk, SalesforceRecords,
    SalesforceCollections, SalesforceMetadata, AutoCloseable {

  /** Releases the client's resources. Calls after {@code close()} fail. */
  @Override
  void close();
}
