package io.director.identity.internal;

import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Wires the principal resolver and client address resolution into Spring MVC. */
@Configuration(proxyBeanMethods = false)
class IdentityWebConfiguration implements WebMvcConfigurer {

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(new PrincipalArgumentResolver());
  }

  @Bean
  ClientAddresses clientAddresses(EffectiveConfig effective, DirectorConfig config) {
    return new ClientAddresses(IdentityConfig.from(effective, config).trustedProxies());
  }
}
