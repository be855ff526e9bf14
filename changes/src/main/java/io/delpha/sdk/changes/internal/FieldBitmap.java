package io.delpha.sdk.changes.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.internal.PeerNumbers;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code changedFields}, {@code nulledFields} or {@code diffFields} list of a change event header, decoded. Salesforce
 * sends it as an array of strings: the first, {@code "0x..."}, is a bitmap over the event schema's field positions
 * (the hex of a big-endian number whose bit {@code n} is field {@code n}); each other, {@code "pos-0x..."}, a bitmap
 * over the parts of the compound field at position {@code pos}.
 *
 * @param top the top-level positions set
 * @param parts the part positions set, by the compound's position
 */
public record FieldBitmap(BitSet top, Map<Integer, BitSet> parts) {

  /** The most positions a bitmap may name: far more than any object has fields. */
  public static final int MAX_BITS = 1 << 16;

  /**
   * @param entries the header's list
   * @param fields the schema's number of top-level fields, header included (positions beyond it are refused)
   * @param what the list's name, for messages
   * @return the positions
   * @throws DataFormatException if an entry is not of the documented form
   */
  public static FieldBitmap parse(List<? extends CharSequence> entries, int fields, String what) {
    BitSet top = new BitSet();
    Map<Integer, BitSet> parts = new HashMap<>();
    for (CharSequence entry : entries) {
      String e = entry.toString();
      int dash = e.indexOf('-');
      if (dash < 0) {
        top.or(bits(e, what));
      } else {
        int pos;
        try {
          pos = Integer.parseInt(e.substring(0, dash));
        } catch (NumberFormatException x) {
          throw new DataFormatException(what + " entry '" + cut(e) + "' is not pos-0x...");
        }
        if (pos < 1 || pos >= fields) {
          throw new DataFormatException(what + " entry '" + cut(e) + "' names position " + pos + ", outside the "
              + "event's " + fields + " fields");
        }
        parts.computeIfAbsent(pos, p -> new BitSet()).or(bits(e.substring(dash + 1), what));
      }
    }
    if (top.length() > fields) {
      throw new DataFormatException(what + " names position " + (top.length() - 1) + ", outside the event's "
          + fields + " fields");
    }
    return new FieldBitmap(top, parts);
  }

  /** A {@code 0x...} entry's bits ({@link PeerNumbers#hexBits}: linear in its digits). */
  static BitSet bits(String hex, String what) {
    if (!hex.startsWith("0x")) {
      throw new DataFormatException(what + " entry '" + cut(hex) + "' is not a 0x... bitmap");
    }
    return PeerNumbers.hexBits(hex.substring(2), MAX_BITS / 4, what + " entry");
  }

  private static String cut(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  /**
   * @param position a top-level position
   * @return whether it is set
   */
  public boolean has(int position) {
    return top.get(position);
  }

  /**
   * @param position a compound's position
   * @param part a part's position in the compound
   * @return whether the part is set (or the whole compound is)
   */
  public boolean hasPart(int position, int part) {
    BitSet p = parts.get(position);
    return p != null ? p.get(part) : top.get(position);
  }

  /**
   * @return whether nothing is set
   */
  public boolean isEmpty() {
    return top.isEmpty() && parts.isEmpty();
  }
}
