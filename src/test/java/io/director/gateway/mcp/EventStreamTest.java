package io.director.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A resumable event stream: ids, replay after a given event, and no event twice. */
class EventStreamTest {
  static final class Recorder implements EventStream.Sink {
    final List<String> ids = new ArrayList<>();
    boolean broken;

    @Override
    public boolean send(String id, String data) {
      if (broken) return false;
      ids.add(id);
      return true;
    }
  }

  @Test
  void aResumedConnectionGetsWhatCameAfterItsLastEventThenWhatFollows() {
    EventStream stream = new EventStream("p7");
    Recorder first = new Recorder();
    stream.attach(first, stream.position());
    stream.add(JsonRpc.notification("one", null));
    stream.add(JsonRpc.notification("two", null));
    first.broken = true; // the connection drops
    assertThat(stream.add(JsonRpc.notification("three", null))).isFalse();
    stream.add(JsonRpc.notification("four", null));
    assertThat(first.ids).containsExactly("p7_1", "p7_2");

    Recorder resumed = new Recorder();
    assertThat(stream.attach(resumed, McpSessions.Session.position("p7_2"))).isFalse();
    stream.add(JsonRpc.notification("five", null));
    stream.finish();
    assertThat(resumed.ids).containsExactly("p7_3", "p7_4", "p7_5");
    assertThat(stream.done()).isTrue();

    Recorder late = new Recorder();
    assertThat(stream.attach(late, 4)).as("a finished stream says so after the replay").isTrue();
    assertThat(late.ids).containsExactly("p7_5");
  }

  @Test
  void idsThatDirectorDidNotIssueNameNoPosition() {
    assertThat(McpSessions.Session.position("g_12")).isEqualTo(12);
    assertThat(McpSessions.Session.position("nonsense")).isEqualTo(-1);
    assertThat(McpSessions.Session.position("p3_x")).isEqualTo(-1);
    assertThat(McpSessions.Session.position(null)).isEqualTo(-1);
  }

  @Test
  void onlyTheLastFiveHundredEventsAreKept() {
    EventStream stream = new EventStream("g");
    for (int i = 0; i < 600; i++) stream.add(JsonRpc.notification("n", null));
    Recorder r = new Recorder();
    stream.attach(r, 0);
    assertThat(r.ids).hasSize(500).startsWith("g_101").endsWith("g_600");
  }
}
