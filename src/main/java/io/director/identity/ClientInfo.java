package io.director.identity;

/** Where a request came from, as recorded in sessions and the audit log. */
public record ClientInfo(String ip, String userAgent) {
  public ClientInfo {
    ip = ip == null ? "unknown" : ip;
    userAgent = userAgent == null ? "" : userAgent.length() > 256 ? userAgent.substring(0, 256) : userAgent;
  }
}
