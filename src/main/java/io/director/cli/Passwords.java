package io.director.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads a password from the terminal without echo, or the first line of standard input. */
final class Passwords {
  private Passwords() {}

  /** JDK 22+ returns a Console even when input is redirected; ask it (reflectively: we compile for 21). */
  private static boolean interactive(Console console) {
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21 only returns a Console for a terminal
    }
  }

  static String read(String prompt) throws IOException {
    Console console = System.console();
    if (console != null && interactive(console)) {
      char[] chars = console.readPassword("%s", prompt);
      if (chars == null) throw new ApiClient.CliException("no password given");
      return new String(chars);
    }
    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (line == null || line.isEmpty()) throw new ApiClient.CliException("no password on standard input");
    return line;
  }
}
