package io.director.sessions.web;

import io.director.identity.ClientInfo;
import io.director.identity.Principal;
import io.director.sessions.SessionEvent;
import io.director.sessions.SessionStatus;
import io.director.sessions.SessionView;
import io.director.sessions.Sessions;
import io.director.shared.DirectorException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.ContentDisposition;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/sessions}: agent sessions over REST, their transcript as a resumable event stream. */
@RestController
@RequestMapping(path = "/api/sessions", produces = MediaType.APPLICATION_JSON_VALUE)
class SessionController {
  private final Sessions sessions;

  SessionController(Sessions sessions) {
    this.sessions = sessions;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<SessionView> create(Principal principal, ClientInfo client, @RequestBody JsonNode body) {
    SessionView view = sessions.create(principal, body, client);
    return ResponseEntity.status(201).header("Location", "/api/sessions/" + view.id()).body(view);
  }

  /** Newest first; the next page is {@code ?before=<created_at of the last one>}. */
  @GetMapping
  Map<String, Object> list(Principal principal, @RequestParam Optional<String> status, @RequestParam Optional<String> before,
      @RequestParam(defaultValue = "50") int limit) {
    Optional<Instant> cursor;
    try {
      cursor = before.map(Instant::parse);
    } catch (DateTimeParseException e) {
      throw DirectorException.invalid("request.invalid-parameter", "before must be an ISO-8601 instant such as 2026-01-01T00:00:00Z");
    }
    if (limit < 1 || limit > 500) throw DirectorException.invalid("request.invalid-parameter", "limit must be between 1 and 500");
    List<SessionView> page = sessions.list(principal, status.map(SessionStatus::parse), cursor, limit);
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("sessions", page);
    out.put("next_before", page.size() == limit ? page.get(page.size() - 1).created_at().toString() : null);
    return out;
  }

  @GetMapping("/{id}")
  SessionView get(Principal principal, @PathVariable UUID id) {
    return sessions.get(principal, id);
  }

  /**
   * The transcript as Server-Sent Events ({@code id} = entry number, {@code event} = kind, {@code
   * data} = JSON), then live until the exit entry. Resume with {@code Last-Event-ID} (or {@code ?after=}).
   */
  @GetMapping(path = "/{id}/events", produces = {MediaType.TEXT_EVENT_STREAM_VALUE, MediaType.APPLICATION_JSON_VALUE})
  void events(Principal principal, @PathVariable UUID id, @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      @RequestParam Optional<Long> after, @RequestParam(defaultValue = "true") boolean follow, HttpServletResponse response)
      throws IOException {
    long from = after.orElse(0L);
    if (lastEventId != null && !lastEventId.isBlank()) {
      try {
        from = Long.parseLong(lastEventId.trim());
      } catch (NumberFormatException e) {
        throw DirectorException.invalid("sessions.invalid-event-id", "Last-Event-ID must be an entry number from this stream");
      }
    }
    sessions.get(principal, id); // 404 before the stream starts
    response.setStatus(200);
    response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Accel-Buffering", "no");
    PrintWriter w = response.getWriter();
    w.write("retry: 1000\n\n");
    w.flush();
    sessions.follow(principal, id, from, follow, new Sessions.EventSink() {
      @Override
      public boolean send(SessionEvent e) {
        w.write("id: " + e.seq() + "\nevent: " + e.kind() + "\ndata: " + e.data() + "\n\n");
        w.flush();
        return !w.checkError();
      }

      @Override
      public boolean keepAlive() {
        w.write(": keep-alive\n\n");
        w.flush();
        return !w.checkError();
      }
    });
  }

  /** Writes the body to the session's stdin as it is; {@code ?close=true} closes stdin after it. */
  @PostMapping(path = "/{id}/input", consumes = MediaType.ALL_VALUE)
  ResponseEntity<Void> input(Principal principal, @PathVariable UUID id, @RequestParam(defaultValue = "false") boolean close,
      HttpServletRequest request) throws IOException {
    byte[] data;
    try (InputStream in = request.getInputStream()) {
      data = in.readNBytes(1024 * 1024 + 1);
    }
    sessions.input(principal, id, data, close);
    return ResponseEntity.accepted().build();
  }

  @PostMapping("/{id}/stop")
  ResponseEntity<SessionView> stop(Principal principal, ClientInfo client, @PathVariable UUID id) {
    return ResponseEntity.accepted().body(sessions.stop(principal, id, client));
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(Principal principal, ClientInfo client, @PathVariable UUID id) {
    sessions.delete(principal, id, client);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/{id}/files")
  Map<String, Object> files(Principal principal, @PathVariable UUID id, @RequestParam(defaultValue = "") String dir) {
    return Map.of("files", sessions.files(principal, id, dir));
  }

  @GetMapping(path = "/{id}/files/**", produces = MediaType.ALL_VALUE)
  void download(Principal principal, @PathVariable UUID id, HttpServletRequest request, HttpServletResponse response) throws IOException {
    String prefix = "/api/sessions/" + id + "/files/";
    // percent-decoding only ('+' is a plus in a path), after the context path
    String uri = org.springframework.web.util.UriUtils.decode(request.getRequestURI().substring(request.getContextPath().length()),
        StandardCharsets.UTF_8);
    String path = uri.length() > prefix.length() ? uri.substring(prefix.length()) : "";
    Sessions.Download file = sessions.download(principal, id, path);
    try (InputStream in = file.content()) {
      response.setStatus(200);
      response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
      if (file.size() >= 0) response.setContentLengthLong(file.size());
      response.setHeader("Content-Disposition", ContentDisposition.attachment().filename(file.name(), StandardCharsets.UTF_8).build().toString());
      response.setHeader("X-Content-Type-Options", "nosniff");
      OutputStream out = response.getOutputStream();
      in.transferTo(out);
    }
  }

  @GetMapping("/settings")
  Sessions.TenantSettings settings(Principal principal, @RequestParam Optional<String> tenant) {
    return sessions.tenantSettings(principal, tenant);
  }

  @PutMapping(path = "/settings", consumes = MediaType.APPLICATION_JSON_VALUE)
  Sessions.TenantSettings putSettings(Principal principal, ClientInfo client, @RequestParam Optional<String> tenant, @RequestBody JsonNode body) {
    return sessions.putTenantSettings(principal, tenant, body, client);
  }
}
