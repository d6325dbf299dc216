import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory benchmark client (scripts/bench-memory.sh): ingests synthetic engineering notes as event
 * batches of 100 (two clients at once), then measures search latency per mode against a trivial
 * authenticated request measured in the same run.
 * Usage: java MemoryBench.java URL AUTHORIZATION PID SIZES
 */
public class MemoryBench {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  static String url;
  static String auth;
  static final Random random = new Random(7);

  static final String[] SERVICES = {"billing", "checkout", "search", "auth", "notifications", "payments", "inventory", "reporting", "gateway",
      "scheduler", "ledger", "catalog", "shipping", "analytics", "onboarding", "exports", "webhooks", "pricing", "identity", "storage"};
  static final String[] EVENTS = {"deploy failed", "latency spiked", "error rate rose", "queue backed up", "memory leaked", "cache missed",
      "migration stalled", "certificate expired", "disk filled up", "connection pool ran dry", "build broke", "rollback finished",
      "feature flag flipped", "rate limit tripped", "cron job skipped", "replica lagged", "timeout increased", "index rebuilt"};
  static final String[] CAUSES = {"a bad config push", "a noisy neighbour", "an expired token", "a schema change", "a slow query",
      "a DNS outage", "a dependency upgrade", "too many retries", "a missing index", "a full disk", "a stuck lock", "a traffic spike",
      "a leaked goroutine", "a wrong timezone", "an unbounded batch", "a flaky network link"};
  static final String[] ACTIONS = {"rolled back", "scaled out", "added an index", "raised the limit", "paged the owner", "pinned the version",
      "drained the node", "rotated the credentials", "wrote a runbook", "opened a ticket", "added an alert", "split the batch"};
  static final String[] TEAMS = {"platform", "payments", "growth", "data", "infra", "mobile", "security", "core", "search", "sre"};
  static final String[] QUESTIONS = {"why did the %s deploy break", "what happened to %s latency last week", "how do we fix %s timeouts",
      "who owns the %s service", "what caused the %s outage", "%s error rate", "how was the %s incident resolved", "%s rollback"};

  static String note(long i) {
    String s = SERVICES[random.nextInt(SERVICES.length)];
    return "%s: %s after %s on %s-%d.prod; %s %s it (ticket OPS-%d).".formatted(s, EVENTS[random.nextInt(EVENTS.length)],
        CAUSES[random.nextInt(CAUSES.length)], s, random.nextInt(40), TEAMS[random.nextInt(TEAMS.length)],
        ACTIONS[random.nextInt(ACTIONS.length)], 1000 + i);
  }

