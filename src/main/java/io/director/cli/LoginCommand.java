package io.director.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code director login}: logs in and keeps the tokens in the user's config dir (mode 600). */
@Command(name = "login", mixinStandardHelpOptions = true,
    description = "Log in to a Director server; the password is read from the terminal or standard input.")
public final class LoginCommand implements Callable<Integer> {
  @Option(names = "--url", paramLabel = "URL", description = "Server URL (default: DIRECTOR_URL, else http://127.0.0.1:3673).")
  String url;

  @Option(names = {"-u", "--username"}, required = true, paramLabel = "NAME")
  String username;

  @Override
  public Integer call() throws Exception {
    String base = ApiClient.baseUrl(url);
    String password = Passwords.read("Password for " + username + ": ");
    JsonNode tokens = ApiClient.expect(ApiClient.send(base, "POST", "/auth/login", null,
        ApiClient.JSON.writeValueAsString(Map.of("username", username, "password", password))), 200);
    ApiClient.storeLogin(base, tokens);
    System.out.println("logged in to " + base + " as " + username + " (credentials in " + ApiClient.credentialsFile() + ")");
    return ExitCodes.OK;
  }
}
