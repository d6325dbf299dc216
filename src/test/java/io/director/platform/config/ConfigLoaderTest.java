package io.director.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsApplyWhenNothingIsSet() {
    EffectiveConfig c = ConfigLoader.load(Map.of(), Optional.empty(), dir);
    assertThat(c.problems()).isEmpty();
    DirectorConfig config = DirectorConfig.from(c);
    assertThat(config.port()).isEqualTo(3673);
    assertThat(config.production()).isFalse();
    assertThat(config.logFormat()).isEqualTo("json");
    assertThat(config.shutdownTimeout()).hasSeconds(30);
    assertThat(config.maxRequestBodySize()).isEqualTo(1024 * 1024);
    assertThat(config.database()).isEmpty();
    assertThat(config.dataDir()).isEqualTo(Path.of("./data").toAbsolutePath().normalize());
  }

  @Test
  void environmentBeatsTheFileWhichBeatsDefaults() throws Exception {
    write("config/director.yml", "port: 4000\nlog:\n  level: debug\n  format: text\n");
    EffectiveConfig c = ConfigLoader.load(Map.of("PORT", "5000"), Optional.empty(), dir);
    assertThat(c.problems()).isEmpty();
    assertThat(c.values().get("PORT")).isEqualTo(new ConfigValue("5000", "environment"));
    assertThat(c.values().get("LOG_LEVEL").raw()).isEqualTo("debug");
    assertThat(c.values().get("LOG_FORMAT").source()).endsWith("director.yml");
    assertThat(c.values().get("SHUTDOWN_TIMEOUT")).isEqualTo(new ConfigValue("30s", "default"));
  }

  @Test
  void theEnvironmentSpecificFileOverlaysTheBaseFile() throws Exception {
    write("config/director.yml", "port: 4000\nshutdown_timeout: 10s\n");
    write("config/director-production.yml", "port: 4443\n");
    EffectiveConfig dev = ConfigLoader.load(Map.of(), Optional.empty(), dir);
    assertThat(dev.raw("PORT")).contains("4000");
    EffectiveConfig prod = ConfigLoader.load(Map.of("DIRECTOR_ENV", "production"), Optional.empty(), dir);
    assertThat(prod.raw("PORT")).contains("4443");
    assertThat(prod.raw("SHUTDOWN_TIMEOUT")).contains("10s");
  }

  @Test
  void anExplicitConfigFileReplacesTheDefaultFiles() throws Exception {
    write("config/director.yml", "port: 4000\n");
    Path explicit = write("elsewhere.yml", "PORT: 4100\nallowed-origins: [https://a.example, https://b.example]\n");
    EffectiveConfig c = ConfigLoader.load(Map.of(), Optional.of(explicit), dir);
    assertThat(c.problems()).isEmpty();
    assertThat(c.raw("PORT")).contains("4100");
    assertThat(DirectorConfig.from(c).allowedOrigins()).containsExactly("https://a.example", "https://b.example");
  }

  @Test
  void everyKindOfProblemIsReportedOnItsOwnLine() throws Exception {
    Path file = write("bad.yml", "port: 70000\nunknown_thing: 1\ndatabase:\n  url: mysql://x\n  pool:\n    max: many\nbase_url: not a url\n");
    EffectiveConfig c = ConfigLoader.load(Map.of("DIRECTOR_SECRET", "short"), Optional.of(file), dir);
    assertThat(c.problems()).hasSize(6);
    assertThat(c.problems()).anySatisfy(p -> assertThat(p).contains("unknown key 'unknown_thing'"));
    assertThat(c.problems()).anySatisfy(p -> assertThat(p).startsWith("PORT must be a port between 1 and 65535"));
    assertThat(c.problems()).anySatisfy(p -> assertThat(p).startsWith("DATABASE_URL must start with postgres://"));
    assertThat(c.problems()).anySatisfy(p -> assertThat(p).startsWith("DATABASE_POOL_MAX must be a whole number"));
    assertThat(c.problems()).anySatisfy(p -> assertThat(p).startsWith("BASE_URL must be an http:// or https:// URL"));
    assertThat(c.problems()).anySatisfy(p -> assertThat(p).startsWith("DIRECTOR_SECRET must be at least 32 characters"));
    assertThat(String.join("\n", c.problems())).doesNotContain("short");
  }

  @Test
  void aMissingExplicitFileAndBrokenYamlAreProblems() throws Exception {
    assertThat(ConfigLoader.load(Map.of(), Optional.of(dir.resolve("nope.yml")), dir).problems())
        .singleElement().asString().contains("does not exist");
    Path broken = write("broken.yml", "port: [1\n");
    assertThat(ConfigLoader.load(Map.of(), Optional.of(broken), dir).problems())
        .singleElement().asString().contains("is not valid YAML");
    Path list = write("list.yml", "- 1\n- 2\n");
    assertThat(ConfigLoader.load(Map.of(), Optional.of(list), dir).problems())
        .singleElement().asString().contains("must be a mapping");
  }

  @Test
  void crossFieldRulesAreChecked() {
    EffectiveConfig c = ConfigLoader.load(
        Map.of("DATABASE_POOL_MIN", "20", "DATABASE_POOL_MAX", "5", "PORT", "9000", "MANAGEMENT_PORT", "9000"), Optional.empty(), dir);
    assertThat(c.problems()).containsExactlyInAnyOrder(
        "DATABASE_POOL_MIN (20) must not exceed DATABASE_POOL_MAX (5)", "MANAGEMENT_PORT must differ from PORT (both 9000)");
  }

  @Test
  void blankEnvironmentValuesCountAsUnset() {
    EffectiveConfig c = ConfigLoader.load(Map.of("PORT", "", "DATABASE_URL", "  "), Optional.empty(), dir);
    assertThat(c.problems()).isEmpty();
    assertThat(c.raw("PORT")).contains("3673");
    assertThat(c.raw("DATABASE_URL")).isEmpty();
  }

  @Test
  void describeMasksSecretsAndDatabasePasswords() {
    EffectiveConfig c = ConfigLoader.load(Map.of(
        "DIRECTOR_SECRET", "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t",
        "DATABASE_URL", "postgres://app:hunter2hunter2@db:5432/director"), Optional.empty(), dir);
    String shown = String.join("\n", c.describe());
    assertThat(shown).doesNotContain("s3cr3t").doesNotContain("hunter2").contains("postgresql://app:****@db:5432/director");
  }

  @Test
  void theValidationApiReportsUnknownNames() {
    EffectiveConfig c = ConfigLoader.check(Map.of("PROT", "1", "PORT", "2"));
    assertThat(c.problems()).containsExactly("unknown setting 'PROT'");
  }

  private Path write(String relative, String content) throws Exception {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }
}
