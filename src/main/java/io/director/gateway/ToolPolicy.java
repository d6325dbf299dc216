package io.director.gateway;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which of an upstream's tools a playbook serves and how: include and exclude globs ({@code *} and
 * {@code ?}), and per-tool rename, description override and disable.
 */
public record ToolPolicy(List<String> include, List<String> exclude, Map<String, Override> overrides) {
  public static final ToolPolicy ALL = new ToolPolicy(List.of(), List.of(), Map.of());

  public ToolPolicy {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    overrides = Map.copyOf(overrides);
  }

  /** Changes to one tool. */
  public record Override(Optional<String> name, Optional<String> description, boolean disabled) {}

  /** Whether the upstream tool {@code name} is served. */
  public boolean serves(String name) {
    if (!include.isEmpty() && include.stream().noneMatch(g -> glob(g).matcher(name).matches())) return false;
    if (exclude.stream().anyMatch(g -> glob(g).matcher(name).matches())) return false;
    Override o = overrides.get(name);
    return o == null || !o.disabled();
  }

  /** The name a client sees before namespacing. */
  public String exposedName(String name) {
    Override o = overrides.get(name);
    return o != null && o.name().isPresent() ? o.name().get() : name;
  }

  /** Whether any tool is served under a name of the playbook's choosing. */
  public boolean renames() {
    return overrides.values().stream().anyMatch(o -> o.name().isPresent());
  }

  public Optional<String> description(String name) {
    Override o = overrides.get(name);
    return o == null ? Optional.empty() : o.description();
  }

  static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
