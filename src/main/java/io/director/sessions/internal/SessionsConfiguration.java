package io.director.sessions.internal;

import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import io.director.sessions.sandbox.BubblewrapDriver;
import io.director.sessions.sandbox.Cgroups;
import io.director.sessions.sandbox.LocalHost;
import io.director.sessions.sandbox.OutputFiles;
import io.director.sessions.sandbox.ProcessDriver;
import io.director.sessions.sandbox.SandboxDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The session settings and the one sandbox driver this instance uses (DIRECTOR_SANDBOX). */
@Configuration(proxyBeanMethods = false)
class SessionsConfiguration {
  private static final Logger log = LoggerFactory.getLogger(SessionsConfiguration.class);

  @Bean
  SessionsConfig sessionsConfig(EffectiveConfig effective, DirectorConfig config) {
    return SessionsConfig.from(effective, config);
  }

  @Bean
  SandboxHost sandboxHost(SessionsConfig config, DirectorConfig director) {
    return new SandboxHost(config, director);
  }

  @Bean(destroyMethod = "close")
  OutputFiles sessionOutputFiles() {
    return new OutputFiles();
  }

  @Bean
  SandboxDriver sandboxDriver(SessionsConfig config, SandboxHost host, OutputFiles outputs, EffectiveConfig effective) {
    return switch (config.driver()) {
      case "process" -> {
        LocalHost local = host.init(false);
        if (!config.allowUnsandboxed()) {
          log.warn("DIRECTOR_SANDBOX=process runs agents without a sandbox; sessions are refused unless DANGEROUSLY_ALLOW_UNSANDBOXED_SESSIONS=true");
        }
        yield new ProcessDriver(new Cgroups(), outputs, local);
      }
      case "kubernetes" -> KubernetesDrivers.create(effective);
      default -> new BubblewrapDriver(new Cgroups(), outputs, host.init(true));
    };
  }
}
