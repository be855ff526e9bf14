package io.delpha.sdk.core.internal;

import io.delpha.sdk.core.Secret;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a manager's config, listed once, with their names: the config's {@code equals}, {@code hashCode}
 * and {@code toString} are this list's, as a record's are its components'. The configs are final classes made only by
 * their builders (a record would have a public constructor), so this is what a record would write for them:
 *
 * <pre>{@code
 * private static final ConfigValues<AWSConfig> VALUES = ConfigValues.of(AWSConfig.class,
 *     setting("aws", AWSConfig::aws), setting("flowType", AWSConfig::flowType), ...);
 * public boolean equals(@Nullable Object o) { return VALUES.equal(this, o); }
 * public int hashCode() { return VALUES.hash(this); }
 * public String toString() { return VALUES.show(this); }
 * }</pre>
 *
 * <p>Equal when of the same class with every setting equal ({@link Objects#equals}); the hash is {@link
 * Arrays#hashCode} of the settings in their order. {@code toString} is the record form, {@code
 * AWSConfig[aws=..., flowType=...]}, and never shows a secret: a {@link Secret} prints {@code ****} (checked here,
 * not left to its class), a setting whose own {@code toString} may hold one (a host's {@code DataSource} printing its
 * JDBC URL) is {@link #shown shown} another way, and a setting folded into another's shown form is {@link
 * #unprinted}.
 *
 * @param <C> the config class
 */
public final class ConfigValues<C> {

  /**
   * Reads one setting of a config, {@code null} when it is not set.
   *
   * @param <C> the config class
   */
  @FunctionalInterface
  public interface Reader<C> {
    /**
     * @param config a config
     * @return its setting, or {@code null}
     */
    @Nullable Object read(C config);
  }

  /**
   * One setting of a config: its name, how to read it, and how it prints.
   *
   * @param <C> the config class
   */
  public static final class Setting<C> {
    private final String name;
    private final Reader<C> value;
    private final @Nullable Function<? super C, String> shown;
    private final boolean printed;

    private Setting(String name, Reader<C> value,
        @Nullable Function<? super C, String> shown, boolean printed) {
      this.name = Objects.requireNonNull(name, "name");
      this.value = Objects.requireNonNull(value, "value");
      this.shown = shown;
      this.printed = printed;
    }
  }

  private final Class<C> type;
  private final List<Setting<C>> settings;

  private ConfigValues(Class<C> type, List<Setting<C>> settings) {
    this.type = type;
    this.settings = settings;
  }

  /**
   * @param type the config class (a final class: equality needs the same class)
   * @param settings every setting, in the order {@code toString} prints them
   * @param <C> the config class
   * @return the list
   */
  @SafeVarargs
  public static <C> ConfigValues<C> of(Class<C> type, Setting<C>... settings) {
    return new ConfigValues<>(Objects.requireNonNull(type, "type"), List.of(settings));
  }

  /**
   * A setting compared by its value and printed as its value prints ({@code ****} for a {@link Secret}).
   *
   * @param name the setting's name
   * @param value reads it from a config
   * @param <C> the config class
   * @return the setting
   */
  public static <C> Setting<C> setting(String name, Reader<C> value) {
    return new Setting<>(name, value, null, true);
  }

  /**
   * A setting compared by its value and printed as {@code shown} says: for a value whose own {@code toString} may hold
   * a secret or is too long to log.
   *
   * @param name the setting's name
   * @param value reads it from a config
   * @param shown what {@code toString} prints for it
   * @param <C> the config class
   * @return the setting
   */
  public static <C> Setting<C> shown(String name, Reader<C> value,
      Function<? super C, String> shown) {
    return new Setting<>(name, value, Objects.requireNonNull(shown, "shown"), true);
  }

  /**
   * A setting compared by its value and not printed: one another setting's {@link #shown} form already tells.
   *
   * @param name the setting's name
   * @param value reads it from a config
   * @param <C> the config class
   * @return the setting
   */
  public static <C> Setting<C> unprinted(String name, Reader<C> value) {
    return new Setting<>(name, value, null, false);
  }

  /**
   * @param self a config
   * @param other anything
   * @return whether {@code other} is a config of the same class with every setting equal
   */
  public boolean equal(C self, @Nullable Object other) {
    if (other == self) {
      return true;
    }
    if (other == null || other.getClass() != type) {
      return false;
    }
    C that = type.cast(other);
    for (Setting<C> s : settings) {
      if (!Objects.equals(s.value.read(self), s.value.read(that))) {
        return false;
      }
    }
    return true;
  }

  /**
   * @param self a config
   * @return the hash of its settings
   */
  public int hash(C self) {
    @Nullable Object[] values = new Object[settings.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = settings.get(i).value.read(self);
    }
    return Arrays.hashCode(values);
  }

  /**
   * @param self a config
   * @return {@code Name[setting=value, ...]}, secrets as {@code ****}
   */
  public String show(C self) {
    StringBuilder out = new StringBuilder(type.getSimpleName()).append('[');
    String separator = "";
    for (Setting<C> s : settings) {
      if (!s.printed) {
        continue;
      }
      Function<? super C, String> shown = s.shown;
      @Nullable Object value = s.value.read(self);
      out.append(separator).append(s.name).append('=')
          .append(shown != null ? shown.apply(self) : value instanceof Secret ? "****" : String.valueOf(value));
      separator = ", ";
    }
    return out.append(']').toString();
  }
}
