package io.director.sessions;

/**
 * What one session may use: CPU cores, memory, processes (and threads), wall-clock time, and the
 * output kept of it.
 */
public record SessionLimits(double cpus, long memoryMb, int pids, long timeoutSeconds, long outputMb) {
  public long memoryBytes() {
    return memoryMb * 1024 * 1024;
  }

  public long outputBytes() {
    return outputMb * 1024 * 1024;
  }
}
