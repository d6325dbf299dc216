package io.director.platform.config;

import io.director.shared.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** The development secret: generated once into the data dir (mode 600) and reused on later starts. */
public final class DevelopmentSecret {
  static final String FILE = "secret";

  private DevelopmentSecret() {}

  public static Secret loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      Files.createDirectories(dataDir);
      if (!Files.exists(file)) {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Path tmp = Files.createTempFile(dataDir, ".secret", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
        try {
          Files.move(tmp, file);
        } catch (FileAlreadyExistsException raced) {
          Files.deleteIfExists(tmp);
        }
      }
      String value = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (value.length() < SecretStrength.MIN_LENGTH) {
        throw new IllegalStateException(file + " holds a secret shorter than " + SecretStrength.MIN_LENGTH + " characters; delete it to generate a new one");
      }
      return new Secret(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the development secret in " + dataDir, e);
    }
  }
}
