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
  private final java.util.Optional<String> field;

  public DirectorException(ProblemKind kind, String code, String detail) {
    this(kind, code, detail, java.util.Optional.empty());
  }

  private DirectorException(ProblemKind kind, String code, String detail, java.util.Optional<String> field) {
    super(detail);
    this.kind = requireNonNull(kind, "kind");
    this.code = requireNonNull(code, "code");
    this.field = field;
  }

  /** 422 for one field of a request body, named in the detail and in the problem's {@code field}. */
  public static DirectorException field(String code, String field, String detail) {
    return new DirectorException(ProblemKind.UNPROCESSABLE, code, field + ": " + detail, java.util.Optional.of(field));
  }

  /** The request field at fault, for {@link #field}. */
  public java.util.Optional<String> field() {
    return field;
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
