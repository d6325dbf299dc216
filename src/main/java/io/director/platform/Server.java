package io.director.platform;

import io.director.DirectorApplication;
import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import io.director.platform.db.EmbeddedDatabase;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Boots the Spring application from a {@link DirectorConfig}. Director's own configuration is the
 * only source: Spring's application.yml lookup in the working directory is turned off so that a
 * stray file cannot change behaviour behind {@code director config show}.
 */
public final class Server {
  private Server() {}

  public static ConfigurableApplicationContext start(
      DirectorConfig config, EffectiveConfig effective, Optional<EmbeddedDatabase> embedded) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("director", springProperties(config)));
    SpringApplication app = new SpringApplication(DirectorApplication.class);
    app.setEnvironment(environment);
    app.setRegisterShutdownHook(true);
    app.addInitializers(ctx -> {
      GenericApplicationContext generic = (GenericApplicationContext) ctx;
      generic.registerBean(DirectorConfig.class, () -> config);
      generic.registerBean(EffectiveConfig.class, () -> effective);
      embedded.ifPresent(db -> generic.registerBean("embeddedDatabase", EmbeddedDatabase.class, () -> db,
          bd -> ((AbstractBeanDefinition) bd).setDestroyMethodName("close")));
    });
    return app.run();
  }

  static Map<String, Object> springProperties(DirectorConfig config) {
    Map<String, Object> p = new HashMap<>();
    p.put("spring.config.location", "classpath:/director-spring.properties");
    p.put("server.port", config.port());
    p.put("spring.lifecycle.timeout-per-shutdown-phase", config.shutdownTimeout().toMillis() + "ms");
    p.put("logging.level.root", config.logLevel());
    config.managementPort().ifPresent(port -> p.put("director.management-port", port));
    return p;
  }
}
