package io.director.shared;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for secrets at rest (upstream env and header values, secret memories), under a key derived from
 * DIRECTOR_SECRET. Ciphertexts are {@code v1:<base64(iv || ciphertext || tag)>}; the associated
 * data binds each one to where it is stored, so a ciphertext cannot be moved to another field.
 */
public final class SecretBox {
  static final String PREFIX = "v1:";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;

  public SecretBox(Secret master) {
    this.key = new SecretKeySpec(Crypto.deriveKey(master, "director/secrets/aes-256-gcm/v1", 32), "AES");
  }

  public String seal(String plaintext, String context) {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  public String open(String sealed, String context) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw DirectorException.unavailable("secret-unreadable", "a stored secret has an unknown format");
    }
    try {
      byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, 12));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw DirectorException.unavailable("secret-unreadable",
          "a stored secret cannot be decrypted (was DIRECTOR_SECRET changed?)");
    }
  }
}
