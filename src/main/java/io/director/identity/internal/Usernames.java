package io.director.identity.internal;

import io.director.shared.DirectorException;
import java.util.regex.Pattern;

/** Usernames: 3-64 characters of letters, digits and {@code . _ @ -}; unique case-insensitively. */
final class Usernames {
  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}._@-]{3,64}");

  private Usernames() {}

  static boolean valid(String username) {
    return username != null && NAME.matcher(username).matches();
  }

  static String check(String username) {
    if (username == null || !NAME.matcher(username).matches()) {
      throw DirectorException.invalid("identity.invalid-username",
          "username must be 3-64 letters, digits or . _ @ - characters");
    }
    return username;
  }
}
