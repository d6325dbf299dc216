package io.director.platform.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
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
      problem.setInstance(URI.create(safePath(request.getRequestURI())));
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
    response.getWriter().write(JSON.writeValueAsString(problem));
  }

  private static String safePath(String uri) {
    if (uri == null) return "/";
    try {
      return URI.create(uri).getRawPath() == null ? "/" : uri;
    } catch (IllegalArgumentException e) {
      return "/";
    }
  }
}
