package io.delpha.sdk.salesforce;

/**
 * The organisation's daily API usage, as Salesforce reports it in the {@code Sforce-Limit-Info}
 * response header ({@code api-usage=18/5000}).
 *
 * @param used API requests used in the last 24 hours
 * @param limit the organisation's daily limit
 */
public record ApiUsage(long used, long limit) {

  /**
   * @return the requests left before Salesforce answers {@code REQUEST_LIMIT_EXCEEDED}
   */
  public long remaining() {
    return Math.max(0, limit - used);
  }

  @Override
  public String toString() {
    return "api-usage=" + used + "/" + limit;
  }
}
