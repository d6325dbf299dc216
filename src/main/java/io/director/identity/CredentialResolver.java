package io.director.identity;

import java.util.Optional;

/**
 * A credential minted by another module (an agent session's token), recognised by its prefix. The
 * authentication filter asks the resolver whose prefix matches; an unknown or dead credential
 * resolves to nothing and the request gets 401.
 */
public interface CredentialResolver {
  /** The prefix of the credentials this resolver owns, such as {@code dss_}. */
  String prefix();

  Optional<Principal> resolve(String presented);
}
