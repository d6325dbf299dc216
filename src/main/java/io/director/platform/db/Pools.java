package io.director.platform.db;

import com.zaxxer.hikari.HikariDataSource;
import io.director.platform.config.DatabaseUrl;
import io.director.platform.config.DirectorConfig.DatabasePool;

/** Builds Hikari pools from Director's settings; the pool opens lazily so metrics can attach first. */
public final class Pools {
  private Pools() {}

  public static HikariDataSource create(DatabaseUrl url, DatabasePool pool, String name) {
    HikariDataSource ds = new HikariDataSource();
    ds.setPoolName(name);
    ds.setJdbcUrl(url.jdbcUrl());
    url.user().ifPresent(ds::setUsername);
    url.password().ifPresent(ds::setPassword);
    ds.setMinimumIdle(pool.min());
    ds.setMaximumPoolSize(pool.max());
    ds.setIdleTimeout(Math.max(10_000, pool.idleTimeout().toMillis()));
    ds.setConnectionTimeout(Math.max(250, pool.connectionTimeout().toMillis()));
    ds.setValidationTimeout(Math.max(250, Math.min(pool.connectionTimeout().toMillis(), 5_000)));
    ds.setConnectionInitSql("SET statement_timeout = " + pool.statementTimeout().toMillis());
    ds.addDataSourceProperty("ApplicationName", "director");
    ds.addDataSourceProperty("tcpKeepAlive", "true");
    return ds;
  }
}
