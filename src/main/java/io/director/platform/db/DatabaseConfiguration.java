package io.director.platform.db;

import com.zaxxer.hikari.HikariDataSource;
import io.director.platform.config.DatabaseUrl;
import io.director.platform.config.DirectorConfig;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The connection pool, pointed at DATABASE_URL or at the embedded database started before Spring. */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

  @Bean
  HikariDataSource dataSource(DirectorConfig config, ObjectProvider<EmbeddedDatabase> embedded) {
    DatabaseUrl url = config.database()
        .or(() -> Optional.ofNullable(embedded.getIfAvailable()).map(EmbeddedDatabase::url))
        .orElseThrow(() -> new IllegalStateException("no DATABASE_URL and no embedded database"));
    return Pools.create(url, config.pool(), "director");
  }
}
