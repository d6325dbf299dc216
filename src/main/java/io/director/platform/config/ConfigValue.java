package io.director.platform.config;

/** A raw configuration value and where it came from: {@code default}, a config file path, or {@code environment}. */
public record ConfigValue(String raw, String source) {}
