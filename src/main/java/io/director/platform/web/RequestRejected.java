package io.director.platform.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Published when a request is answered with a client error by the error advice, so that other
 * modules (the security audit) can react without the platform knowing them.
 */
public record RequestRejected(int status, String code, HttpServletRequest request) {}
