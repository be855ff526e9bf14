package io.delpha.sdk.core.internal.http;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;

/**
 * A count a peer claims for what it sends (a Bulk API page's {@code Sforce-NumberOfRecords}, a query's {@code
 * totalSize}), enforced as the items are read, not after: item {@code N + 1} past a claim of {@code N} is a {@link
 * ResponseLimitException} ({@code declared count}) at once, before it is handed out, so a peer that claims one record
 * and then sends them forever delivers at most what it claimed. An answer that ends short of its claim is a {@link
 * DataFormatException} at {@link #end}.
 *
 * <pre>{@code
 * ClaimedCount claim = ClaimedCount.of("result page 3", "Sforce-NumberOfRecords", declared);
 * while ((row = next()) != null) { claim.item(); hand(row); }
 * claim.end();
 * }</pre>
 *
 * <p>Not thread-safe: one reader.
 */
public final class ClaimedCount {

  private final String what;
  private final String claim;
  private final long declared;
  private long items;

  private ClaimedCount(String what, String claim, long declared) {
    this.what = what;
    this.claim = claim;
    this.declared = declared;
  }

  /**
   * @param what what is read, for messages (never a credential)
   * @param claim how the peer said it, e.g. {@code "Sforce-NumberOfRecords"}
   * @param declared the count claimed, negative when the peer claimed none (then nothing is enforced)
   * @return the count of a new read
   */
  public static ClaimedCount of(String what, String claim, long declared) {
    return new ClaimedCount(what, claim, declared);
  }

  /**
   * Counts an item about to be handed out.
   *
   * @throws ResponseLimitException ({@code declared count}) if it is one more than the claim
   */
  public void item() {
    if (declared >= 0 && items >= declared) {
      throw new ResponseLimitException("declared count", what + ": the peer claimed " + declared + " (" + claim
          + ") and sent more; reading stopped at item " + (items + 1) + " and nothing of it was taken as whole", null);
    }
    items++;
  }

  /**
   * Checks the count at the end of what was claimed.
   *
   * @throws DataFormatException if fewer items came than claimed
   */
  public void end() {
    if (declared >= 0 && items != declared) {
      throw new DataFormatException(what + " held " + items + " items where its " + claim + " said " + declared
          + "; it was cut, so it is not taken as whole");
    }
  }

  /** @return the items counted so far */
  public long items() {
    return items;
  }

  /** @return the count claimed, negative when none */
  public long declared() {
    return declared;
  }
}
