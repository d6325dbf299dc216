package io.director.platform.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Errors raised outside Spring MVC (by the servlet container or a filter) also answer problem+json. */
@RestController
class ProblemErrorController implements ErrorController {

  @RequestMapping("/error")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object raw = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = raw instanceof Integer i && i >= 400 ? i : 500;
    String code = switch (status) {
      case 400 -> "request.invalid";
      case 404 -> "request.unknown-route";
      case 405 -> "request.method-not-allowed";
      case 413 -> "request.body-too-large";
      case 415 -> "request.unsupported-media-type";
      default -> status >= 500 ? "internal" : "request.invalid";
    };
    String detail = status >= 500 ? "An unexpected error occurred; quote the request id when reporting it" : "The request could not be processed";
    ProblemDetail problem = Problems.of(HttpStatusCode.valueOf(status), code, detail, request);
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    if (uri instanceof String s && s.startsWith("/")) problem.setInstance(java.net.URI.create(s.replaceAll("[^A-Za-z0-9/._~%-]", "")));
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }
}
