package io.director.platform.web;

import io.director.platform.config.DirectorConfig;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * CORS (only the origins in ALLOWED_ORIGINS may call Director from a browser) and the one static
 * file, robots.txt, which keeps crawlers off an API server.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {
  private final DirectorConfig config;

  WebConfiguration(DirectorConfig config) {
    this.config = config;
  }

  @Override
  public void addResourceHandlers(ResourceHandlerRegistry registry) {
    registry.addResourceHandler("/robots.txt").addResourceLocations("classpath:/static/").setCacheControl(CacheControl.maxAge(java.time.Duration.ofDays(1)));
  }

  @Override
  public void addCorsMappings(CorsRegistry registry) {
    if (config.allowedOrigins().isEmpty()) return;
    registry.addMapping("/**")
        .allowedOriginPatterns(config.allowedOrigins().toArray(String[]::new))
        .allowedMethods("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
        .allowedHeaders("*")
        .exposedHeaders("X-Request-Id", "Mcp-Session-Id", "Retry-After", "RateLimit", "RateLimit-Policy", "WWW-Authenticate")
        .allowCredentials(!config.allowedOrigins().contains("*"))
        .maxAge(600);
  }
}
