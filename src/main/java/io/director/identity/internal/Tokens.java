package io.director.identity.internal;

/** Access and refresh tokens as returned by login and refresh (OAuth 2.0 field names). */
public record Tokens(String access_token, String refresh_token, String token_type, long expires_in) {}
