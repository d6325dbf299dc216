package io.director.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.DirectorProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SIGTERM lets the request in flight finish, stops the embedded database and exits 0. */
class GracefulShutdownIT {

  @Test
  void sigtermFinishesTheRequestInFlightThenExitsZero() throws Exception {
    DirectorProcess director = DirectorProcess.serve(Files.createTempDirectory("director-shutdown"), Map.of("SHUTDOWN_TIMEOUT", "20s", "PASSWORD_HASH_COST", "4"));
    byte[] body = "{\"username\":\"late-user\",\"password\":\"a-long-enough-password\",\"tenant_id\":\"late\"}".getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", director.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /auth/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, 5);
      out.flush();
      DirectorProcess.sleep(500); // the request is now in the controller, waiting for the rest of its body

      ProcessHandle.of(director.pid()).orElseThrow().destroy(); // SIGTERM
      DirectorProcess.sleep(1500);
      assertThat(director.alive()).as("waits for the request in flight").isTrue();

      out.write(body, 5, body.length - 5);
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String status = in.readLine();
      assertThat(status).isEqualTo("HTTP/1.1 201 ");
      String line;
      StringBuilder rest = new StringBuilder();
      while ((line = in.readLine()) != null) rest.append(line).append('\n');
      assertThat(rest.toString()).contains("\"username\":\"late-user\"");
    }
    assertThat(director.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(director.allOutput()).contains("embedded PostgreSQL stopped");
  }

  @Test
  void aRequestThatOutlivesTheShutdownTimeoutDoesNotHoldTheProcess() throws Exception {
    DirectorProcess director = DirectorProcess.serve(Files.createTempDirectory("director-shutdown-timeout"), Map.of("SHUTDOWN_TIMEOUT", "2s"));
    try (Socket socket = new Socket("127.0.0.1", director.port())) {
      socket.getOutputStream().write(("POST /auth/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      DirectorProcess.sleep(500);
      long started = System.nanoTime();
      assertThat(director.terminate(Duration.ofSeconds(30))).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(25));
    }
  }
}
