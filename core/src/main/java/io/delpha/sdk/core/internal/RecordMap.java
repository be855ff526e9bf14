package io.delpha.sdk.core.internal;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A record's fields as a {@code Map} by its header's names, in the header's order: the names are the header's, shared
 * by every record made from it ({@link Header#row}), and a record holds only its values. It behaves as the {@link
 * LinkedHashMap} it stands for: mutable, {@code null} values allowed, iteration in insertion order, views that write
 * through, {@code equals} and {@code hashCode} of any {@code Map}; serialized as a {@code LinkedHashMap}. Replacing a
 * field's value keeps the shared form; adding a name or removing one turns the record into its own {@code
 * LinkedHashMap} first. An iterator fails with {@link ConcurrentModificationException} when the record changed form
 * under it. Not thread-safe.
 */
public final class RecordMap extends AbstractMap<String, String> implements Serializable {

  private static final long serialVersionUID = 1L;
  /** Headers of at most this many names are searched in order; wider ones through a hash index. */
  private static final int SCANNED = 8;

  /** A header's names, shared by the records made from it. Immutable and thread-safe. */
  public static final class Header {

    private final String[] names;
    private final @Nullable Map<String, Integer> index;
    private final boolean unique;

    private Header(String[] names) {
      this.names = names;
      Map<String, Integer> byName = new HashMap<>(names.length * 2);
      for (int i = 0; i < names.length; i++) {
        byName.putIfAbsent(names[i], i);
      }
      this.unique = byName.size() == names.length;
      this.index = names.length > SCANNED ? byName : null;
    }

    /**
     * @param names the header's names, in order; none {@code null}
     * @return the header
     * @throws NullPointerException if a name is {@code null}
     */
    public static Header of(List<String> names) {
      String[] copy = new String[names.size()];
      for (int i = 0; i < copy.length; i++) {
        String name = names.get(i);
        if (name == null) {
          throw new NullPointerException("a header's name " + i);
        }
        copy[i] = name;
      }
      return new Header(copy);
    }

    /** @return how many names */
    public int size() {
      return names.length;
    }

    /**
     * A record of this header. Where a name repeats in the header, the record is a {@link LinkedHashMap} in which
     * the last field of that name wins, as {@code put} after {@code put} would give.
     *
     * @param values the record's fields, as many as the header has names; copied
     * @return the record
     * @throws IllegalArgumentException if the count differs from the header's
     */
    public Map<String, String> row(List<String> values) {
      if (values.size() != names.length) {
        throw new IllegalArgumentException(values.size() + " fields where the header has " + names.length);
      }
      if (!unique) {
        Map<String, String> row = new LinkedHashMap<>(names.length * 2);
        for (int i = 0; i < names.length; i++) {
          row.put(names[i], values.get(i));
        }
        return row;
      }
      @Nullable String[] copy = new String[names.length];
      for (int i = 0; i < copy.length; i++) {
        copy[i] = values.get(i);
      }
      return new RecordMap(this, copy);
    }

    int indexOf(@Nullable Object key) {
      Map<String, Integer> byName = index;
      if (byName != null) {
        Integer i = byName.get(key);
        return i == null ? -1 : i;
      }
      if (key == null) {
        return -1;
      }
      String[] n = names;
      for (int i = 0; i < n.length; i++) {
        if (n[i].equals(key)) {
          return i;
        }
      }
      return -1;
    }
  }

  private final transient Header header;
  /** The values by the header's positions; {@code null} once the record is its own map ({@link #own}). */
  private transient @Nullable String @Nullable [] values;
  private transient @Nullable LinkedHashMap<String, @Nullable String> own;
  private transient @Nullable Set<Map.Entry<String, String>> entries;

  private RecordMap(Header header, @Nullable String[] values) {
    this.header = header;
    this.values = values;
  }

  /**
   * @return an estimate of the heap bytes the record holds beyond its shared header: itself, its array (or its own
   *     map's entries) and its values' characters
   */
  public long footprint() {
    long bytes = 40 + 4L * header.names.length;
    @Nullable String[] v = values;
    if (v != null) {
      for (String value : v) {
        bytes += value == null ? 0 : 40 + value.length();
      }
      return bytes;
    }
    for (String value : own().values()) {
      bytes += 64 + (value == null ? 0 : 40 + value.length());
    }
    return bytes;
  }

  @Override
  public int size() {
    LinkedHashMap<String, @Nullable String> map = own;
    return map != null ? map.size() : header.names.length;
  }

  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  @Override
  @SuppressWarnings("NullAway") // a value may be null, as a LinkedHashMap's
  public @Nullable String get(@Nullable Object key) {
    @Nullable String[] v = values;
    if (v == null) {
      return own().get(key);
    }
    int i = header.indexOf(key);
    return i < 0 ? null : v[i];
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return values == null ? own().containsKey(key) : header.indexOf(key) >= 0;
  }

