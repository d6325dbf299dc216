package io.director.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The unsandboxed process driver is for development only: refused unless its DANGEROUSLY_ flag is set. */
class ProcessDriverIT {
  @Test
  void theProcessDriverRefusesSessionsWithoutItsFlag() throws Exception {
    try (DirectorProcess director = DirectorProcess.serve(Files.createTempDirectory("director-process-off"),
        Map.of("PASSWORD_HASH_COST", "4", "DIRECTOR_SANDBOX", "process", "SANDBOX_ALLOW_OPEN_NETWORK", "true"))) {
      Api api = new Api(director);
      String bearer = api.registerTenant("process-off", "process-off-admin").bearer();
      HttpResponse<String> r = api.call("POST", "/api/sessions", bearer, Map.of("command", List.of("true"), "network", Map.of("mode", "open")));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(Api.JSON.readTree(r.body()).get("code").asString()).isEqualTo("sessions.unsandboxed-refused");
      assertThat(api.json(api.call("GET", "/api/sessions", bearer, null), 200).get("sessions").size()).isZero();
    }
  }

  @Test
  void withItsFlagTheProcessDriverRunsCommandsInTheirWorkspaceButOnlyWithAnOpenNetwork() throws Exception {
    try (DirectorProcess director = DirectorProcess.serve(Files.createTempDirectory("director-process-on"),
        Map.of("PASSWORD_HASH_COST", "4", "DIRECTOR_SANDBOX", "process", "DANGEROUSLY_ALLOW_UNSANDBOXED_SESSIONS", "true",
        "SANDBOX_ALLOW_OPEN_NETWORK", "true"))) {
      Api api = new Api(director);
      SessionTesting sessions = new SessionTesting(api, api.registerTenant("process-on", "process-on-admin").bearer());
      HttpResponse<String> none = sessions.post(Map.of("command", List.of("true")));
      assertThat(none.statusCode()).as("no sandbox, so no network isolation to offer").isEqualTo(422);
      assertThat(Api.JSON.readTree(none.body()).get("field").asString()).isEqualTo("network.mode");
      String id = sessions.create(Map.of("command", List.of("sh", "-c", "cat note.txt; pwd"), "network", Map.of("mode", "open"),
          "workspace", Map.of("files", Map.of("note.txt", "plain process\n"))));
      JsonNode ended = sessions.awaitEnd(id);
      assertThat(ended.get("status").asString()).isEqualTo("completed");
      assertThat(ended.get("driver").asString()).isEqualTo("process");
      List<String> out = sessions.stdout(id);
      assertThat(out.get(0)).isEqualTo("plain process");
      assertThat(out.get(1)).endsWith(id + "/workspace");
    }
  }
}
