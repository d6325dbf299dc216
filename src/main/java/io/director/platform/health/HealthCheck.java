package io.director.platform.health;

/**
 * One thing {@code /api/health} looks at. Modules contribute checks as beans; a failing required
 * check makes Director report {@code down} and not ready.
 */
public interface HealthCheck {
  String name();

  /** Whether Director is down when this check fails. */
  boolean required();

  /** Runs the check; a thrown exception counts as a failure with its message. */
  Result check() throws Exception;

  /** What a check found. The message is for operators and must not reveal configuration. */
  record Result(boolean healthy, String message) {
    public static Result healthy(String message) {
      return new Result(true, message);
    }

    public static Result unhealthy(String message) {
      return new Result(false, message);
    }
  }
}
