package io.director.cli;

import io.director.platform.config.EffectiveConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code director health [--url URL]}: asks a running Director how it is; exit 0 only when ok. */
@Command(name = "health", mixinStandardHelpOptions = true, description = "Query a running Director's health.")
public final class HealthCommand implements Callable<Integer> {
  @Option(names = "--url", paramLabel = "URL", description = "Director's base URL (default: DIRECTOR_URL, else http://127.0.0.1:PORT).")
  String url;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    String base = url != null ? url : System.getenv("DIRECTOR_URL");
    if (base == null || base.isBlank()) {
      EffectiveConfig effective = config.load();
      base = "http://127.0.0.1:" + effective.raw("PORT").orElse("3673");
    }
    URI target;
    try {
      target = URI.create(base.replaceAll("/+$", "") + "/api/health");
    } catch (IllegalArgumentException e) {
      System.err.println("director: invalid --url: " + base);
      return ExitCodes.USAGE;
    }
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeoutSeconds)).build()) {
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(timeoutSeconds)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      System.out.println(response.body());
      return response.statusCode() == 200 ? ExitCodes.OK : ExitCodes.FAILURE;
    } catch (java.io.IOException e) {
      System.err.println("director: cannot reach " + target + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return ExitCodes.FAILURE;
    }
  }
}
