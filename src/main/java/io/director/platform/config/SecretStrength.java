package io.director.platform.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Recognises secrets that are too short or obviously copied from an example. */
final class SecretStrength {
  static final int MIN_LENGTH = 32;
  private static final List<String> PLACEHOLDER_WORDS =
      List.of("changeme", "change-me", "change_me", "placeholder", "replace", "your-secret", "your_secret",
          "yoursecret", "example", "dummy", "secretsecret", "password", "xxxxxxxx", "insecure", "default");

  private SecretStrength() {}

  private static boolean repeatsAShortPattern(String s) {
    for (int period = 1; period <= 12; period++) {
      boolean repeats = true;
      for (int i = period; i < s.length() && repeats; i++) repeats = s.charAt(i) == s.charAt(i - period);
      if (repeats) return true;
    }
    return false;
  }

  /** Why {@code secret} must not be used in production, or empty when it is acceptable. */
  static Optional<String> weakness(String secret) {
    if (secret.length() < MIN_LENGTH) return Optional.of("is shorter than " + MIN_LENGTH + " characters");
    String lower = secret.toLowerCase(Locale.ROOT);
    for (String word : PLACEHOLDER_WORDS) {
      if (lower.contains(word)) return Optional.of("looks like a placeholder (contains '" + word + "')");
    }
    if (lower.chars().distinct().count() < 8 || repeatsAShortPattern(lower)) {
      return Optional.of("looks like a placeholder (a short pattern repeated)");
    }
    return Optional.empty();
  }
}
