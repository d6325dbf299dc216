package io.director.platform.metrics;

import io.director.platform.config.DirectorConfig;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.connector.Connector;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * With MANAGEMENT_PORT set, a second listener serves /metrics and /metrics/json, which then answer
 * 404 on the main port; the management port serves nothing else.
 */
@Configuration(proxyBeanMethods = false)
class ManagementPort {

  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> managementConnector(DirectorConfig config) {
    return factory -> config.managementPort().ifPresent(port -> {
      Connector connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
      connector.setPort(port);
      factory.addAdditionalConnectors(connector);
    });
  }

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> managementPortFilter(DirectorConfig config) {
    OncePerRequestFilter filter = new OncePerRequestFilter() {
      @Override
      protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
          throws ServletException, IOException {
        if (config.managementPort().isPresent()) {
          boolean metricsPath = request.getRequestURI().equals("/metrics") || request.getRequestURI().startsWith("/metrics/");
          boolean onManagement = request.getLocalPort() == config.managementPort().getAsInt();
          if (metricsPath != onManagement) {
            io.director.platform.web.Problems.write(response, request, 404, "request.unknown-route",
                "No endpoint matches " + request.getMethod() + " " + request.getRequestURI());
            return;
          }
        }
        chain.doFilter(request, response);
      }
    };
    FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
    return registration;
  }
}
