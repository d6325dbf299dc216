package io.director.sessions;

import io.director.shared.DirectorException;
import java.util.Arrays;
import java.util.Locale;

/** Where a session is in its life: pending → starting → running → one of the ends. */
public enum SessionStatus {
  PENDING,
  STARTING,
  RUNNING,
  COMPLETED,
  FAILED,
  TIMED_OUT,
  STOPPED,
  LOST;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the session still holds (or is about to hold) a process. */
  public boolean active() {
    return this == PENDING || this == STARTING || this == RUNNING;
  }

  public static SessionStatus parse(String text) {
    return Arrays.stream(values()).filter(s -> s.wire().equals(text)).findFirst()
        .orElseThrow(() -> DirectorException.invalid("sessions.invalid-status",
            "unknown status; use one of pending, starting, running, completed, failed, timed_out, stopped, lost"));
  }
}
