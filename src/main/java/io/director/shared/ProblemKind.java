package io.director.shared;

/** The closed set of failure kinds a module may report; each maps to one HTTP status. */
public enum ProblemKind {
  INVALID(400, "Invalid request"),
  UNAUTHENTICATED(401, "Authentication required"),
  FORBIDDEN(403, "Forbidden"),
  NOT_FOUND(404, "Not found"),
  CONFLICT(409, "Conflict"),
  UNPROCESSABLE(422, "Unprocessable content"),
  TOO_LARGE(413, "Content too large"),
  RATE_LIMITED(429, "Too many requests"),
  UNAVAILABLE(503, "Service unavailable");

  private final int status;
  private final String title;

  ProblemKind(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