  static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofMinutes(2)).header("Authorization", auth);
    if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
    else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
    return r;
  }

  static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static long ingested = 0;

  /** Ingests up to {@code target} items; returns items per second. */
  static double ingest(long target) throws Exception {
    long start = System.nanoTime();
    long from = ingested;
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      List<Future<?>> jobs = new ArrayList<>();
      for (long at = from; at < target; at += 100) {
        StringBuilder body = new StringBuilder("{\"namespace\":\"bench\",\"events\":[");
        long n = Math.min(100, target - at);
        for (long i = 0; i < n; i++) body.append(i == 0 ? "" : ",").append("{\"kind\":\"note\",\"content\":").append(json(note(at + i))).append('}');
        body.append("]}");
        String b = body.toString();
        jobs.add(pool.submit(() -> send("POST", "/api/memory/events", b)));
      }
      for (Future<?> f : jobs) f.get();
    }
    ingested = target;
    return (target - from) / ((System.nanoTime() - start) / 1e9);
  }

  static double[] latencies(int n, java.util.concurrent.Callable<?> call) throws Exception {
    for (int i = 0; i < 30; i++) call.call();
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      call.call();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  static Path serverLog;
  /** How long to let the load settle before measuring (BENCH_SETTLE_SECONDS, default 75: autovacuum wakes every minute). */
  static final long settleSeconds = Long.parseLong(System.getenv().getOrDefault("BENCH_SETTLE_SECONDS", "75"));

  /** Durations Director itself logged for {@code route} since line {@code from} of its log (excluding the client and the network). */
  static double[] serverSide(long from, String route) throws Exception {
    List<String> lines = Files.readAllLines(serverLog);
    Pattern duration = Pattern.compile("\"durationMs\":([0-9.]+)");
    double[] ms = lines.stream().skip(from).filter(l -> l.contains("\"route\":\"" + route + "\"")).map(duration::matcher)
        .filter(Matcher::find).mapToDouble(m -> Double.parseDouble(m.group(1))).toArray();
    // the warm-up requests come first; keep the measured ones
    ms = Arrays.copyOfRange(ms, Math.max(0, ms.length - 300), ms.length);
    Arrays.sort(ms);
    return ms;
  }

  static long logLines() throws Exception {
    return Files.readAllLines(serverLog).size();
  }

  static String pct(double[] ms) {
    return "%.1f / %.1f / %.1f ms".formatted(ms[ms.length / 2], ms[(int) (ms.length * 0.95)], ms[(int) (ms.length * 0.99)]);
  }

  /** A question no earlier request asked (Director caches recent query vectors): every search pays for its embedding. */
  static String query() {
    return QUESTIONS[random.nextInt(QUESTIONS.length)].formatted(SERVICES[random.nextInt(SERVICES.length)]) + " (case " + (9_000_000 + random.nextInt(999_999)) + ")";
  }

  static long rssKiB(String pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
    }
    return -1;
  }

  public static void main(String[] args) throws Exception {
    url = args[0];
    auth = args[1];
    String pid = args[2];
    serverLog = Path.of(args[4]);
    long[] sizes = Arrays.stream(args[3].split(",")).mapToLong(Long::parseLong).toArray();
    double[] base = latencies(300, () -> send("GET", "/auth/me", null));
    System.out.println("baseline GET /auth/me p50/p95/p99: " + pct(base));
    long rss0 = rssKiB(pid);
    System.out.println("Director RSS before: " + rss0 / 1024 + " MiB");
    for (long size : sizes) {
      double rate = ingest(size);
      String health = "";
      for (int i = 0; i < 600; i++) {
        health = send("GET", "/api/health", null).body();
        Matcher m = Pattern.compile("(\\d+) vectors, (\\d+) MiB").matcher(health);
        if (m.find() && Long.parseLong(m.group(1)) >= size) {
          health = m.group(0);
          break;
        }
        Thread.sleep(500);
      }
      Thread.sleep(settleSeconds * 1000L); // steady state: PostgreSQL's autovacuum/analyze after the bulk load, the JIT
      System.out.printf("%n## %d items%ningest (events in batches of 100, 2 clients, embeddings included): %.0f items/s%n", size, rate);
      System.out.println("index: " + health + "; Director RSS " + rssKiB(pid) / 1024 + " MiB");
      double[] me = serverSide(0, "/auth/me");
      for (String mode : List.of("hybrid", "vector", "text")) {
        long from = logLines();
        double[] ms = latencies(300, () -> send("POST", "/api/memory/search",
            "{\"query\":" + json(query()) + ",\"namespace\":\"bench\",\"k\":10,\"mode\":\"" + mode + "\"}"));
        double[] server = serverSide(from, "/api/memory/search");
        System.out.printf("search %-6s client p50/p95/p99: %s (p50 %.1fx baseline); in Director: %s (p50 %.1fx GET /auth/me's %.1f ms)%n", mode,
            pct(ms), ms[ms.length / 2] / base[base.length / 2], pct(server), server[server.length / 2] / me[me.length / 2], me[me.length / 2]);
      }
      long from = logLines();
      double[] ctx = latencies(100, () -> send("POST", "/api/memory/context",
          "{\"query\":" + json(query()) + ",\"namespace\":\"bench\"}"));
      System.out.println("context bundle (8000 tokens) client p50/p95/p99: " + pct(ctx) + "; in Director: " + pct(serverSide(from, "/api/memory/context")));
    }
  }
}
