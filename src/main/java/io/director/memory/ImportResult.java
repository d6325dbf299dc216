package io.director.memory;

/** What an import added to a namespace; {@code skipped} items were already there from an earlier import of the same file. */
public record ImportResult(String namespace, int events, int memories, int decisions, int skipped) {}
