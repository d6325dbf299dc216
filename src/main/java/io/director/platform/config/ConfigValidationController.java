package io.director.platform.config;

import io.director.shared.DirectorException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/config/validate}: checks a set of settings (as environment variables) before an
 * operator rolls them out, with the same rules as {@code director config validate}. It never
 * reveals this server's own configuration and never echoes values back.
 */
@RestController
class ConfigValidationController {

  record Validation(boolean valid, List<String> problems) {}

  @PostMapping(path = "/api/config/validate", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  Validation validate(@RequestBody Map<String, Object> settings) {
    Map<String, String> variables = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : settings.entrySet()) {
      Object v = e.getValue();
      if (v instanceof Map<?, ?> || v instanceof List<?>) {
        throw DirectorException.invalid("config.value-not-scalar", "setting '" + e.getKey() + "' must be a string, number or boolean");
      }
      variables.put(e.getKey(), v == null ? "" : String.valueOf(v));
    }
    EffectiveConfig checked = ConfigLoader.check(variables);
    List<String> problems = new ArrayList<>(checked.problems());
    problems.addAll(ProductionGuard.violations(checked));
    return new Validation(problems.isEmpty(), problems);
  }
}
