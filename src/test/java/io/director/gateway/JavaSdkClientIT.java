package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official MCP Java SDK as a client of Director, on both the Streamable HTTP and the legacy SSE transport. */
class JavaSdkClientIT {
  static DirectorProcess director;
  static String key;
  static String playbook;

  @BeforeAll
  static void start() throws Exception {
    director = DirectorProcess.serve(Files.createTempDirectory("director-java-sdk"), Map.of("PASSWORD_HASH_COST", "4"));
    Api api = new Api(director);
    Api.Login admin = api.registerTenant("sdk", "sdk-admin");
    key = api.createKey(admin, "java-sdk", List.of("mcp:connect")).get("key").asString();
    playbook = api.json(api.call("POST", "/api/playbooks", admin.bearer(), Map.of("name", "sdk",
        "servers", List.of(Map.of("name", "everything", "transport", "stdio", "command", "node",
            "args", List.of(McpGatewayIT.EVERYTHING.toString(), "stdio"))),
        "prompts", List.of(Map.of("name", "greet", "template", "Hello {{name}}", "arguments", List.of(Map.of("name", "name", "required", true)))))), 201)
        .get("id").asString();
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  static String base() {
    return "http://127.0.0.1:" + director.port();
  }

  static void exercise(McpSyncClient client) {
    McpSchema.InitializeResult init = client.initialize();
    assertThat(init.serverInfo().name()).isEqualTo("director/sdk");
    List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    assertThat(tools).contains("everything__echo", "everything__get-sum");
    McpSchema.CallToolResult echo = client.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "from the Java SDK")));
    assertThat(echo.isError()).isNotEqualTo(Boolean.TRUE);
    assertThat(((McpSchema.TextContent) echo.content().get(0)).text()).isEqualTo("Echo: from the Java SDK");
    List<String> prompts = client.listPrompts().prompts().stream().map(McpSchema.Prompt::name).toList();
    assertThat(prompts).contains("greet", "everything__simple-prompt");
    McpSchema.GetPromptResult greet = client.getPrompt(new McpSchema.GetPromptRequest("greet", Map.of("name", "SDK")));
    assertThat(((McpSchema.TextContent) greet.messages().get(0).content()).text()).isEqualTo("Hello SDK");
    assertThat(client.listResources().resources()).isNotEmpty();
    client.ping();
  }

  @Test
  void theJavaSdkWorksOverStreamableHttp() {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base())
        .endpoint("/playbooks/" + playbook + "/mcp")
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key))
        .build();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build()) {
      exercise(client);
    }
  }

  @Test
  void theJavaSdkWorksOverTheLegacySseTransport() {
    HttpClientSseClientTransport transport = HttpClientSseClientTransport.builder(base())
        .sseEndpoint("/playbooks/" + playbook + "/sse")
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key))
        .build();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build()) {
      exercise(client);
    }
  }
}
