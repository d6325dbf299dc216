package io.director.sessions;

import java.time.Instant;

/**
 * One entry of a session's transcript, numbered from 1: {@code stdout}/{@code stderr} carry
 * {@code {"text", "eol"}}, {@code status} carries {@code {"status"}}, {@code exit} carries
 * {@code {"status", "exit_code", "reason"}}, {@code truncated} says output is dropped from here on.
 */
public record SessionEvent(long seq, Instant at, String kind, String data) {
  public boolean last() {
    return kind.equals("exit");
  }
}
