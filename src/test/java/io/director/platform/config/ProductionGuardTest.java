package io.director.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProductionGuardTest {
  static Map<String, String> safe() {
    Map<String, String> env = new HashMap<>();
    env.put("DIRECTOR_ENV", "production");
    env.put("DATABASE_URL", "postgres://u:p@db/director");
    env.put("DIRECTOR_SECRET", "Zx8Qw2Lp5Rt7Yu1Io3Pa6Sd9Fg4Hj0Kl");
    env.put("BASE_URL", "https://director.example.com");
    return env;
  }

  static EffectiveConfig load(Map<String, String> env) {
    return ConfigLoader.load(env, Optional.empty(), Path.of("/nonexistent"));
  }

  @Test
  void aSafeProductionConfigurationHasNoViolations() {
    assertThat(ProductionGuard.violations(load(safe()))).isEmpty();
  }

  @Test
  void developmentIsNeverGuarded() {
    assertThat(ProductionGuard.violations(load(Map.of("DANGEROUSLY_ENABLE_SEEDING", "true")))).isEmpty();
  }

  @Test
  void unknownDangerousFlagsAreRefusedTooButAnExplicitFalseIsNot() {
    Map<String, String> env = safe();
    env.put("DANGEROUSLY_SKIP_EVERYTHING", "on");
    env.put("DANGEROUSLY_ENABLE_SEEDING", "false");
    assertThat(ProductionGuard.violations(load(env))).singleElement().asString().startsWith("DANGEROUSLY_SKIP_EVERYTHING is set");
  }

  @Test
  void placeholderSecretsAreRecognised() {
    for (String secret : new String[] {"changeme-please-changeme-please-1234", "your-secret-here-your-secret-here-xx", "0123456701234567012345670123456701"}) {
      Map<String, String> env = safe();
      env.put("DIRECTOR_SECRET", secret);
      assertThat(ProductionGuard.violations(load(env))).as(secret).singleElement().asString().startsWith("DIRECTOR_SECRET looks like a placeholder");
    }
  }
}
