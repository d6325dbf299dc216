package io.director.identity.internal;

import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * bcrypt password hashing at the configured cost, the password rules, and a dummy hash so that an
 * unknown username costs as much time as a wrong password.
 */
public final class Passwords {
  static final int MAX_LENGTH = 72; // bcrypt uses at most 72 bytes

  private final BCryptPasswordEncoder encoder;
  private final int minLength;
  private final String dummyHash;

  public Passwords(int cost, int minLength) {
    this.encoder = new BCryptPasswordEncoder(cost);
    this.minLength = minLength;
    this.dummyHash = encoder.encode("director-dummy-password-for-timing");
  }

  public String hash(String password) {
    check(password);
    return encoder.encode(password);
  }

  /** Checks {@code password} against {@code hash}, or burns the same time when there is no user. */
  public boolean matches(String password, String hash) {
    if (password == null || password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
      encoder.matches("x", dummyHash);
      return false;
    }
    return encoder.matches(password, hash == null ? dummyHash : hash) && hash != null;
  }

  public void check(String password) {
    if (password == null || password.isEmpty()) {
      throw new DirectorException(ProblemKind.UNPROCESSABLE, "identity.password-required", "password is required");
    }
    if (password.codePointCount(0, password.length()) < minLength) {
      throw new DirectorException(ProblemKind.UNPROCESSABLE, "identity.password-too-short",
          "password must be at least " + minLength + " characters");
    }
    if (password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
      throw new DirectorException(ProblemKind.UNPROCESSABLE, "identity.password-too-long",
          "password must be at most " + MAX_LENGTH + " bytes");
    }
    if (password.isBlank()) {
      throw new DirectorException(ProblemKind.UNPROCESSABLE, "identity.password-blank", "password must not be only whitespace");
    }
  }
}
