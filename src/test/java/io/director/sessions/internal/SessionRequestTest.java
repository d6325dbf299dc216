package io.director.sessions.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.director.sessions.NetworkMode;
import io.director.sessions.SessionLimits;
import io.director.shared.DirectorException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The checks of a session request, and where its limits come from. */
class SessionRequestTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final SessionLimits DEFAULTS = new SessionLimits(1, 1024, 512, 3600, 16);

  static SessionRequest parse(String json, String tenantDefaults) {
    return SessionRequest.parse(JSON.readTree(json), DEFAULTS, JSON.readTree(tenantDefaults));
  }

  static String field(String json) {
    try {
      parse(json, "{}");
    } catch (DirectorException e) {
      assertThat(e.kind().status()).isEqualTo(422);
      return e.field().orElseThrow();
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void limitsComeFromTheRequestThenTheTenantThenTheInstance() {
    SessionRequest r = parse("{\"command\":[\"/usr/bin/claude\",\"-p\",\"x\"],\"limits\":{\"cpus\":0.5}}", "{\"memory_mb\":256,\"cpus\":0.25}");
    assertThat(r.limits()).isEqualTo(new SessionLimits(0.5, 256, 512, 3600, 16));
    assertThat(r.name()).isEqualTo("claude");
    assertThat(r.network()).isEqualTo(NetworkMode.NONE);
    assertThat(r.stdin()).isFalse();
  }

  @Test
  void everyBadFieldIsNamed() {
    assertThat(field("{}")).isEqualTo("command");
    assertThat(field("{\"command\":\"ls\"}")).isEqualTo("command");
    assertThat(field("{\"command\":[1]}")).isEqualTo("command");
    assertThat(field("{\"command\":[\"a\\u0000b\"]}")).isEqualTo("command");
    assertThat(field("{\"command\":[\"ls\"],\"limits\":{\"memory_mb\":15}}")).isEqualTo("limits.memory_mb");
    assertThat(field("{\"command\":[\"ls\"],\"limits\":{\"memory_mb\":1e12}}")).isEqualTo("limits.memory_mb");
    assertThat(field("{\"command\":[\"ls\"],\"limits\":{\"pids\":0}}")).isEqualTo("limits.pids");
    assertThat(field("{\"command\":[\"ls\"],\"limits\":{\"timeout_s\":700000}}")).isEqualTo("limits.timeout_s");
    assertThat(field("{\"command\":[\"ls\"],\"limits\":{\"cpus\":0}}")).isEqualTo("limits.cpus");
    assertThat(field("{\"command\":[\"ls\"],\"limits\":[]}")).isEqualTo("limits");
    assertThat(field("{\"command\":[\"ls\"],\"network\":{\"mode\":\"allowlist\",\"allow\":[\"example.com:70000\"]}}")).isEqualTo("network.allow");
    assertThat(field("{\"command\":[\"ls\"],\"network\":{\"mode\":\"allowlist\",\"allow\":[\"*.example.com\"]}}")).isEqualTo("network.allow");
    assertThat(field("{\"command\":[\"ls\"],\"network\":{\"mode\":\"open\",\"allow\":[\"example.com\"]}}")).isEqualTo("network.allow");
    assertThat(field("{\"command\":[\"ls\"],\"network\":{\"modes\":\"open\"}}")).isEqualTo("network.modes");
    assertThat(field("{\"command\":[\"ls\"],\"workspace\":{\"files\":{\"/etc/passwd\":\"x\"}}}")).isEqualTo("workspace.files./etc/passwd");
    assertThat(field("{\"command\":[\"ls\"],\"workspace\":{\"files\":{\"a//b\":\"x\"}}}")).isEqualTo("workspace.files.a//b");
    assertThat(field("{\"command\":[\"ls\"],\"workspace\":{\"files\":{\"a\":1}}}")).isEqualTo("workspace.files.a");
    assertThat(field("{\"command\":[\"ls\"],\"env\":{\"OK\":1}}")).isEqualTo("env.OK");
    assertThat(field("{\"command\":[\"ls\"],\"playbook_id\":\"nope\"}")).isEqualTo("playbook_id");
    assertThat(field("{\"command\":[\"ls\"],\"name\":\"\"}")).isEqualTo("name");
  }

  @Test
  void anAllowlistTakesHostsIpsAndCidrsWithPorts() {
    SessionRequest r = parse("{\"command\":[\"ls\"],\"network\":{\"mode\":\"allowlist\",\"allow\":[\"api.anthropic.com:443\",\"10.0.0.0/8\",\"1.2.3.4:53\",\"[2001:db8::1]:443\"]}}", "{}");
    assertThat(r.allow()).containsExactly("api.anthropic.com:443", "10.0.0.0/8", "1.2.3.4:53", "[2001:db8::1]:443");
    assertThatThrownBy(() -> parse("{\"command\":[\"ls\"],\"network\":{\"mode\":\"allowlist\",\"allow\":[\"a b\"]}}", "{}"))
        .isInstanceOf(DirectorException.class);
  }

  @Test
  void tenantDefaultsAreCheckedToo() {
    assertThatThrownBy(() -> SessionRequest.limits(JSON.readTree("{\"pids\":-1}"), DEFAULTS, null))
        .isInstanceOfSatisfying(DirectorException.class, e -> assertThat(e.field()).contains("limits.pids"));
    JsonNode none = null;
    assertThat(SessionRequest.limits(none, DEFAULTS, JSON.readTree("{\"output_mb\":2}")).outputMb()).isEqualTo(2);
  }
}
