package io.director.shared;

import static java.util.Objects.requireNonNull;

/** A secret value that never prints itself: {@code toString} is masked so it cannot leak into a log line. */
public record Secret(String value) {
  public Secret {
    requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "Secret[********]";
  }
}
