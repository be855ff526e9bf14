package io.delpha.sdk.core.internal;

import io.delpha.sdk.core.Secret;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one component's config, each declared once, as the driver's {@code TypedDriverOption}s are: its
 * name, its default, how it is copied in and how it prints. A config holds a frozen {@link Values}; its builder holds
 * a {@link Draft} (a config in progress) and each setter writes one setting of it; {@code toBuilder()} starts a draft
 * from the values. So the config's {@code equals}, {@code hashCode}, {@code toString} and the builder's copy are this
 * table's, and adding a setting is one declaration and one getter in the config, and one setter in its builder:
 *
 * <pre>{@code
 * public final class AWSConfig {
 *   static final Settings SETTINGS = new Settings("AWSConfig");
 *   static final Settings.Setting<Integer> RECORDS_PAGE_SIZE = SETTINGS.add("recordsPageSize", 100);
 *   private final Settings.Values values;
 *   public int recordsPageSize() { return values.get(RECORDS_PAGE_SIZE); }
 * }
 * // in AWSManagerBuilder:
 * public AWSManagerBuilder recordsPageSize(int n) { draft.set(AWSConfig.RECORDS_PAGE_SIZE, n); return this; }
 * }</pre>
 *
 * <p>A setting is <em>required</em> (no default: {@link #required}), has a default ({@link #add}), or is
 * <em>optional</em> (may stay unset, read as {@code null}: {@link #optional}). {@link Draft#freeze()} refuses a
 * required setting left unset with a {@link NullPointerException} naming it, as a constructor's {@code
 * requireNonNull} would. Values are equal when of the same table with every setting equal ({@link Objects#equals});
 * the hash is {@link Arrays#hashCode} of the settings in their order; {@code toString} is the record form, {@code
 * AWSConfig[aws=..., flowType=...]}, and never shows a secret: a {@link Secret} prints {@code ****} (checked here, not
 * left to its class), a setting whose own {@code toString} may hold one (a host's {@code DataSource} printing its JDBC
 * URL) is {@link Setting#shown shown} another way, and a setting another's shown form already tells is {@link
 * Setting#unprinted unprinted}. A table is filled in by its config's static initialiser and not changed after.
 */
public final class Settings {

  private final String name;
  private final List<Setting<?>> settings = new ArrayList<>();

  /**
   * @param name the config's simple name, which {@code toString} starts with
   */
  public Settings(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * A setting with a default, which a draft starts with.
   *
   * @param name the setting's name (the getter's and the setter's)
   * @param defaultValue its value when the builder does not set it
   * @param <T> its type
   * @return the setting
   */
  public <T> Setting<T> add(String name, T defaultValue) {
    return declare(name, Objects.requireNonNull(defaultValue, name), Kind.DEFAULTED);
  }

  /**
   * A setting without a default that every config has: {@link Draft#freeze()} refuses a draft without it.
   *
   * @param name the setting's name
   * @param <T> its type
   * @return the setting
   */
  public <T> Setting<T> required(String name) {
    return declare(name, null, Kind.REQUIRED);
  }

  /**
   * A setting that may stay unset ({@code null} in the config).
   *
   * @param name the setting's name
   * @param <T> its type
   * @return the setting
   */
  public <T> Setting<T> optional(String name) {
    return declare(name, null, Kind.OPTIONAL);
  }

  private <T> Setting<T> declare(String name, @Nullable T defaultValue, Kind kind) {
    for (Setting<?> s : settings) {
      if (s.name.equals(name)) {
        throw new IllegalArgumentException(this.name + " declares '" + name + "' twice");
      }
    }
    Setting<T> s = new Setting<>(this, settings.size(), name, defaultValue, kind);
    settings.add(s);
    return s;
  }

  /**
   * @return a draft holding every setting's default
   */
  public Draft draft() {
    @Nullable Object[] values = new Object[settings.size()];
    for (Setting<?> s : settings) {
      values[s.index] = s.defaultValue;
    }
    return new Draft(this, values);
  }

  private enum Kind { DEFAULTED, REQUIRED, OPTIONAL }

  /**
   * One setting of a table: its name, its default and how it is copied in and printed.
   *
   * @param <T> its type
   */
  public static final class Setting<T> {
    private final Settings table;
    private final int index;
    private final String name;
    private final @Nullable T defaultValue;
    private final Kind kind;
    private UnaryOperator<T> copy = UnaryOperator.identity();
    private @Nullable Function<Values, String> shown;
    private boolean printed = true;

    private Setting(Settings table, int index, String name, @Nullable T defaultValue, Kind kind) {
      this.table = table;
      this.index = index;
      this.name = name;
      this.defaultValue = defaultValue;
      this.kind = kind;
    }

    /**
     * @param copy what a draft stores instead of the value it is given ({@code List::copyOf}: a host's list changed
     *     later does not change the config)
     * @return this setting
     */
    public Setting<T> copiedBy(UnaryOperator<T> copy) {
      this.copy = Objects.requireNonNull(copy, "copy");
      return this;
    }

    /**
     * @param shown what {@code toString} prints for this setting, from all the values: for a value whose own {@code
     *     toString} may hold a secret or is too long to log
     * @return this setting
     */
    public Setting<T> shown(Function<Values, String> shown) {
      this.shown = Objects.requireNonNull(shown, "shown");
      return this;
    }

    /**
     * @return this setting, compared but not printed: another setting's {@link #shown} form tells it
     */
    public Setting<T> unprinted() {
      this.printed = false;
      return this;
    }

    /**
     * @return the setting's name
     */
    public String name() {
      return name;
    }

    @Override
    public String toString() {
      return table.name + "." + name;
    }
  }

  /** The settings of a config in progress: what a builder holds. Not thread-safe. */
  public static final class Draft {
    private final Settings table;
    private final @Nullable Object[] values;

    private Draft(Settings table, @Nullable Object[] values) {
      this.table = table;
      this.values = values;
    }

    /**
     * @param setting a setting of this draft's table
     * @param value its new value, stored as the setting's {@link Setting#copiedBy copy}
     * @param <T> its type
     * @throws NullPointerException naming the setting if {@code value} is {@code null}
     */
    public <T> void set(Setting<T> setting, T value) {
      values[own(setting).index] = setting.copy.apply(Objects.requireNonNull(value, setting.name));
    }

    /**
     * @param setting a setting of this draft's table
     * @param value its new value, or {@code null} to unset it (its default is not restored)
     * @param <T> its type
     */
    public <T> void setOrClear(Setting<T> setting, @Nullable T value) {
      values[own(setting).index] = value == null ? null : setting.copy.apply(value);
    }

    /**
     * @param setting a setting of this draft's table
     * @param <T> its type
     * @return its value so far, {@code null} when unset
     */
    @SuppressWarnings("unchecked")
    public <T> @Nullable T find(Setting<T> setting) {
      return (T) values[own(setting).index];
    }

    /**
     * @return a draft with the same values, changed apart from this one
     */
    public Draft copy() {
      return new Draft(table, values.clone());
    }

    /**
     * @return the values, for a config
     * @throws NullPointerException naming the first required setting left unset
     */
    public Values freeze() {
      for (Setting<?> s : table.settings) {
        if (s.kind == Kind.REQUIRED && values[s.index] == null) {
          throw new NullPointerException(s.name);
        }
      }
      return new Values(table, values.clone());
    }

    private <T> Setting<T> own(Setting<T> setting) {
      if (setting.table != table) {
        throw new IllegalArgumentException(setting + " is not a setting of " + table.name);
      }
      return setting;
    }
  }

  /** The frozen settings of a config. Immutable when each value is. */
  public static final class Values {
    private final Settings table;
    private final @Nullable Object[] values;

    private Values(Settings table, @Nullable Object[] values) {
      this.table = table;
      this.values = values;
    }

    /**
     * @param setting a required setting or one with a default
     * @param <T> its type
     * @return its value
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
      if (setting.kind == Kind.OPTIONAL) {
        throw new IllegalArgumentException(setting + " may be unset: read it with find");
      }
      return (T) Objects.requireNonNull(values[own(setting).index], setting.name);
    }

    /**
     * @param setting any setting of this table
     * @param <T> its type
     * @return its value, {@code null} when unset
     */
    @SuppressWarnings("unchecked")
    public <T> @Nullable T find(Setting<T> setting) {
      return (T) values[own(setting).index];
    }

    /**
     * @return a draft holding these values, for {@code toBuilder()}
     */
    public Draft toDraft() {
      return new Draft(table, values.clone());
    }

    private <T> Setting<T> own(Setting<T> setting) {
      if (setting.table != table) {
        throw new IllegalArgumentException(setting + " is not a setting of " + table.name);
      }
      return setting;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o == this || o instanceof Values v && v.table == table && Arrays.equals(v.values, values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    /** The record form, {@code Name[setting=value, ...]}, secrets as {@code ****}. */
    @Override
    public String toString() {
      StringBuilder out = new StringBuilder(table.name).append('[');
      String separator = "";
      for (Setting<?> s : table.settings) {
        if (!s.printed) {
          continue;
        }
        Function<Values, String> shown = s.shown;
        @Nullable Object value = values[s.index];
        out.append(separator).append(s.name).append('=')
            .append(shown != null ? shown.apply(this) : value instanceof Secret ? "****" : String.valueOf(value));
        separator = ", ";
      }
      return out.append(']').toString();
    }
  }
}
