package io.director.sessions.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Unix socket Director offers one sandbox (its tools, its way out): only the sandbox's user may
 * connect (when Director is root), each connection is served on a virtual thread, at most
 * {@code limit} at once, and closing the listener closes everything it accepted and everything its
 * handlers asked it to hold.
 */
final class UnixListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UnixListener.class);

  /** Serves one accepted connection; the listener closes it afterwards. */
  interface Handler {
    void serve(SocketChannel channel) throws IOException;
  }

  private final Path path;
  private final ServerSocketChannel server;
  private final Semaphore slots;
  private final Handler handler;
  private final Set<AutoCloseable> held = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private UnixListener(Path path, ServerSocketChannel server, int limit, Handler handler) {
    this.path = path;
    this.server = server;
    this.slots = new Semaphore(limit);
    this.handler = handler;
  }

  static UnixListener open(Path path, Optional<Integer> ownerUid, int limit, String name, Handler handler) throws IOException {
    if (path.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
      throw new IOException("the socket path " + path + " is too long for a Unix socket (107 bytes); choose a shorter SANDBOX_WORKSPACE_DIR");
    }
    Files.deleteIfExists(path);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    if (ownerUid.isPresent()) Files.setAttribute(path, "unix:uid", ownerUid.get());
    UnixListener listener = new UnixListener(path, server, limit, handler);
    Thread.ofVirtual().name(name).start(() -> listener.accept(name));
    return listener;
  }

  private void accept(String name) {
    while (!closed.get()) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (IOException e) {
        if (!closed.get()) log.debug("{} {}: {}", name, path, e.toString());
        return;
      }
      if (!slots.tryAcquire()) { // too many at once: this one is turned away
        quietly(ch);
        continue;
      }
      held.add(ch);
      Thread.ofVirtual().name(name + "-connection").start(() -> {
        try {
          handler.serve(ch);
        } catch (IOException | RuntimeException e) {
          log.debug("{} connection: {}", name, e.toString());
        } finally {
          release(ch);
          slots.release();
        }
      });
    }
  }

  /** Closes {@code c} with the listener, unless {@link #release}d first. */
  void hold(AutoCloseable c) {
    held.add(c);
  }

  /** Closes {@code c} now, and forgets it. */
  void release(AutoCloseable c) {
    held.remove(c);
    quietly(c);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    quietly(server);
    held.forEach(UnixListener::quietly);
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // the run directory goes with the session
    }
  }

  private static void quietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }
}
