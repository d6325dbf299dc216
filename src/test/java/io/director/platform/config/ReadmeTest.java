package io.director.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration reference lists every setting with its default. */
class ReadmeTest {
  @Test
  void everySettingHasARowInTheReadmeWithItsDefault() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (Setting s : Settings.all()) {
      String row = "| `" + s.name() + "` | " + s.defaultValue().map(d -> "`" + d + "`").orElse("—") + " | " + s.description() + " |";
      assertThat(readme).as(s.name()).contains(row);
    }
  }
}
