package io.director.platform;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans every module may use. */
@Configuration(proxyBeanMethods = false)
class PlatformConfiguration {
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
