import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Session benchmarks against a running Director (scripts/bench-sessions.sh starts one):
 *   java scripts/SessionBench.java <url> <bearer> <director-pid> <rounds>
 * 1. create → first output byte, p50/p95: a session running `sh -c 'echo ready'` against the same
 *    command as a bare child process (and as a bare bubblewrap sandbox), measured the same way here;
 * 2. 100 sessions created at once: time until every one has printed, and until every one has ended;
 * 3. Director's RSS and threads with 200 idle sessions (`sleep`), against before.
 */
public class SessionBench {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
  static String url;
  static String bearer;

  public static void main(String[] args) throws Exception {
    url = args[0];
    bearer = args[1];
    long pid = Long.parseLong(args[2]);
    int rounds = Integer.parseInt(args[3]);
    List<String> command = List.of("sh", "-c", "echo ready");
    // warm up both paths
    for (int i = 0; i < 10; i++) {
      bare(command);
      session(command);
    }
    List<Double> bare = new ArrayList<>();
    List<Double> bwrap = new ArrayList<>();
    List<Double> director = new ArrayList<>();
    List<String> bwrapCommand = new ArrayList<>(List.of("bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev",
        "--tmpfs", "/tmp"));
    bwrapCommand.addAll(command);
    for (int i = 0; i < rounds; i++) {
      bare.add(bare(command));
      bwrap.add(bare(bwrapCommand));
      director.add(session(command));
    }
    System.out.printf("create -> first output byte over %d rounds (ms): p50 / p95%n", rounds);
    System.out.printf("  bare process            %7.1f / %7.1f%n", pct(bare, 50), pct(bare, 95));
    System.out.printf("  bare bubblewrap         %7.1f / %7.1f%n", pct(bwrap, 50), pct(bwrap, 95));
    System.out.printf("  Director session (bwrap)%7.1f / %7.1f   (%.1fx the bare process at p50)%n", pct(director, 50), pct(director, 95),
        pct(director, 50) / pct(bare, 50));

    // 100 at once
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    long t0 = System.nanoTime();
    List<Future<Double>> firsts = new ArrayList<>();
    for (int i = 0; i < 100; i++) firsts.add(pool.submit((Callable<Double>) () -> session(List.of("sh", "-c", "echo ready; sleep 1"))));
    List<Double> each = new ArrayList<>();
    for (Future<Double> f : firsts) each.add(f.get());
    double allPrinted = (System.nanoTime() - t0) / 1e6;
    System.out.printf("100 sessions at once: every one printed within %.0f ms (per session p50 %.0f ms, p95 %.0f ms)%n", allPrinted,
        pct(each, 50), pct(each, 95));

    // 200 idle
    System.gc();
    Thread.sleep(2000);
    long rssBefore = rss(pid);
    int threadsBefore = threads(pid);
    List<String> idle = Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> creates = new ArrayList<>();
    for (int i = 0; i < 200; i++) creates.add(pool.submit(() -> idle.add(create(List.of("sleep", "600")))));
    for (Future<?> f : creates) f.get();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (running() < 200 && System.nanoTime() < deadline) Thread.sleep(200);
    Thread.sleep(5000);
    long rssAfter = rss(pid);
    int threadsAfter = threads(pid);
    System.out.printf("200 idle sessions (%d running): Director RSS %d -> %d MiB (+%d MiB, %.0f KiB each); threads %d -> %d%n", running(),
        rssBefore / 1024, rssAfter / 1024, (rssAfter - rssBefore) / 1024, (rssAfter - rssBefore) / 200.0, threadsBefore, threadsAfter);
    for (String id : idle) pool.submit(() -> send("POST", "/api/sessions/" + id + "/stop"));
    pool.shutdown();
    pool.awaitTermination(2, java.util.concurrent.TimeUnit.MINUTES);
  }

  static double bare(List<String> command) throws Exception {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (InputStream in = p.getInputStream()) {
      in.read();
      double ms = (System.nanoTime() - t0) / 1e6;
      in.readAllBytes();
      p.waitFor();
      return ms;
    }
  }

  /** POST a session, then read its event stream to the first stdout entry: the time from before the POST. */
  static double session(List<String> command) throws Exception {
    long t0 = System.nanoTime();
    String id = create(command);
    HttpRequest r = HttpRequest.newBuilder(URI.create(url + "/api/sessions/" + id + "/events")).header("Authorization", bearer).build();
    HttpResponse<InputStream> response = HTTP.send(r, HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals("event: stdout")) return (System.nanoTime() - t0) / 1e6;
      }
    }
    throw new IllegalStateException("session " + id + " printed nothing");
  }

  static String create(List<String> command) throws Exception {
    StringBuilder json = new StringBuilder("{\"command\":[");
    for (int i = 0; i < command.size(); i++) json.append(i == 0 ? "" : ",").append('"').append(command.get(i).replace("\"", "\\\"")).append('"');
    json.append("]}");
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/sessions")).header("Authorization", bearer)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) throw new IllegalStateException("create: " + r.statusCode() + " " + r.body());
    Matcher m = ID.matcher(r.body());
    if (!m.find()) throw new IllegalStateException(r.body());
    return m.group(1);
  }

  static int running() throws Exception {
    String body = send("GET", "/api/sessions?status=running&limit=500");
    return (int) ID.matcher(body).results().count();
  }

  static String send(String method, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", bearer)
          .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }

  static long rss(long pid) throws Exception {
    return field(pid, "VmRSS:");
  }

  static int threads(long pid) throws Exception {
    return (int) field(pid, "Threads:");
  }

  static long field(long pid, String name) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(name)) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    return -1;
  }

  static double pct(List<Double> values, int p) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
  }

}
