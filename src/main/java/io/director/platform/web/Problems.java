package io.director.platform.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/** Builds RFC 9457 problem documents, each with a stable {@code code} and the request id. */
public final class Problems {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Problems() {}

  public static ProblemDetail of(HttpStatusCode status, String code, String detail, HttpServletRequest request) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create("urn:problem:director:" + code));
    HttpStatus known = HttpStatus.resolve(status.value());
    problem.setTitle(known != null ? known.getReasonPhrase() : "Error");
    problem.setProperty("code", code);
    if (request != null) {
      Object requestId = request.getAttribute(RequestLoggingFilter.REQUEST_ID_ATTRIBUTE);
      if (requestId != null) problem.setProperty("requestId", requestId);
      try {
        problem.setInstance(URI.create(request.getRequestURI()));
      } catch (IllegalArgumentException unparseable) {
        // leave instance out rather than echo a malformed path
      }
    }
    return problem;
  }

  /** Writes a problem straight to the response, for filters that run outside Spring MVC. */
  public static void write(HttpServletResponse response, HttpServletRequest request, int status, String code, String detail)
      throws IOException {
    ProblemDetail problem = of(HttpStatusCode.valueOf(status), code, detail, request);
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(JSON.writeValueAsString(asMap(problem)));
  }

  /** The problem as RFC 9457 JSON members, extension members at the top level. */
  static Map<String, Object> asMap(ProblemDetail problem) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.getType().toString());
    body.put("title", problem.getTitle());
    body.put("status", problem.getStatus());
    body.put("detail", problem.getDetail());
    if (problem.getInstance() != null) body.put("instance", problem.getInstance().toString());
    if (problem.getProperties() != null) body.putAll(problem.getProperties());
    return body;
  }

}
