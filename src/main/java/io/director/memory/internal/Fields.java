package io.director.memory.internal;

import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** Reading request bodies strictly: every problem is a 422 naming the field, an oversized text a 413. */
final class Fields {
  static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._:@-]{0,127}");
  private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}._:/-]{0,63}");
  static final int MAX_TAGS = 32;

  private Fields() {}

  static JsonNode object(JsonNode doc, String what, Set<String> allowed) {
    if (doc == null || !doc.isObject()) throw DirectorException.field("memory.invalid", what, "must be a JSON object");
    for (String f : doc.propertyNames()) {
      if (!allowed.contains(f)) {
        throw DirectorException.field("memory.unknown-field", abbreviate(f), "unknown field; known fields: " + allowed.stream().sorted().toList());
      }
    }
    return doc;
  }

  static Optional<String> text(JsonNode doc, String field) {
    JsonNode n = doc.get(field);
    if (n == null || n.isNull()) return Optional.empty();
    if (!n.isString()) throw DirectorException.field("memory.invalid", field, "must be a string");
    // PostgreSQL text cannot hold NUL
    if (n.asString().indexOf('\u0000') >= 0) throw DirectorException.field("memory.invalid", field, "must not contain NUL characters");
    return Optional.of(n.asString());
  }

  /** A required text: not blank, at most {@code maxBytes} of UTF-8 (413 beyond). */
  static String content(JsonNode doc, String field, long maxBytes) {
    String s = text(doc, field).orElseThrow(() -> DirectorException.field("memory.missing", field, "is required"));
    if (s.isBlank()) throw DirectorException.field("memory.blank", field, "must not be blank");
    return checkSize(s, field, maxBytes);
  }

  static String checkSize(String s, String field, long maxBytes) {
    if (s.length() > maxBytes || s.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      throw new DirectorException(ProblemKind.TOO_LARGE, "memory.too-large", field + " is larger than " + maxBytes + " bytes (MEMORY_MAX_CONTENT_SIZE)");
    }
    return s;
  }

  static String namespace(String ns, String field) {
    if (ns == null || !NAMESPACE.matcher(ns).matches()) {
      throw DirectorException.field("memory.invalid-namespace", field, "must be 1 to 128 letters, digits, spaces or . _ : @ - (starting with a letter or digit)");
    }
    return ns;
  }

  static List<String> strings(JsonNode doc, String field, int max, int maxLength) {
    JsonNode n = doc.get(field);
    if (n == null || n.isNull()) return List.of();
    if (!n.isArray()) throw DirectorException.field("memory.invalid", field, "must be an array of strings");
    if (n.size() > max) throw DirectorException.field("memory.invalid", field, "must have at most " + max + " entries");
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isString() || e.asString().isBlank() || e.asString().length() > maxLength || e.asString().indexOf('\u0000') >= 0) {
        throw DirectorException.field("memory.invalid", field, "must hold non-blank strings of at most " + maxLength + " characters");
      }
      out.add(e.asString());
    }
    return List.copyOf(out);
  }

  static List<String> tags(JsonNode doc, String field) {
    List<String> tags = strings(doc, field, MAX_TAGS, 64);
    for (String t : tags) {
      if (!TAG.matcher(t).matches()) throw DirectorException.field("memory.invalid-tag", field, "tags are letters, digits and . _ : / - (at most 64)");
    }
    return tags.stream().distinct().toList();
  }

  static Optional<String> choice(JsonNode doc, String field, Set<String> allowed) {
    Optional<String> v = text(doc, field);
    if (v.isPresent() && !allowed.contains(v.get())) {
      throw DirectorException.field("memory.invalid-choice", field, "must be one of " + allowed.stream().sorted().toList());
    }
    return v;
  }

  /** Optional structured content: any JSON, within the size limit, without NUL (which jsonb refuses). */
  static Optional<JsonNode> json(JsonNode doc, String field, long maxBytes) {
    JsonNode n = doc.get(field);
    if (n == null || n.isNull()) return Optional.empty();
    String text = n.toString();
    checkSize(text, field, maxBytes);
    if (text.contains("\\u0000")) throw DirectorException.field("memory.invalid", field, "must not contain NUL characters");
    return Optional.of(n);
  }

  static Optional<Instant> instant(JsonNode doc, String field) {
    return text(doc, field).map(s -> parseInstant(s, field));
  }

  static Instant parseInstant(String s, String field) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw DirectorException.field("memory.invalid-time", field, "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z");
    }
  }

  static Optional<UUID> uuid(JsonNode doc, String field) {
    return text(doc, field).map(s -> parseUuid(s, field));
  }

  static UUID parseUuid(String s, String field) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw DirectorException.field("memory.invalid-id", field, "must be an id (a UUID)");
    }
  }

  static Optional<Double> number(JsonNode doc, String field, double min, double max) {
    JsonNode n = doc.get(field);
    if (n == null || n.isNull()) return Optional.empty();
    if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
      throw DirectorException.field("memory.invalid-number", field, "must be a number from " + min + " to " + max);
    }
    return Optional.of(n.asDouble());
  }

  static Optional<Integer> integer(JsonNode doc, String field, int min, int max) {
    JsonNode n = doc.get(field);
    if (n == null || n.isNull()) return Optional.empty();
    if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
      throw DirectorException.field("memory.invalid-number", field, "must be a whole number from " + min + " to " + max);
    }
    return Optional.of(n.asInt());
  }

  static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
