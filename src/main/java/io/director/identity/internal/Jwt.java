package io.director.identity.internal;

import io.director.shared.Crypto;
import io.director.shared.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HS256 JSON Web Tokens with a key derived from DIRECTOR_SECRET. Verification accepts exactly one
 * header ({@code alg: HS256}), checks the signature in constant time, then issuer, expiry and
 * not-before with a small clock skew. Anything else is rejected without saying which check failed.
 */
public final class Jwt {
  private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DEC = Base64.getUrlDecoder();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String HEADER = ENC.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
  private static final long SKEW_SECONDS = 30;

  private final byte[] key;
  private final String issuer;
  private final Clock clock;

  public Jwt(Secret secret, String issuer, Clock clock) {
    this.key = Crypto.deriveKey(secret, "director/jwt/hs256/v1", 32);
    this.issuer = issuer;
    this.clock = clock;
  }

  /** The verified claims of an access token. */
  public record Claims(String subject, String tenant, List<String> roles, String jti, String sessionId, Instant expiresAt) {}

  public String issue(String subject, String tenant, List<String> roles, String jti, String sessionId, Instant expiresAt) {
    Map<String, Object> claims = new LinkedHashMap<>();
    Instant now = clock.instant();
    claims.put("iss", issuer);
    claims.put("sub", subject);
    claims.put("tenant", tenant);
    claims.put("roles", roles);
    claims.put("jti", jti);
    claims.put("sid", sessionId);
    claims.put("iat", now.getEpochSecond());
    claims.put("nbf", now.getEpochSecond());
    claims.put("exp", expiresAt.getEpochSecond());
    String payload = ENC.encodeToString(JSON.writeValueAsBytes(claims));
    String signingInput = HEADER + "." + payload;
    return signingInput + "." + ENC.encodeToString(sign(signingInput));
  }

  public Optional<Claims> verify(String token) {
    if (token == null || token.length() > 8192) return Optional.empty();
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) return Optional.empty();
    try {
      JsonNode header = JSON.readTree(DEC.decode(parts[0]));
      if (header == null || !header.isObject() || !"HS256".equals(text(header, "alg"))) return Optional.empty();
      if (header.has("crit") || header.has("jku") || header.has("jwk") || header.has("x5u")) return Optional.empty();
      byte[] expected = sign(parts[0] + "." + parts[1]);
      if (!Crypto.constantTimeEquals(expected, DEC.decode(parts[2]))) return Optional.empty();
      JsonNode claims = JSON.readTree(DEC.decode(parts[1]));
      if (claims == null || !claims.isObject()) return Optional.empty();
      if (!issuer.equals(text(claims, "iss"))) return Optional.empty();
      long now = clock.instant().getEpochSecond();
      JsonNode exp = claims.get("exp");
      if (exp == null || !exp.isNumber() || exp.asLong() + SKEW_SECONDS < now) return Optional.empty();
      JsonNode nbf = claims.get("nbf");
      if (nbf != null && (!nbf.isNumber() || nbf.asLong() - SKEW_SECONDS > now)) return Optional.empty();
      String sub = text(claims, "sub");
      String tenant = text(claims, "tenant");
      String jti = text(claims, "jti");
      String sid = text(claims, "sid");
      if (sub == null || tenant == null || jti == null || sid == null) return Optional.empty();
      List<String> roles = new java.util.ArrayList<>();
      JsonNode r = claims.get("roles");
      if (r != null && r.isArray()) r.forEach(n -> roles.add(n.asString()));
      return Optional.of(new Claims(sub, tenant, roles, jti, sid, Instant.ofEpochSecond(exp.asLong())));
    } catch (IllegalArgumentException | JacksonException e) {
      return Optional.empty();
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isString() ? v.asString() : null;
  }

  private byte[] sign(String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
