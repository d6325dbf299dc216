package io.director.platform.health;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/** PostgreSQL answers a query. Required: without the database Director can do nothing. */
@Component
class DatabaseHealthCheck implements HealthCheck {
  private final DataSource dataSource;

  DatabaseHealthCheck(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public String name() {
    return "database";
  }

  @Override
  public boolean required() {
    return true;
  }

  @Override
  public Result check() throws Exception {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      st.setQueryTimeout(5);
      try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version')")) {
        rs.next();
        return Result.healthy("PostgreSQL " + rs.getString(1).split(" ")[0]);
      }
    } catch (java.sql.SQLException e) {
      return Result.unhealthy("database unreachable (SQLState " + e.getSQLState() + ")");
    }
  }
}
