package io.director.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Routing what an upstream connection says back to the client whose call it belongs to. */
class InFlightTest {
  /** A client that records what reaches it and answers requests with its own name. */
  static final class Client implements Downstream {
    final String name;
    final JsonNode capabilities;
    final List<JsonNode> heard = new ArrayList<>();

    Client(String name, String capabilitiesJson) {
      this.name = name;
      this.capabilities = JsonRpc.JSON.readTree(capabilitiesJson);
    }

    @Override
    public JsonNode capabilities() {
      return capabilities;
    }

    @Override
    public boolean notify(JsonNode notification) {
      heard.add(notification);
      return true;
    }

    @Override
    public CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout) {
      heard.add(JsonRpc.notification(method, params));
      return CompletableFuture.completedFuture(JsonRpc.result(JsonRpc.NODES.stringNode("client-id"),
          JsonRpc.NODES.objectNode().put("answeredBy", name)));
    }
  }

  static JsonNode params(String json) {
    return JsonRpc.JSON.readTree(json);
  }

  @Test
  void progressTokensAreMadeUniquePerConnectionAndSwappedBackForTheirClient() {
    InFlight inFlight = new InFlight(Duration.ofSeconds(5));
    Client a = new Client("a", "{}");
    Client b = new Client("b", "{}");
    Exchange ea = new Exchange(a);
    Exchange eb = new Exchange(b);
    // both clients happen to use the same token
    JsonNode sentA = inFlight.begin(ea, params("{\"name\":\"t\",\"_meta\":{\"progressToken\":1}}"));
    JsonNode sentB = inFlight.begin(eb, params("{\"name\":\"t\",\"_meta\":{\"progressToken\":1}}"));
    String tokenA = sentA.get("_meta").get("progressToken").asString();
    String tokenB = sentB.get("_meta").get("progressToken").asString();
    assertThat(tokenA).isNotEqualTo(tokenB);
    assertThat(sentA.get("name").asString()).isEqualTo("t");

    assertThat(inFlight.notification(JsonRpc.notification("notifications/progress",
        JsonRpc.NODES.objectNode().put("progressToken", tokenB).put("progress", 7)), null)).isTrue();
    assertThat(a.heard).isEmpty();
    assertThat(b.heard).hasSize(1);
    assertThat(b.heard.get(0).get("params").get("progressToken").asInt()).isEqualTo(1);
    assertThat(b.heard.get(0).get("params").get("progress").asInt()).isEqualTo(7);

    // after the call, its token means nothing: progress for it reaches nobody
    inFlight.end(eb);
    inFlight.notification(JsonRpc.notification("notifications/progress", JsonRpc.NODES.objectNode().put("progressToken", tokenB)), null);
    assertThat(b.heard).hasSize(1);
  }

  @Test
  void oneInteractiveExchangeAtATimeAndItsClientAnswersTheUpstreamsRequests() {
    InFlight inFlight = new InFlight(Duration.ofSeconds(5));
    Client plain = new Client("plain", "{}");
    Client sampler = new Client("sampler", "{\"sampling\":{}}");
    Client other = new Client("other", "{\"sampling\":{}}");
    Exchange ePlain = new Exchange(plain);
    Exchange eSampler = new Exchange(sampler);
    Exchange eOther = new Exchange(other);
    assertThat(inFlight.reserve(ePlain)).isTrue();
    assertThat(inFlight.reserve(eSampler)).isTrue();
    assertThat(inFlight.reserve(eOther)).as("a second interactive exchange needs another connection").isFalse();
    inFlight.begin(ePlain, params("{}"));
    inFlight.begin(eSampler, params("{}"));

    ObjectNode ask = JsonRpc.request(42, "sampling/createMessage", JsonRpc.NODES.objectNode());
    JsonNode answer = inFlight.request(ask, null, m -> JsonRpc.error(m.get("id"), -1, "fallback")).join();
    assertThat(answer.get("id").asInt()).as("the upstream's own id goes back").isEqualTo(42);
    assertThat(answer.get("result").get("answeredBy").asString()).isEqualTo("sampler");
    assertThat(plain.heard).isEmpty();

    inFlight.end(eSampler);
    assertThat(inFlight.reserve(eOther)).isTrue();
  }

  @Test
  void aRequestNoClientCanAnswerGoesToTheFallbackAndPingIsAnsweredOnTheSpot() {
    InFlight inFlight = new InFlight(Duration.ofSeconds(5));
    Exchange plain = new Exchange(new Client("plain", "{}"));
    inFlight.begin(plain, params("{}"));
    JsonNode refused = inFlight.request(JsonRpc.request(1, "elicitation/create", null), null,
        m -> JsonRpc.error(m.get("id"), JsonRpc.METHOD_NOT_FOUND, "nobody")).join();
    assertThat(refused.get("error").get("message").asString()).isEqualTo("nobody");
    JsonNode pong = inFlight.request(JsonRpc.request(2, "ping", null), null, m -> null).join();
    assertThat(pong.get("result").isEmpty()).isTrue();
  }

  @Test
  void aMessageOnACallsOwnStreamGoesToThatCallsClient() {
    InFlight inFlight = new InFlight(Duration.ofSeconds(5));
    Client a = new Client("a", "{}");
    Client b = new Client("b", "{}");
    Exchange ea = new Exchange(a);
    Exchange eb = new Exchange(b);
    inFlight.begin(ea, params("{}"));
    inFlight.begin(eb, params("{}"));
    JsonNode log = JsonRpc.notification("notifications/message", JsonRpc.NODES.objectNode().put("data", "for b"));
    assertThat(inFlight.notification(log, eb)).isTrue();
    assertThat(b.heard).hasSize(1);
    assertThat(a.heard).isEmpty();
    // with two calls in flight and no stream to tell them apart, a log message belongs to no call
    assertThat(inFlight.notification(log, null)).isFalse();
  }
}
