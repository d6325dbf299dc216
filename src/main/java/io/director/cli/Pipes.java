package io.director.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Byte pumps for the commands that relay a stream (the MCP bridge and the egress relay). */
final class Pipes {
  private Pipes() {}

  /** Copies until either side closes, flushing each chunk so that the other end sees it at once. */
  static void copy(InputStream in, OutputStream out) {
    byte[] buf = new byte[64 * 1024];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // either side closed: the relay ends
    }
  }
}
