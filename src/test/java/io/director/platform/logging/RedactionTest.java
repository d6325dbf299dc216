package io.director.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void registeredSecretsAreMaskedWherever_theyAppear() {
    Redaction.register("registered-value-4f9a");
    assertThat(Redaction.apply("x=registered-value-4f9a;y")).isEqualTo("x=****;y");
  }

  @Test
  void credentialShapedTextIsMasked() {
    assertThat(Redaction.apply("Authorization: Bearer abc.def.ghijklmnop")).doesNotContain("abc.def.ghijklmnop");
    assertThat(Redaction.apply("key dk_AbCdEf0123456789 used")).isEqualTo("key **** used");
    assertThat(Redaction.apply("connect postgres://app:hunter2@db/x")).isEqualTo("connect postgres://app:****@db/x");
    assertThat(Redaction.apply("{\"password\":\"hunter2\"}")).doesNotContain("hunter2");
    assertThat(Redaction.apply("X-API-Key: live-key-123")).doesNotContain("live-key-123");
  }

  @Test
  void ordinaryTextIsLeftAlone() {
    String text = "GET /api/health 200 in 3 ms; see https://example.com/docs";
    assertThat(Redaction.apply(text)).isEqualTo(text);
  }
}
