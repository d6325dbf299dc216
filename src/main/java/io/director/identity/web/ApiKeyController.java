package io.director.identity.web;

import io.director.identity.Principal;
import io.director.identity.internal.ApiKeys;
import io.director.identity.internal.ClientAddresses;
import io.director.shared.DirectorException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/keys}: create (the secret is returned once), list, revoke. */
@RestController
@RequestMapping(path = "/api/keys", produces = MediaType.APPLICATION_JSON_VALUE)
class ApiKeyController {
  private final ApiKeys keys;
  private final ClientAddresses addresses;

  ApiKeyController(ApiKeys keys, ClientAddresses addresses) {
    this.keys = keys;
    this.addresses = addresses;
  }

  record Create(String name, List<String> scopes, String expires_at, Integer rate_limit) {}

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  ApiKeys.CreatedKey create(Principal principal, @RequestBody Create body, HttpServletRequest request) {
    Optional<Instant> expires = Optional.empty();
    if (body.expires_at() != null) {
      try {
        expires = Optional.of(Instant.parse(body.expires_at()));
      } catch (DateTimeParseException e) {
        throw DirectorException.invalid("identity.invalid-expiry", "expires_at must be an ISO-8601 instant such as 2030-01-01T00:00:00Z");
      }
    }
    return keys.create(principal, body.name(), body.scopes(), expires, Optional.ofNullable(body.rate_limit()), addresses.of(request));
  }

  @GetMapping
  List<ApiKeys.KeyView> list(Principal principal) {
    return keys.list(principal);
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void revoke(Principal principal, @PathVariable UUID id, HttpServletRequest request) {
    keys.revoke(principal, id, addresses.of(request));
  }
}
