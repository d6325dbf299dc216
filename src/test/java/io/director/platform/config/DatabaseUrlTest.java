package io.director.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {

  @Test
  void postgresSchemeWithCredentialsAndSslmode() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://app:p%40ss:word@db.internal:6543/director?sslmode=require");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/director?sslmode=require");
    assertThat(url.user()).contains("app");
    assertThat(url.password()).contains("p@ss:word");
    assertThat(url.masked()).isEqualTo("postgresql://app:****@db.internal:6543/director?sslmode=require");
  }

  @Test
  void postgresqlSchemeWithoutPortOrPassword() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app@localhost/director");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/director");
    assertThat(url.user()).contains("app");
    assertThat(url.password()).isEmpty();
  }

  @Test
  void jdbcUrlWithCredentialsInTheQueryKeepsThemOutOfTheUrl() {
    DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://h1:5432,h2:5433/director?user=app&password=pw&targetServerType=primary");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5433/director?targetServerType=primary");
    assertThat(url.user()).contains("app");
    assertThat(url.password()).contains("pw");
  }

  @Test
  void ipv6Hosts() {
    assertThat(DatabaseUrl.parse("postgres://u:p@[::1]:5432/db").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/db");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mysql://u:p@h/db", "postgres://", "postgres://u:p@host:99999/db", "postgres://u:p@ho st/db", "postgres://u:p@[::1/db", "db.example.com"})
  void rejectsWhatIsNotAPostgresUrlWithoutEchoingThePassword(String raw) {
    assertThatThrownBy(() -> DatabaseUrl.parse(raw)).isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain(":p@");
  }
}
