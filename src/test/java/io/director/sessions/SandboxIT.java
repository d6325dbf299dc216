package io.director.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The bubblewrap driver from the outside, with real sandboxes: what an agent cannot see, reach or
 * write; the memory, process and time limits; and that stopping ends the whole process tree.
 */
class SandboxIT {
  static final String SECRET = "test-master-secret-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-0123456789abcdef";
  static Path workDir;
  static DirectorProcess director;
  static Api api;
  static SessionTesting sessions;
  static String bearer;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(bubblewrapWorks(), "bubblewrap cannot make a sandbox on this machine (see bwrap --version and user namespaces)");
    workDir = Files.createTempDirectory("director-sandbox");
    director = DirectorProcess.serve(workDir, Map.of("PASSWORD_HASH_COST", "4", "DIRECTOR_SECRET", SECRET,
        "AGENT_SESSION_STOP_GRACE", "2s"));
    api = new Api(director);
    bearer = api.registerTenant("sandboxed", "sandbox-admin").bearer();
    sessions = new SessionTesting(api, bearer);
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  /** CI must run these: only a machine where bwrap cannot make any sandbox skips them. */
  static boolean bubblewrapWorks() throws Exception {
    try {
      Process p = new ProcessBuilder("bwrap", "--unshare-all", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
          "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev", "true")
          .redirectErrorStream(true).start();
      return p.waitFor() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void anAgentInANetworkNoneSessionCanSeeReachAndWriteOnlyWhatItShould() throws Exception {
    String other = sessions.create(Map.of("command", List.of("sleep", "60"), "workspace", Map.of("files", Map.of("private.txt", "other's secret"))));
    sessions.awaitStatus(other, "running");
    Path otherWorkspace = workDir.resolve("data/sessions/" + other + "/workspace");
    assertThat(otherWorkspace.resolve("private.txt")).exists();
    Path data = workDir.resolve("data");
    String script = """
        echo "uid:$(id -u)"
        echo "ifaces:$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\\n' ',')"
        (exec 3<>/dev/tcp/1.1.1.1/53) 2>/dev/null && echo "net-out:open" || echo "net-out:refused"
        (exec 3<>/dev/tcp/127.0.0.1/%d) 2>/dev/null && echo "director-port:open" || echo "director-port:refused"
        for p in /root /home /etc/shadow %s %s %s/private.txt; do
          { ls "$p" || cat "$p"; } >/dev/null 2>&1 && echo "readable:$p" || echo "unreadable:$p"
        done
        n=0; for f in /proc/[0-9]*/cmdline; do IFS= read -r -d '' a0 < "$f" 2>/dev/null; [[ "$a0" == *java* ]] && n=$((n+1)); done; echo "java-processes:$n"
        echo "processes:$(ls /proc | grep -c '^[0-9]')"
        for d in /usr /etc /opt /var /run; do touch "$d/probe" 2>/dev/null && echo "writable:$d" || echo "readonly:$d"; done
        touch /probe 2>/dev/null && echo "writable:/" || echo "readonly:/"
        touch /workspace/probe /tmp/probe && echo "workspace-and-tmp:writable"
        echo "env:$(env | cut -d= -f1 | sort | tr '\\n' ',')"
        env | grep -c -- '%s' | sed 's/^/secret-in-env:/'
        """.formatted(director.port(), data, otherWorkspace, otherWorkspace, SECRET);
    String id = sessions.create(Map.of("command", List.of("bash", "-c", script), "network", Map.of("mode", "none")));
    JsonNode ended = sessions.awaitEnd(id);
    List<String> out = sessions.stdout(id);
    assertThat(ended.get("status").asString()).as(out.toString()).isEqualTo("completed");
    if (isRoot()) // a root Director runs sandboxes as nobody assertThat(out).contains("uid:65534");
    assertThat(out).contains("ifaces:lo,", "net-out:refused", "director-port:refused");
    assertThat(out).contains("unreadable:/root", "unreadable:/home", "unreadable:/etc/shadow", "unreadable:" + data,
        "unreadable:" + otherWorkspace, "unreadable:" + otherWorkspace + "/private.txt");
    assertThat(out).contains("java-processes:0");
    int processes = Integer.parseInt(out.stream().filter(l -> l.startsWith("processes:")).findFirst().orElseThrow().substring(10));
    assertThat(processes).as("only the sandbox's own processes are visible").isLessThan(10);
    assertThat(out).contains("readonly:/usr", "readonly:/etc", "readonly:/opt", "readonly:/var", "readonly:/run", "readonly:/",
        "workspace-and-tmp:writable");
    String env = out.stream().filter(l -> l.startsWith("env:")).findFirst().orElseThrow();
    assertThat(env).doesNotContain("DIRECTOR_SECRET", "DATABASE_URL", "PGPASSWORD", "JAVA_HOME", "PASSWORD_HASH_COST");
    assertThat(out).contains("secret-in-env:0");
    JsonNode enforced = ended.get("enforced");
    assertThat(enforced.get("network").asString()).isEqualTo("namespace");
    api.json(api.call("POST", "/api/sessions/" + other + "/stop", bearer(), null), 202);
    assertThat(sessions.awaitEnd(other).get("status").asString()).isEqualTo("stopped");
  }

  @Test
  void aSessionsEnvironmentCannotChooseWhatRunsOutsideTheSandbox() throws Exception {
    Path marker = Path.of("/tmp", "director-escape-" + ThreadLocalRandom.current().nextInt(1_000_000));
    String fake = "#!/bin/sh\ntouch " + marker + "\nexec /usr/bin/$(basename $0) \"$@\"\n";
    // one session leaves executables named like the tools Director's launcher runs…
    String planter = sessions.create(Map.of("command", List.of("sh", "-c", "chmod +x setpriv prlimit bwrap sh"),
        "workspace", Map.of("files", Map.of("setpriv", fake, "prlimit", fake, "bwrap", fake, "sh", fake))));
    assertThat(sessions.awaitEnd(planter).get("status").asString()).isEqualTo("completed");
    Path planted = workDir.resolve("data/sessions/" + planter + "/workspace");
    // …and another asks for them first on its PATH, and to preload a library
    String id = sessions.create(Map.of("command", List.of("sh", "-c", "echo \"path:$PATH\""),
        "env", Map.of("PATH", planted + ":/usr/bin:/bin", "LD_PRELOAD", planted.resolve("missing.so").toString())));
    JsonNode ended = sessions.awaitEnd(id);
    assertThat(Files.exists(marker)).as("nothing planted ran on the host").isFalse();
    assertThat(ended.get("status").asString()).as(sessions.stderr(id).toString()).isEqualTo("completed");
    assertThat(sessions.stdout(id)).contains("path:" + planted + ":/usr/bin:/bin"); // the agent still gets its own PATH
  }

  @Test
  void allocatingPastTheMemoryLimitEndsTheSessionFailedWithMemoryLimit() throws Exception {
    String id = sessions.create(Map.of("command", List.of("sh", "-c", "head -c 400m /dev/zero | tail"),
        "limits", Map.of("memory_mb", 64, "timeout_s", 60)));
    JsonNode ended = sessions.awaitEnd(id);
    assertThat(ended.get("enforced").get("memory").asString()).startsWith("cgroup");
    assertThat(ended.get("status").asString()).isEqualTo("failed");
    assertThat(ended.get("reason").asString()).isEqualTo("memory_limit");
  }

  @Test
  void aForkBombIsHeldByThePidsLimitWhileDirectorStaysHealthy() throws Exception {
    String id = sessions.create(Map.of("command", List.of("sh", "-c", "bomb() { bomb | bomb & }; bomb; sleep 4; echo still-here"),
        "limits", Map.of("pids", 64, "timeout_s", 60)));
    sessions.awaitStatus(id, "running");
    Path pids = Path.of("/sys/fs/cgroup/pids/director", id, "pids.current");
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int most = 0;
    while (System.nanoTime() < deadline) {
      assertThat(director.get("/api/health/ready").statusCode()).isEqualTo(200);
      if (Files.exists(pids)) most = Math.max(most, Integer.parseInt(Files.readString(pids).trim()));
      Thread.sleep(100);
    }
    JsonNode ended = sessions.awaitEnd(id);
    assertThat(ended.get("enforced").get("pids").asString()).startsWith("cgroup");
    assertThat(most).isLessThanOrEqualTo(64);
    assertThat(ended.get("status").asString()).isIn("failed", "completed"); // its main shell may or may not survive the bomb
    assertThat(Files.exists(pids)).as("the control group is removed").isFalse();
    assertThat(director.get("/api/health/ready").statusCode()).isEqualTo(200);
    // a command that fails because its forks are refused is reported as such
    String starved = sessions.create(Map.of("command", List.of("sh", "-c", "i=0; while [ $i -lt 100 ]; do sleep 30 & i=$((i+1)); done; wait"),
        "limits", Map.of("pids", 20, "timeout_s", 60)));
    JsonNode refused = sessions.awaitEnd(starved);
    assertThat(refused.get("status").asString()).isEqualTo("failed");
    assertThat(refused.get("reason").asString()).isEqualTo("pids_limit");
  }

  @Test
  void aSessionPastItsTimeoutEndsTimedOut() throws Exception {
    String id = sessions.create(Map.of("command", List.of("sleep", "60"), "limits", Map.of("timeout_s", 2)));
    JsonNode ended = sessions.awaitEnd(id);
    assertThat(ended.get("status").asString()).isEqualTo("timed_out");
    assertThat(ended.get("reason").asString()).isEqualTo("timeout");
    long ran = Duration.between(java.time.Instant.parse(ended.get("started_at").asString()),
        java.time.Instant.parse(ended.get("ended_at").asString())).toMillis();
    assertThat(ran).isBetween(1500L, 15_000L);
  }

  @Test
  void stopEndsTheWholeProcessTreeGrandchildrenIncludedEvenWhenTheAgentIgnoresSigterm() throws Exception {
    int marker = ThreadLocalRandom.current().nextInt(100_000, 999_999);
    String id = sessions.create(Map.of("command", List.of("sh", "-c",
        "trap '' TERM; sh -c 'sleep " + marker + " & sleep " + (marker + 1) + "' & sleep " + (marker + 2) + "; wait")));
    sessions.awaitStatus(id, "running");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sleepers(marker) == 3);
    JsonNode stopping = api.json(api.call("POST", "/api/sessions/" + id + "/stop", bearer(), null), 202);
    assertThat(stopping.get("id").asString()).isEqualTo(id);
    JsonNode ended = sessions.awaitEnd(id);
    assertThat(ended.get("status").asString()).isEqualTo("stopped");
    assertThat(sleepers(marker)).as("no process of the session survives").isZero();
    assertThat(zombies()).isZero();
  }

  @Test
  void anAllowlistSessionReachesOnlyItsListedDestinationsThroughDirectorsEgressProxy() throws Exception {
    // an address of this host that is not loopback: loopback and link-local are refused unless SANDBOX_EGRESS_ALLOW_LOCAL
    java.net.InetAddress hostAddress = java.net.NetworkInterface.networkInterfaces().filter(i -> {
          try {
            return i.isUp() && !i.isLoopback();
          } catch (java.net.SocketException e) {
            return false;
          }
        }).flatMap(java.net.NetworkInterface::inetAddresses).filter(a -> a instanceof java.net.Inet4Address && !a.isLinkLocalAddress())
        .findFirst().orElse(null);
    assumeTrue(hostAddress != null, "this machine has no non-loopback IPv4 address to serve the allowlisted host on");
    String ip = hostAddress.getHostAddress();
    com.sun.net.httpserver.HttpServer web = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(hostAddress, 0), 16);
    web.createContext("/", exchange -> {
      byte[] body = "hello-from-the-host".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    web.start();
    try {
      int allowed = web.getAddress().getPort();
      int other = DirectorProcess.freePort();
      String script = """
          req() { exec 3<>/dev/tcp/127.0.0.1/3128 || { echo "$1:relay-down"; return; }; printf "$2" >&3; echo "$1:$(cat <&3 | tr -d '\\r' | tr '\\n' '|')"; exec 3<&-; }
          req plain 'GET http://%3$s:%1$d/x HTTP/1.1\\r\\nHost: %3$s:%1$d\\r\\n\\r\\n'
          req tunnel 'CONNECT %3$s:%1$d HTTP/1.1\\r\\nHost: %3$s:%1$d\\r\\n\\r\\nGET /y HTTP/1.0\\r\\n\\r\\n'
          req other-port 'GET http://%3$s:%2$d/x HTTP/1.1\\r\\nHost: %3$s:%2$d\\r\\n\\r\\n'
          req other-host 'CONNECT 10.255.255.1:443 HTTP/1.1\\r\\nHost: 10.255.255.1:443\\r\\n\\r\\n'
          req loopback 'GET http://127.0.0.1:%1$d/x HTTP/1.1\\r\\nHost: 127.0.0.1:%1$d\\r\\n\\r\\n'
          req metadata 'GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\\r\\nHost: 169.254.169.254\\r\\n\\r\\n'
          (exec 3<>/dev/tcp/1.1.1.1/53) 2>/dev/null && echo "direct:open" || echo "direct:refused"
          echo "proxy-env:$HTTPS_PROXY"
          """.formatted(allowed, other, ip);
      String id = sessions.create(Map.of("command", List.of("bash", "-c", script),
          "network", Map.of("mode", "allowlist", "allow", List.of(ip + ":" + allowed, "127.0.0.0/8", "169.254.169.254"))));
      JsonNode ended = sessions.awaitEnd(id);
      List<String> out = sessions.stdout(id);
      assertThat(ended.get("status").asString()).as(out + " " + sessions.stderr(id)).isEqualTo("completed");
      assertThat(ended.get("enforced").get("network").asString()).isEqualTo("namespace+egress-proxy");
      assertThat(line(out, "plain")).contains("HTTP/1.1 200").contains("hello-from-the-host");
      assertThat(line(out, "tunnel")).contains("200 Connection Established").contains("hello-from-the-host");
      assertThat(line(out, "other-port")).contains("403").contains("not on this session's allowlist").doesNotContain("hello");
      assertThat(line(out, "other-host")).contains("403");
      assertThat(line(out, "loopback")).as("listed, but local").contains("403").contains("local address");
      assertThat(line(out, "metadata")).as("listed, but link-local").contains("403").contains("local address");
      assertThat(out).contains("direct:refused", "proxy-env:http://127.0.0.1:3128");
    } finally {
      web.stop(0);
    }
  }

  private static String line(List<String> out, String label) {
    return out.stream().filter(l -> l.startsWith(label + ":")).findFirst().orElseThrow(() -> new AssertionError("no " + label + " in " + out));
  }

  private static long sleepers(int marker) {
    // read /proc directly: the JDK cannot name the executable of a process in another mount namespace
    List<String> names = List.of("sleep\0" + marker + "\0", "sleep\0" + (marker + 1) + "\0", "sleep\0" + (marker + 2) + "\0");
    long n = 0;
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline = Files.readString(d.resolve("cmdline"), java.nio.charset.StandardCharsets.ISO_8859_1);
          if (names.contains(cmdline)) n++;
        } catch (java.io.IOException e) {
          // gone meanwhile
        }
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return n;
  }

  /** Zombies whose parent is Director: sandboxes it failed to reap. */
  private static long zombies() throws Exception {
    long count = 0;
    for (ProcessHandle child : ProcessHandle.of(director.pid()).orElseThrow().children().toList()) {
      Path stat = Path.of("/proc", Long.toString(child.pid()), "stat");
      if (Files.exists(stat) && Files.readString(stat).split("\\) ")[1].startsWith("Z")) count++;
    }
    return count;
  }

  private static boolean isRoot() throws Exception {
    return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
  }

  private static String bearer() {
    return bearer;
  }
}
