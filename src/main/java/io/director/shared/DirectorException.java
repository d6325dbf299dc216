package io.director.shared;

import static java.util.Objects.requireNonNull;

/**
 * The one exception modules throw for failures a caller can act on. It carries a {@link
 * ProblemKind} and a stable machine-readable code such as {@code sessions.quota-exceeded}; the web
 * layer turns it into an RFC 9457 problem document.
 */
public final class DirectorException extends RuntimeException {
  private final ProblemKind kind;
  private final String code;

  public DirectorException(ProblemKind kind, String code, String detail) {
    super(detail);
    this.kind = requireNonNull(kind, "kind");
    this.code = requireNonNull(code, "code");
  }

  public static DirectorException invalid(String code, String detail) {
    return new DirectorException(ProblemKind.INVALID, code, detail);
  }

  public static DirectorException notFound(String code, String detail) {
    return new DirectorException(ProblemKind.NOT_FOUND, code, detail);
  }

  public static DirectorException unavailable(String code, String detail) {
    return new DirectorException(ProblemKind.UNAVAILABLE, code, detail);
  }

  public ProblemKind kind() {
    return kind;
  }

  public String code() {
    return code;
  }
}
