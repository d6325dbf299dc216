package io.director.platform.logging;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last line of defence against secrets in logs: every log line passes through {@link #apply},
 * which masks the secret values registered at start (the master secret, the database password) and
 * anything shaped like a credential (bearer tokens, API keys, passwords inside URLs).
 */
public final class Redaction {
  static final String MASK = "****";
  private static final Set<String> KNOWN = new CopyOnWriteArraySet<>();
  /** Each shape with a lower-case word it cannot match without, so most lines skip the regex. */
  private record Shape(String trigger, Pattern pattern) {}

  private static final List<Shape> SHAPES =
      List.of(
          new Shape("bearer", Pattern.compile("(?i)(\\bbearer\\s+)[A-Za-z0-9._~+/=-]{8,}")),
          new Shape("basic", Pattern.compile("(?i)(\\bbasic\\s+)[A-Za-z0-9+/=]{8,}")),
          new Shape("authorization", Pattern.compile("(?i)(authorization[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',}]+")),
          new Shape("x-api-key", Pattern.compile("(?i)(x-api-key[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',}]+")),
          new Shape("dk_", Pattern.compile("(\\b)dk_[A-Za-z0-9_-]{8,}")),
          new Shape("password", Pattern.compile("(?i)(password[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',&}]+")),
          new Shape("@", Pattern.compile("([a-z][a-z0-9+.-]*://[^/\\s:@]*:)[^/\\s@]+(?=@)")));

  private Redaction() {}

  /** Registers a secret value so that it is masked wherever it appears in a log line. */
  public static void register(String secret) {
    if (secret != null && secret.length() >= 4) KNOWN.add(secret);
  }

  public static String apply(String text) {
    if (text == null || text.isEmpty()) return text;
    String out = text;
    for (String secret : KNOWN) {
      if (out.contains(secret)) out = out.replace(secret, MASK);
    }
    String lower = out.toLowerCase(java.util.Locale.ROOT);
    for (Shape shape : SHAPES) {
      if (!lower.contains(shape.trigger())) continue;
      Matcher m = shape.pattern().matcher(out);
      if (m.find()) out = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + MASK));
    }
    return out;
  }
}
