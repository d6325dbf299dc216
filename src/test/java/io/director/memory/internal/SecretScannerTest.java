package io.director.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretScannerTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "aws key AKIAIOSFODNN7EXAMPLE in config | AKIAIOSFODNN7EXAMPLE | aws_access_key",
      "use ghp_abcdefghijklmnopqrstuvwxyz0123456789 for CI | ghp_abcdefghijklmnopqrstuvwxyz0123456789 | github_token",
      "OPENAI sk-proj-abcdefghijklmnopqrstuvwx12 works | sk-proj-abcdefghijklmnopqrstuvwx12 | api_key",
      "slack xoxb-1234567890-abcdefghij here | xoxb-1234567890-abcdefghij | slack_token",
      "header Authorization: Bearer eyJhbGciOiJIUzI1NiJ9abc.def | eyJhbGciOiJIUzI1NiJ9abc.def | bearer_token",
      "db at postgres://app:hunter2@db.internal/app | hunter2 | url_password",
      "set password=swordfish123 in the env | swordfish123 | password",
      "API_KEY: 'abcd1234efgh' | abcd1234efgh | password",
      "director key dk_0123456789abcdefghij | dk_0123456789abcdefghij | director_key",
      "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end | eyJzdWIiOiIxMjM0NTY3ODkwIn0 | jwt"})
  void credentialsAreReplacedAndNamed(String text, String secret, String kind) {
    SecretScanner.Result r = SecretScanner.scan(text);
    assertThat(r.text()).doesNotContain(secret).contains("[REDACTED:");
    assertThat(r.kinds()).contains(kind);
  }

  @Test
  void privateKeysAreRemovedWhole() {
    String pem = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\nabc\n-----END RSA PRIVATE KEY-----\nafter";
    SecretScanner.Result r = SecretScanner.scan(pem);
    assertThat(r.text()).isEqualTo("key:\n[REDACTED:private_key]\nafter");
  }

  @Test
  void ordinaryProseIsLeftAlone() {
    String text = "We decided to use Kafka; the password policy needs review and tokens expire after 15 minutes.";
    assertThat(SecretScanner.scan(text).text()).isEqualTo(text);
    assertThat(SecretScanner.scan(text).redacted()).isFalse();
  }
}
