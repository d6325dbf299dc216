package io.director.gateway;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.UUID;

/** A prompt served by Director itself; {@code {{name}}} placeholders are filled from the arguments. */
public record PromptTemplate(UUID id, String name, String description, List<Argument> arguments, String template) {
  public PromptTemplate {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(description, "description");
    arguments = List.copyOf(arguments);
    requireNonNull(template, "template");
  }

  /** A declared argument of a prompt. */
  public record Argument(String name, String description, boolean required) {}
}
