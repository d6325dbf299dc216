package io.director.identity.internal;

import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The identity settings, client address resolution, and the principal resolver for Spring MVC. */
@Configuration(proxyBeanMethods = false)
class IdentityWebConfiguration implements WebMvcConfigurer {
  private final org.springframework.beans.factory.ObjectProvider<ClientAddresses> addresses;

  IdentityWebConfiguration(org.springframework.beans.factory.ObjectProvider<ClientAddresses> addresses) {
    this.addresses = addresses;
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(new PrincipalArgumentResolver());
    resolvers.add(new ClientInfoArgumentResolver(addresses));
  }

  @Bean
  IdentityConfig identityConfig(EffectiveConfig effective, DirectorConfig config) {
    return IdentityConfig.from(effective, config);
  }

  @Bean
  ClientAddresses clientAddresses(IdentityConfig config) {
    return new ClientAddresses(config.trustedProxies());
  }
}
