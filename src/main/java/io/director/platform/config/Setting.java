package io.director.platform.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One configuration variable: its environment name, type, built-in default and meaning. The same
 * name, lower-cased with dots or nesting for underscores, is its key in a config file.
 */
public record Setting(
    String name, SettingType type, Optional<String> defaultValue, String description, List<String> choices) {

  public Setting {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(defaultValue, "defaultValue");
    requireNonNull(description, "description");
    choices = List.copyOf(choices);
  }

  static Setting of(String name, SettingType type, String defaultValue, String description) {
    return new Setting(name, type, Optional.ofNullable(defaultValue), description, List.of());
  }

  static Setting choice(String name, String defaultValue, String description, String... choices) {
    return new Setting(name, SettingType.CHOICE, Optional.of(defaultValue), description, List.of(choices));
  }

  public boolean secret() {
    return type == SettingType.SECRET;
  }

  /** The value as it may be shown to a person: secrets masked, database passwords removed. */
  public String display(String raw) {
    return switch (type) {
      case SECRET -> raw.isEmpty() ? "" : "********";
      case DATABASE_URL -> {
        try {
          yield DatabaseUrl.parse(raw).masked();
        } catch (IllegalArgumentException e) {
          yield "(invalid database URL)";
        }
      }
      default -> raw;
    };
  }
}
