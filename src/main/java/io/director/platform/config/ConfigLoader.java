package io.director.platform.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Layers configuration: environment variables over a config file ({@code --config FILE}, else
 * {@code config/director.yml} and {@code config/director-<env>.yml}) over built-in defaults, and
 * checks every value.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static EffectiveConfig load(Map<String, String> env, Optional<Path> explicitFile, Path workDir) {
    Map<String, ConfigValue> values = defaults();
    List<String> problems = new ArrayList<>();
    if (explicitFile.isPresent()) {
      Path file = explicitFile.get();
      if (Files.isRegularFile(file)) {
        readFile(file, values, problems);
      } else {
        problems.add("--config " + file + ": file does not exist");
      }
    } else {
      Path base = workDir.resolve("config/director.yml");
      if (Files.isRegularFile(base)) readFile(base, values, problems);
      String envName = nonEmpty(env.get("DIRECTOR_ENV"))
          .or(() -> Optional.ofNullable(values.get("DIRECTOR_ENV")).map(ConfigValue::raw))
          .orElse("development")
          .toLowerCase(java.util.Locale.ROOT);
      if (envName.matches("[a-z0-9-]+")) {
        Path overlay = workDir.resolve("config/director-" + envName + ".yml");
        if (Files.isRegularFile(overlay)) readFile(overlay, values, problems);
      }
    }

    return layer(env, "environment", values, problems);
  }

  /**
   * Checks a set of variables on their own (no files, no process environment), as the config
   * validation API does; names Director does not know are problems here.
   */
  public static EffectiveConfig check(Map<String, String> variables) {
    List<String> problems = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(variables.keySet())) {
      if (Settings.named(name).isEmpty() && !name.startsWith(Settings.DANGEROUS_PREFIX)) problems.add("unknown setting '" + name + "'");
    }
    return layer(variables, "request", defaults(), problems);
  }

  private static Map<String, ConfigValue> defaults() {
    Map<String, ConfigValue> values = new LinkedHashMap<>();
    for (Setting s : Settings.all()) {
      s.defaultValue().ifPresent(d -> values.put(s.name(), new ConfigValue(d, "default")));
    }
    return values;
  }

  private static EffectiveConfig layer(Map<String, String> env, String sourceName, Map<String, ConfigValue> values, List<String> problems) {
    Map<String, String> unknownDangerous = new TreeMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      Optional<String> value = nonEmpty(e.getValue());
      if (value.isEmpty()) continue;
      if (Settings.named(e.getKey()).isPresent()) {
        values.put(e.getKey(), new ConfigValue(value.get().trim(), sourceName));
      } else if (e.getKey().startsWith(Settings.DANGEROUS_PREFIX)) {
        unknownDangerous.put(e.getKey(), value.get());
      }
    }

    for (Map.Entry<String, ConfigValue> e : values.entrySet()) {
      Setting s = Settings.named(e.getKey()).orElseThrow();
      ConfigValue v = e.getValue();
      if (v.raw().isEmpty()) continue;
      s.type().check(v.raw(), s).ifPresent(why -> problems.add(s.name() + " " + why + " (from " + v.source() + ")"));
    }
    crossChecks(values, problems);
    return new EffectiveConfig(values, problems, unknownDangerous);
  }

  private static void crossChecks(Map<String, ConfigValue> values, List<String> problems) {
    ConfigValue secret = values.get("DIRECTOR_SECRET");
    if (secret != null && !secret.raw().isEmpty() && secret.raw().length() < 32) {
      problems.add("DIRECTOR_SECRET must be at least 32 characters, got " + secret.raw().length() + " (from " + secret.source() + ")");
    }
    Integer min = intOf(values.get("DATABASE_POOL_MIN"));
    Integer max = intOf(values.get("DATABASE_POOL_MAX"));
    if (max != null && max < 1) problems.add("DATABASE_POOL_MAX must be at least 1, got " + max);
    if (min != null && max != null && min > max) {
      problems.add("DATABASE_POOL_MIN (" + min + ") must not exceed DATABASE_POOL_MAX (" + max + ")");
    }
    Integer cost = intOf(values.get("PASSWORD_HASH_COST"));
    if (cost != null && (cost < 4 || cost > 31)) problems.add("PASSWORD_HASH_COST must be between 4 and 31, got " + cost);
    Integer port = intOf(values.get("PORT"));
    Integer management = intOf(values.get("MANAGEMENT_PORT"));
    if (port != null && port.equals(management)) {
      problems.add("MANAGEMENT_PORT must differ from PORT (both " + port + ")");
    }
  }

  private static Integer intOf(ConfigValue v) {
    if (v == null) return null;
    try {
      return Integer.parseInt(v.raw().trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void readFile(Path file, Map<String, ConfigValue> values, List<String> problems) {
    Object root;
    try (Reader reader = Files.newBufferedReader(file)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (IOException e) {
      problems.add(file + ": cannot be read: " + e.getMessage());
      return;
    } catch (YAMLException e) {
      String firstLine = String.valueOf(e.getMessage()).lines().findFirst().orElse("invalid YAML");
      problems.add(file + ": is not valid YAML: " + firstLine);
      return;
    }
    if (root == null) return;
    if (!(root instanceof Map<?, ?> map)) {
      problems.add(file + ": must be a mapping of settings, e.g. 'port: 3673'");
      return;
    }
    flatten("", map, file, values, problems);
  }

  private static void flatten(String prefix, Map<?, ?> map, Path file, Map<String, ConfigValue> values, List<String> problems) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
      Object value = e.getValue();
      if (value instanceof Map<?, ?> nested) {
        flatten(key, nested, file, values, problems);
        continue;
      }
      String name = Settings.nameOfKey(key);
      Optional<Setting> setting = Settings.named(name);
      if (setting.isEmpty()) {
        problems.add(file + ": unknown key '" + key + "'");
        continue;
      }
      if (value == null) continue;
      String raw;
      if (value instanceof List<?> list) {
        if (setting.get().type() != SettingType.ORIGINS) {
          problems.add(setting.get().name() + " must be a single value, got a list (from " + file + ")");
          continue;
        }
        raw = String.join(",", list.stream().map(String::valueOf).toList());
      } else {
        raw = String.valueOf(value).trim();
      }
      values.put(name, new ConfigValue(raw, file.toString()));
    }
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
  }
}
