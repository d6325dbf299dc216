package io.director.sessions.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the output of local sandboxes to their sinks. A sandboxed process writes stdout and
 * stderr to files in its run directory (opened for append); one thread follows every session's
 * files, woken by inotify and sweeping all of them every 250 ms in case a wake-up is lost. So 200
 * sessions cost one thread here, not 400 blocked readers. Once a session has written more than it
 * may keep, its files are emptied after each read and the bytes dropped.
 */
public final class OutputFiles implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutputFiles.class);
  private static final int CHUNK = 64 * 1024;

  private final Map<Path, Followed> byDir = new ConcurrentHashMap<>();
  private final WatchService watcher;
  private final Thread thread;
  private volatile boolean closed;

  public OutputFiles() {
    WatchService w;
    try {
      w = FileSystems.getDefault().newWatchService();
    } catch (IOException e) {
      w = null;
      log.warn("no inotify for session output, polling only: {}", e.getMessage());
    }
    watcher = w;
    thread = Thread.ofPlatform().name("session-output").daemon().stackSize(256 * 1024).start(this::run);
  }

  /** A session's two output files, followed until {@link Followed#finish} after its exit. */
  public Followed follow(Path runDir, Path stdout, Path stderr, OutputSink sink) {
    Followed f = new Followed(runDir, new File(stdout, OutputSink.Stream.STDOUT), new File(stderr, OutputSink.Stream.STDERR), sink);
    if (watcher != null) {
      try {
        f.key = runDir.register(watcher, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
      } catch (IOException e) {
        log.debug("cannot watch {}: {}", runDir, e.getMessage());
      }
    }
    byDir.put(runDir, f);
    return f;
  }

  private void run() {
    long lastSweep = System.nanoTime();
    java.util.Set<Followed> behind = new java.util.LinkedHashSet<>();
    while (!closed) {
      try {
        long wait = behind.isEmpty() ? 250 : 0; // sessions with more to read go round again at once, in turn
        WatchKey key = watcher == null ? null : watcher.poll(wait, TimeUnit.MILLISECONDS);
        if (watcher == null && behind.isEmpty()) Thread.sleep(50);
        if (key != null) {
          key.pollEvents();
          Followed f = byDir.get((Path) key.watchable());
          if (f != null && f.drain()) behind.add(f);
          key.reset();
        }
        for (Followed f : java.util.List.copyOf(behind)) {
          if (!f.drain()) behind.remove(f);
        }
        if (System.nanoTime() - lastSweep > TimeUnit.MILLISECONDS.toNanos(250)) {
          for (Followed f : byDir.values()) {
            if (f.drain()) behind.add(f);
          }
          lastSweep = System.nanoTime();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("session output pump: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private static final class File {
    final Path path;
    final OutputSink.Stream stream;
    long position;
    /** Opened on the first read and kept until the session is finished: sweeps cost no open/close. */
    FileChannel channel;

    File(Path path, OutputSink.Stream stream) {
      this.path = path;
      this.stream = stream;
    }

    FileChannel channel() throws IOException {
      if (channel == null) channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      return channel;
    }

    void close() {
      if (channel == null) return;
      try {
        channel.close();
      } catch (IOException e) {
        // done with it anyway
      }
      channel = null;
    }
  }

  /** One session's output being followed. */
  public final class Followed {
    private final Path dir;
    private final File out;
    private final File err;
    private final OutputSink sink;
    private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    private volatile boolean discard;
    private boolean finished;
    private WatchKey key;

    private Followed(Path dir, File out, File err, OutputSink sink) {
      this.dir = dir;
      this.out = out;
      this.err = err;
      this.sink = sink;
    }

    /** From now on output is read and thrown away, and the files are kept empty. */
    public void discard() {
      discard = true;
    }

    /** Reads what is left after the process has exited, then stops following. */
    public void finish() {
      byDir.remove(dir);
      if (key != null) key.cancel();
      while (drain()) {
        // all of it
      }
      synchronized (this) {
        finished = true;
        out.close();
        err.close();
      }
    }

    /** Reads a share of what is new; true when there is more. */
    private synchronized boolean drain() {
      if (finished) return false;
      boolean more = read(out);
      return read(err) | more;
    }

    private boolean read(File f) {
      try {
        FileChannel ch = f.channel();
        // at most 1 MiB per file per pass, so one flooding session cannot starve the others
        boolean more = false;
        for (int chunks = 0; ; chunks++) {
          if (chunks == 16) {
            more = true;
            break;
          }
          buffer.clear();
          int n = ch.read(buffer, f.position);
          if (n <= 0) break;
          f.position += n;
          if (!discard) sink.write(f.stream, buffer.array(), 0, n);
        }
        if (discard && f.position > 0) {
          ch.truncate(0); // the writer appends, so it carries on at the new end
          f.position = 0;
        }
        return more;
      } catch (java.nio.file.NoSuchFileException e) {
        return false; // not created yet
      } catch (IOException | RuntimeException e) {
        log.debug("reading {}: {}", f.path, e.toString());
        return false;
      }
    }
  }
}
