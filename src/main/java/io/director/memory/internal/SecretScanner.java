package io.director.memory.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds what looks like a credential in text an agent wants to remember and replaces it with
 * {@code [REDACTED:<kind>]} before the text is stored, indexed or embedded. Shapes are the common
 * key formats (cloud, VCS, chat, payment and LLM providers), bearer and basic tokens, JWTs, PEM
 * private keys, passwords inside URLs and {@code password=…}-style assignments.
 */
final class SecretScanner {
  private record Shape(String kind, Pattern pattern, int keep) {}

  private static final List<Shape> SHAPES = List.of(
      new Shape("private_key", Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----[\\s\\S]*?(-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----|\\z)"), 0),
      new Shape("jwt", Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"), 0),
      new Shape("aws_access_key", Pattern.compile("\\b(AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\\b"), 0),
      new Shape("github_token", Pattern.compile("\\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"), 0),
      new Shape("gitlab_token", Pattern.compile("\\bglpat-[A-Za-z0-9_-]{20,}"), 0),
      new Shape("slack_token", Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,}"), 0),
      new Shape("stripe_key", Pattern.compile("\\b[rs]k_(live|test)_[A-Za-z0-9]{16,}"), 0),
      new Shape("google_api_key", Pattern.compile("\\bAIza[0-9A-Za-z_-]{35}"), 0),
      new Shape("api_key", Pattern.compile("\\bsk-(ant-|proj-)?[A-Za-z0-9_-]{20,}"), 0),
      new Shape("director_key", Pattern.compile("\\b(dk|dss)_[A-Za-z0-9_-]{16,}"), 0),
      new Shape("bearer_token", Pattern.compile("(?i)(\\bbearer\\s+)[A-Za-z0-9._~+/=-]{12,}"), 1),
      new Shape("basic_auth", Pattern.compile("(?i)(\\bbasic\\s+)[A-Za-z0-9+/]{12,}={0,2}"), 1),
      new Shape("url_password", Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s:@]+:)[^/\\s@]+(?=@)"), 1),
      new Shape("password", Pattern.compile(
          "(?i)(\\b(password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',;&}]{4,}"), 1));

  /** The text with secrets replaced, and the kinds that were found. */
  record Result(String text, List<String> kinds) {
    boolean redacted() {
      return !kinds.isEmpty();
    }
  }

  static Result scan(String text) {
    if (text == null || text.isEmpty()) return new Result(text == null ? "" : text, List.of());
    String out = text;
    List<String> kinds = new ArrayList<>();
    for (Shape shape : SHAPES) {
      Matcher m = shape.pattern().matcher(out);
      if (!m.find()) continue;
      kinds.add(shape.kind());
      String mask = "[REDACTED:" + shape.kind() + "]";
      out = m.replaceAll(r -> Matcher.quoteReplacement((shape.keep() == 1 ? r.group(1) : "") + mask));
    }
    return new Result(out, List.copyOf(kinds));
  }
}
