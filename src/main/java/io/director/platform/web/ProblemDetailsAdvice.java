package io.director.platform.web;

import io.director.shared.DirectorException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every failure in a controller into an RFC 9457 problem document with a stable code and the
 * request id. Client errors are logged at WARN without a stack; anything unexpected becomes a 500
 * with a generic detail and is logged at ERROR with its stack.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);
  private final ApplicationEventPublisher events;

  ProblemDetailsAdvice(ApplicationEventPublisher events) {
    this.events = events;
  }

  @ExceptionHandler(DirectorException.class)
  ResponseEntity<Object> director(DirectorException e, HttpServletRequest request) {
    log.warn("{} {}: {}", e.kind().status(), e.code(), e.getMessage());
    events.publishEvent(new RequestRejected(e.kind().status(), e.code(), request));
    ResponseEntity<Object> response = respond(HttpStatusCode.valueOf(e.kind().status()), e.code(), e.getMessage(), new HttpHeaders(), request);
    if (e.field().isPresent() && response.getBody() instanceof ProblemDetail problem) problem.setProperty("field", e.field().get());
    return response;
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    return respond(HttpStatusCode.valueOf(400), "request.invalid-parameter",
        "Parameter '" + e.getName() + "' has an invalid value", new HttpHeaders(), request);
  }

  @ExceptionHandler(BodySizeLimitFilter.BodyTooLargeException.class)
  ResponseEntity<Object> tooLarge(BodySizeLimitFilter.BodyTooLargeException e, HttpServletRequest request) {
    return respond(HttpStatusCode.valueOf(413), "request.body-too-large", "The request body is too large", new HttpHeaders(), request);
  }

  @ExceptionHandler(DataAccessResourceFailureException.class)
  ResponseEntity<Object> databaseUnavailable(DataAccessResourceFailureException e, HttpServletRequest request) {
    log.warn("database unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMostSpecificCause().getMessage());
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.RETRY_AFTER, "5");
    return respond(HttpStatusCode.valueOf(503), "platform.database-unavailable",
        "The database is unavailable; retry shortly", headers, request);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
    log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
    return respond(HttpStatusCode.valueOf(500), "internal",
        "An unexpected error occurred; quote the request id when reporting it", new HttpHeaders(), request);
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    HttpServletRequest servlet = ((NativeWebRequest) request).getNativeRequest(HttpServletRequest.class);
    if (ex instanceof HttpMessageNotReadableException && causedByTooLarge(ex)) {
      return respond(HttpStatusCode.valueOf(413), "request.body-too-large", "The request body is too large", headers, servlet);
    }
    String code;
    String detail;
    switch (ex) {
      case HttpMessageNotReadableException e -> {
        code = "request.malformed-body";
        detail = "The request body is missing or is not valid JSON of the expected shape";
      }
      case NoHandlerFoundException e -> {
        code = "request.unknown-route";
        detail = "No endpoint matches " + e.getHttpMethod() + " " + e.getRequestURL();
      }
      case NoResourceFoundException e -> {
        code = "request.unknown-route";
        detail = "No endpoint matches " + e.getHttpMethod() + " /" + e.getResourcePath();
      }
      case HttpRequestMethodNotSupportedException e -> {
        code = "request.method-not-allowed";
        detail = "Method " + e.getMethod() + " is not allowed here";
      }
      case HttpMediaTypeNotSupportedException e -> {
        code = "request.unsupported-media-type";
        detail = "Content type " + (e.getContentType() == null ? "(none)" : e.getContentType()) + " is not supported; send "
            + (e.getSupportedMediaTypes().isEmpty() ? MediaType.APPLICATION_JSON : MediaType.toString(e.getSupportedMediaTypes()));
      }
      case HttpMediaTypeNotAcceptableException e -> {
        code = "request.not-acceptable";
        detail = "No acceptable representation; this endpoint produces " + MediaType.toString(e.getSupportedMediaTypes());
      }
      case MissingServletRequestParameterException e -> {
        code = "request.missing-parameter";
        detail = "Required parameter '" + e.getParameterName() + "' is missing";
      }
      case MethodArgumentNotValidException e -> {
        code = "request.invalid";
        detail = "The request is invalid: " + e.getBindingResult().getFieldErrors().stream()
            .map(f -> f.getField() + " " + f.getDefaultMessage()).toList();
      }
      default -> {
        code = "request.invalid";
        detail = status.value() >= 500 ? "The request could not be processed" : "The request is invalid";
      }
    }
    if (status.value() < 500) log.warn("{} {}: {}", status.value(), code, detail);
    return respond(status, code, detail, headers, servlet);
  }

  private static boolean causedByTooLarge(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BodySizeLimitFilter.BodyTooLargeException) return true;
    }
    return false;
  }

  private static ResponseEntity<Object> respond(
      HttpStatusCode status, String code, String detail, HttpHeaders headers, HttpServletRequest request) {
    ProblemDetail problem = Problems.of(status, code, detail, request);
    HttpHeaders out = new HttpHeaders();
    out.putAll(headers);
    out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return new ResponseEntity<>(problem, out, status);
  }
}
