package io.director.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real Director jar started as a separate process, as a user would run it. */
public final class DirectorProcess implements AutoCloseable {
  public static final Path JAR = Path.of("target/director.jar").toAbsolutePath();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
  private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());

  private DirectorProcess(Process process, int port) {
    this.process = process;
    this.port = port;
    pump(process.getInputStream(), stdout);
    pump(process.getErrorStream(), stderr);
  }

  /** Runs {@code director <args>} in {@code workDir} with exactly {@code env} (plus PATH and HOME). */
  public static DirectorProcess run(Path workDir, Map<String, String> env, String... args) throws IOException {
    if (!Files.exists(JAR)) throw new IllegalStateException(JAR + " is missing: run the tests with mvn verify");
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.add("-Xmx512m");
    if (args.length > 0 && args[0].equals("serve")) {
      command.add("--add-modules=jdk.incubator.vector"); // as ./director serve runs it
      command.add("--enable-native-access=ALL-UNNAMED");
    }
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    Map<String, String> environment = pb.environment();
    String path = environment.get("PATH");
    String home = environment.get("HOME");
    environment.clear();
    if (path != null) environment.put("PATH", path);
    if (home != null) environment.put("HOME", home);
    environment.putAll(env);
    int port = Integer.parseInt(env.getOrDefault("PORT", "3673"));
    return new DirectorProcess(pb.start(), port);
  }

  /** Starts {@code director serve} and waits until it reports healthy. */
  public static DirectorProcess serve(Path workDir, Map<String, String> env) throws IOException {
    Map<String, String> withPort = new HashMap<>(env);
    withPort.putIfAbsent("PORT", Integer.toString(freePort()));
    DirectorProcess director = run(workDir, withPort, "serve");
    director.awaitHealthy(Duration.ofSeconds(90));
    return director;
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  public void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("director exited with " + process.exitValue() + "\nstdout:\n" + String.join("\n", stdout)
            + "\nstderr:\n" + String.join("\n", stderr));
      }
      try {
        if (get("/api/health").statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      sleep(200);
    }
    throw new AssertionError("director did not become healthy within " + timeout + "\nstdout:\n" + String.join("\n", stdout));
  }

  public int port() {
    return port;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public HttpResponse<String> get(String path) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  public List<String> stdout() {
    synchronized (stdout) {
      return List.copyOf(stdout);
    }
  }

  public List<String> stderr() {
    synchronized (stderr) {
      return List.copyOf(stderr);
    }
  }

  public String allOutput() {
    return String.join("\n", stdout()) + "\n" + String.join("\n", stderr());
  }

  /** Writes {@code text} to the process's standard input and closes it. */
  public DirectorProcess input(String text) throws IOException {
    process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    return this;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGTERM, then the exit code. */
  public int terminate(Duration timeout) {
    process.destroy();
    return awaitExit(timeout);
  }

  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("director did not exit within " + timeout + "\n" + allOutput());
      }
      // let the pumps drain what the process wrote last
      sleep(100);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** SIGKILL, as a crash would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(40, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static void assertOneJsonObjectPerLine(List<String> lines) {
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      assertThat(line).as("log line is a JSON object").startsWith("{\"timestamp\":\"").endsWith("}");
    }
  }

  private static void pump(InputStream in, List<String> sink) {
    Thread.ofVirtual().start(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) sink.add(line);
      } catch (IOException ignored) {
        // process ended
      }
    });
  }
}