  @Override
  @SuppressWarnings("NullAway") // a value may be null, as a LinkedHashMap's
  public @Nullable String put(String key, @Nullable String value) {
    @Nullable String[] v = values;
    if (v != null) {
      int i = header.indexOf(key);
      if (i >= 0) {
        String old = v[i];
        v[i] = value;
        return old;
      }
    }
    return becomeOwn().put(key, value);
  }

  @Override
  @SuppressWarnings("NullAway") // a value may be null, as a LinkedHashMap's
  public @Nullable String remove(@Nullable Object key) {
    if (values != null && header.indexOf(key) < 0) {
      return null;
    }
    return becomeOwn().remove(key);
  }

  @Override
  public void clear() {
    becomeOwn().clear();
  }

  @Override
  @SuppressWarnings("NullAway") // a value may be null, as a LinkedHashMap's
  public void forEach(BiConsumer<? super String, ? super String> action) {
    @Nullable String[] v = values;
    if (v == null) {
      own().forEach(action);
      return;
    }
    String[] n = header.names;
    for (int i = 0; i < n.length; i++) {
      action.accept(n[i], v[i]);
    }
  }

  @Override
  public Set<Map.Entry<String, String>> entrySet() {
    Set<Map.Entry<String, String>> set = entries;
    if (set == null) {
      set = new Entries();
      entries = set;
    }
    return set;
  }

  private LinkedHashMap<String, @Nullable String> own() {
    LinkedHashMap<String, @Nullable String> map = own;
    if (map == null) {
      throw new IllegalStateException("a record without values has its own map");
    }
    return map;
  }

  /** Turns the record into its own map, in the header's order, and drops the shared form. */
  private LinkedHashMap<String, @Nullable String> becomeOwn() {
    @Nullable String[] v = values;
    if (v == null) {
      return own();
    }
    String[] n = header.names;
    LinkedHashMap<String, @Nullable String> map = new LinkedHashMap<>(Math.max(16, n.length * 2));
    for (int i = 0; i < n.length; i++) {
      map.put(n[i], v[i]);
    }
    own = map;
    values = null;
    return map;
  }

  @SuppressWarnings("unchecked")
  private Set<Map.Entry<String, String>> ownEntries() {
    return (Set<Map.Entry<String, String>>) (Set<?>) own().entrySet();
  }

  /** Serialized as the {@code LinkedHashMap} it stands for. */
  private Object writeReplace() {
    return new LinkedHashMap<>(this);
  }

  /** The entries' view: the shared form's slots, or the record's own map's entries once it has one. */
  private final class Entries extends AbstractSet<Map.Entry<String, String>> {

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
      return values == null ? ownEntries().iterator() : new Slots();
    }

    @Override
    public int size() {
      return RecordMap.this.size();
    }

    @Override
    public void clear() {
      RecordMap.this.clear();
    }
  }

  /**
   * Iterates the shared form's slots; a removal through it turns the record into its own map and goes on with that
   * map's iterator, placed where this one was.
   */
  private final class Slots implements Iterator<Map.Entry<String, String>> {

    private int next;
    private int last = -1;
    private @Nullable Iterator<Map.Entry<String, String>> delegate;

    @Override
    public boolean hasNext() {
      Iterator<Map.Entry<String, String>> d = delegate;
      return d != null ? d.hasNext() : next < header.names.length;
    }

    @Override
    public Map.Entry<String, String> next() {
      Iterator<Map.Entry<String, String>> d = delegate;
      if (d != null) {
        return d.next();
      }
      if (values == null) {
        throw new ConcurrentModificationException("the record became its own map while it was iterated");
      }
      if (next >= header.names.length) {
        throw new NoSuchElementException();
      }
      last = next;
      return new Slot(next++);
    }

    @Override
    public void remove() {
      Iterator<Map.Entry<String, String>> d = delegate;
      if (d != null) {
        d.remove();
        return;
      }
      if (last < 0) {
        throw new IllegalStateException("remove() without next()");
      }
      if (values == null) {
        throw new ConcurrentModificationException("the record became its own map while it was iterated");
      }
      becomeOwn();
      d = ownEntries().iterator();
      for (int i = 0; i <= last; i++) {
        d.next();
      }
      d.remove();
      delegate = d;
      last = -1;
    }
  }

  /** A field of the shared form; {@code setValue} writes through to the record. */
  private final class Slot extends AbstractMap.SimpleEntry<String, String> {

    private static final long serialVersionUID = 1L;

    @SuppressWarnings("NullAway") // a value may be null, as a LinkedHashMap's
    Slot(int i) {
      super(header.names[i], valueAt(i));
    }

    @Override
    @SuppressWarnings("NullAway") // a value may be null, as a LinkedHashMap's
    public String setValue(String value) {
      RecordMap.this.put(getKey(), value);
      return super.setValue(value);
    }
  }

  private @Nullable String valueAt(int i) {
    @Nullable String[] v = values;
    return v == null ? null : v[i];
  }
}
