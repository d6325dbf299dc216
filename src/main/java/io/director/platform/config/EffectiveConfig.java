package io.director.platform.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration after layering defaults, config files and the environment: raw values with
 * their sources, and every problem found. {@link DirectorConfig#from} turns a problem-free one into
 * typed values.
 */
public record EffectiveConfig(
    Map<String, ConfigValue> values, List<String> problems, Map<String, String> unknownDangerousFlags) {

  public EffectiveConfig {
    values = Map.copyOf(values);
    problems = List.copyOf(problems);
    unknownDangerousFlags = Map.copyOf(unknownDangerousFlags);
  }

  public Optional<String> raw(String name) {
    return Optional.ofNullable(values.get(name)).map(ConfigValue::raw).filter(s -> !s.isEmpty());
  }

  public boolean production() {
    return raw("DIRECTOR_ENV").map("production"::equalsIgnoreCase).orElse(false);
  }

  public boolean valid() {
    return problems.isEmpty();
  }

  /** One line per setting, secrets masked, in catalogue order. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    int width = Settings.all().stream().mapToInt(s -> s.name().length()).max().orElse(0);
    for (Setting s : Settings.all()) {
      ConfigValue v = values.get(s.name());
      String shown = v == null || v.raw().isEmpty() ? "(unset)" : s.display(v.raw());
      String source = v == null ? "default" : v.source();
      lines.add(String.format("%-" + width + "s  %s  [%s]", s.name(), shown, source));
    }
    return lines;
  }
}
