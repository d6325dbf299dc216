package io.director.sessions.internal;

import io.director.sessions.NetworkMode;
import io.director.sessions.SessionLimits;
import io.director.shared.DirectorException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A checked {@code POST /api/sessions} body. Every problem is a 422 naming the field; limits not
 * given come from the tenant's defaults, then the instance's.
 */
record SessionRequest(
    String name, List<String> command, Map<String, String> env, Map<String, String> files, Optional<UUID> playbookId,
    SessionLimits limits, NetworkMode network, List<String> allow, boolean stdin, Optional<String> driver) {

  private static final Set<String> FIELDS = Set.of("name", "command", "env", "workspace", "playbook_id", "limits", "network", "stdin", "driver");
  private static final Set<String> LIMIT_FIELDS = Set.of("cpus", "memory_mb", "pids", "timeout_s", "output_mb");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern HOST = Pattern.compile(
      "(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*|\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?|\\[[0-9a-f:]+\\](/\\d{1,3})?)(:\\d{1,5})?");
  static final int MAX_ARGS = 1024;
  static final int MAX_FILES = 1000;
  static final long MAX_TIMEOUT_S = 7 * 24 * 3600;
  static final long MAX_OUTPUT_MB = 1024;
  static final int MAX_PIDS = 65536;

  static SessionRequest parse(JsonNode doc, SessionLimits defaults, JsonNode tenantDefaults) {
    if (doc == null || !doc.isObject()) throw DirectorException.field("sessions.invalid", "body", "must be a JSON object");
    for (String f : doc.propertyNames()) {
      if (!FIELDS.contains(f)) throw DirectorException.field("sessions.unknown-field", abbreviate(f), "unknown field; known fields: " + FIELDS.stream().sorted().toList());
    }
    List<String> command = command(doc.get("command"));
    String name = text(doc, "name").orElseGet(() -> {
      Path program = Path.of(command.get(0).replace('\0', '_')).getFileName();
      return program == null ? "session" : program.toString();
    });
    if (name.isBlank() || name.length() > 200) throw DirectorException.field("sessions.invalid-name", "name", "must be 1 to 200 characters");
    Map<String, String> env = env(doc.get("env"));
    Map<String, String> files = files(doc.get("workspace"));
    Optional<UUID> playbook = Optional.empty();
    JsonNode pb = doc.get("playbook_id");
    if (pb != null && !pb.isNull()) {
      try {
        playbook = Optional.of(UUID.fromString(pb.asString()));
      } catch (IllegalArgumentException e) {
        throw DirectorException.field("sessions.invalid-playbook", "playbook_id", "must be a playbook id (a UUID)");
      }
    }
    SessionLimits limits = limits(doc.get("limits"), defaults, tenantDefaults);
    NetworkMode mode = NetworkMode.NONE;
    List<String> allow = new ArrayList<>();
    JsonNode net = doc.get("network");
    if (net != null && !net.isNull()) {
      if (!net.isObject()) throw DirectorException.field("sessions.invalid-network", "network", "must be an object {mode, allow}");
      for (String f : net.propertyNames()) {
        if (!f.equals("mode") && !f.equals("allow")) throw DirectorException.field("sessions.unknown-field", "network." + abbreviate(f), "unknown field; use mode and allow");
      }
      JsonNode m = net.get("mode");
      if (m != null && !m.isNull()) {
        if (!m.isString()) throw DirectorException.field("sessions.invalid-network", "network.mode", "must be one of none, gateway, allowlist, open");
        mode = NetworkMode.parse(m.asString());
      }
      JsonNode a = net.get("allow");
      if (a != null && !a.isNull()) {
        if (!a.isArray() || a.size() > 100) throw DirectorException.field("sessions.invalid-network", "network.allow", "must be a list of at most 100 host[:port] entries");
        for (JsonNode h : a) {
          if (!h.isString() || !HOST.matcher(h.asString()).matches() || !portOk(h.asString())) {
            throw DirectorException.field("sessions.invalid-network", "network.allow", "entries are host[:port], IP[:port] or CIDR; got '" + abbreviate(h.asString()) + "'");
          }
          allow.add(h.asString());
        }
      }
    }
    if (mode == NetworkMode.ALLOWLIST && allow.isEmpty()) throw DirectorException.field("sessions.invalid-network", "network.allow", "network mode allowlist needs at least one host");
    if (mode != NetworkMode.ALLOWLIST && !allow.isEmpty()) throw DirectorException.field("sessions.invalid-network", "network.allow", "only network mode allowlist takes a list of hosts");
    JsonNode in = doc.get("stdin");
    if (in != null && !in.isNull() && !in.isBoolean()) throw DirectorException.field("sessions.invalid-stdin", "stdin", "must be true or false");
    Optional<String> driver = text(doc, "driver");
    return new SessionRequest(name, command, env, files, playbook, limits, mode, allow, in != null && in.asBoolean(false), driver);
  }

  private static boolean portOk(String entry) {
    int colon = entry.lastIndexOf(':');
    if (colon < 0 || entry.endsWith("]")) return true;
    String port = entry.substring(colon + 1);
    if (!port.chars().allMatch(Character::isDigit)) return true; // an IPv6 literal without brackets is refused by the pattern
    int p = Integer.parseInt(port);
    return p >= 1 && p <= 65535;
  }

  private static List<String> command(JsonNode c) {
    if (c == null || c.isNull()) throw DirectorException.field("sessions.invalid-command", "command", "is required: the argv to run, such as [\"claude\", \"-p\", \"hello\"]");
    if (!c.isArray() || c.isEmpty()) throw DirectorException.field("sessions.invalid-command", "command", "must be a non-empty list of strings");
    if (c.size() > MAX_ARGS) throw DirectorException.field("sessions.invalid-command", "command", "has more than " + MAX_ARGS + " arguments");
    List<String> argv = new ArrayList<>();
    long total = 0;
    for (JsonNode a : c) {
      if (!a.isString()) throw DirectorException.field("sessions.invalid-command", "command", "every argument must be a string");
      String s = a.asString();
      if (s.indexOf('\0') >= 0) throw DirectorException.field("sessions.invalid-command", "command", "arguments cannot contain NUL");
      total += s.length();
      argv.add(s);
    }
    if (argv.get(0).isBlank()) throw DirectorException.field("sessions.invalid-command", "command", "the program (first element) cannot be empty");
    if (total > 128 * 1024) throw DirectorException.field("sessions.invalid-command", "command", "is longer than 128 KiB");
    return argv;
  }

  private static Map<String, String> env(JsonNode e) {
    Map<String, String> env = new LinkedHashMap<>();
    if (e == null || e.isNull()) return env;
    if (!e.isObject()) throw DirectorException.field("sessions.invalid-env", "env", "must be an object of NAME: value");
    if (e.size() > 500) throw DirectorException.field("sessions.invalid-env", "env", "has more than 500 variables");
    for (var entry : e.properties()) {
      String k = entry.getKey();
      if (!ENV_NAME.matcher(k).matches()) throw DirectorException.field("sessions.invalid-env", "env." + abbreviate(k), "is not a valid variable name");
      if (k.startsWith("DIRECTOR_")) throw DirectorException.field("sessions.invalid-env", "env." + k, "DIRECTOR_* variables are set by Director");
      if (!entry.getValue().isString()) throw DirectorException.field("sessions.invalid-env", "env." + k, "must be a string");
      String v = entry.getValue().asString();
      if (v.indexOf('\0') >= 0) throw DirectorException.field("sessions.invalid-env", "env." + k, "cannot contain NUL");
      env.put(k, v);
    }
    return env;
  }

  private static Map<String, String> files(JsonNode w) {
    Map<String, String> files = new LinkedHashMap<>();
    if (w == null || w.isNull()) return files;
    if (!w.isObject()) throw DirectorException.field("sessions.invalid-workspace", "workspace", "must be an object {files: {path: content}}");
    for (String f : w.propertyNames()) {
      if (!f.equals("files")) throw DirectorException.field("sessions.unknown-field", "workspace." + abbreviate(f), "unknown field; use files");
    }
    JsonNode fs = w.get("files");
    if (fs == null || fs.isNull()) return files;
    if (!fs.isObject()) throw DirectorException.field("sessions.invalid-workspace", "workspace.files", "must be an object of path: content");
    if (fs.size() > MAX_FILES) throw DirectorException.field("sessions.invalid-workspace", "workspace.files", "has more than " + MAX_FILES + " files");
    for (var entry : fs.properties()) {
      String p = entry.getKey();
      String field = "workspace.files." + abbreviate(p);
      if (p.isEmpty() || p.startsWith("/") || p.indexOf('\0') >= 0 || p.indexOf('\\') >= 0 || p.length() > 1024) {
        throw DirectorException.field("sessions.invalid-workspace", field, "must be a relative path");
      }
      for (String part : p.split("/")) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) throw DirectorException.field("sessions.invalid-workspace", field, "must be a relative path without empty, . or .. parts");
      }
      if (!entry.getValue().isString()) throw DirectorException.field("sessions.invalid-workspace", field, "content must be a string");
      files.put(p, entry.getValue().asString());
    }
    return files;
  }

  /** Limits: the request's, else the tenant's defaults, else the instance's; each checked against what a host can give. */
  static SessionLimits limits(JsonNode l, SessionLimits defaults, JsonNode tenant) {
    if (l != null && !l.isNull() && !l.isObject()) throw DirectorException.field("sessions.invalid-limits", "limits", "must be an object");
    if (l != null && l.isObject()) {
      for (String f : l.propertyNames()) {
        if (!LIMIT_FIELDS.contains(f)) throw DirectorException.field("sessions.unknown-field", "limits." + abbreviate(f), "unknown limit; known limits: " + LIMIT_FIELDS.stream().sorted().toList());
      }
    }
    int cores = Runtime.getRuntime().availableProcessors();
    long hostMb = hostMemoryMb();
    double cpus = number(l, tenant, "cpus", defaults.cpus(), 0.01, cores, "between 0.01 and " + cores + " (this host's cores)");
    long memory = (long) number(l, tenant, "memory_mb", defaults.memoryMb(), 16, hostMb, "between 16 and " + hostMb + " (this host's memory)");
    int pids = (int) number(l, tenant, "pids", defaults.pids(), 1, MAX_PIDS, "between 1 and " + MAX_PIDS);
    long timeout = (long) number(l, tenant, "timeout_s", defaults.timeoutSeconds(), 1, MAX_TIMEOUT_S, "between 1 and " + MAX_TIMEOUT_S + " (7 days)");
    long output = (long) number(l, tenant, "output_mb", defaults.outputMb(), 1, MAX_OUTPUT_MB, "between 1 and " + MAX_OUTPUT_MB);
    return new SessionLimits(cpus, memory, pids, timeout, output);
  }

  private static double number(JsonNode request, JsonNode tenant, String field, double fallback, double min, double max, String range) {
    JsonNode v = request == null ? null : request.get(field);
    String name = "limits." + field;
    if (v == null || v.isNull()) v = tenant == null ? null : tenant.get(field);
    if (v == null || v.isNull()) return Math.min(Math.max(fallback, min), max);
    if (!v.isNumber()) throw DirectorException.field("sessions.invalid-limits", name, "must be a number " + range);
    boolean whole = !field.equals("cpus");
    if (whole && !v.canConvertToLong()) throw DirectorException.field("sessions.invalid-limits", name, "must be a whole number " + range);
    if (whole && v.isFloatingPointNumber() && v.asDouble() != Math.floor(v.asDouble())) {
      throw DirectorException.field("sessions.invalid-limits", name, "must be a whole number " + range);
    }
    double d = v.asDouble();
    if (!(d >= min && d <= max)) throw DirectorException.field("sessions.invalid-limits", name, "must be " + range + "; got " + v);
    return d;
  }

  static long hostMemoryMb() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize() / (1024 * 1024);
    }
    return 1024 * 1024;
  }

  private static Optional<String> text(JsonNode doc, String field) {
    JsonNode v = doc.get(field);
    if (v == null || v.isNull()) return Optional.empty();
    if (!v.isString()) throw DirectorException.field("sessions.invalid-" + field.replace('_', '-'), field, "must be a string");
    return Optional.of(v.asString());
  }

  static String abbreviate(String s) {
    if (s == null) return "";
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
