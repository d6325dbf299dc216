package io.director.sessions.sandbox;

/** Where a sandbox's output goes, as raw bytes in order per stream. */
public interface OutputSink {
  enum Stream {
    STDOUT,
    STDERR
  }

  void write(Stream stream, byte[] data, int offset, int length);
}
