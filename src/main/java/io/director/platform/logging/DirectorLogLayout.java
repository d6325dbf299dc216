package io.director.platform.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * Formats every log line, as one JSON object ({@code LOG_FORMAT=json}, the default) or as text for
 * humans, after {@link Redaction}. The JSON fields: timestamp, level, logger, thread, message, the
 * MDC (requestId, later tenant and principal), structured key-values and the exception.
 */
public final class DirectorLogLayout extends LayoutBase<ILoggingEvent> {
  private static volatile boolean json = !"text".equalsIgnoreCase(System.getenv("LOG_FORMAT"));
  private static final DateTimeFormatter TEXT_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

  /** Chooses the format; called once the configuration is known. */
  public static void useFormat(String format) {
    json = !"text".equalsIgnoreCase(format);
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    return json ? json(event) : text(event);
  }

  private static String json(ILoggingEvent e) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"timestamp\":\"").append(Instant.ofEpochMilli(e.getTimeStamp())).append('"');
    field(sb, "level", e.getLevel().toString());
    field(sb, "logger", e.getLoggerName());
    field(sb, "thread", e.getThreadName());
    field(sb, "message", Redaction.apply(e.getFormattedMessage()));
    for (Map.Entry<String, String> mdc : e.getMDCPropertyMap().entrySet()) {
      field(sb, mdc.getKey(), Redaction.apply(mdc.getValue()));
    }
    if (e.getKeyValuePairs() != null) {
      for (KeyValuePair kv : e.getKeyValuePairs()) {
        sb.append(",\"");
        Json.escape(sb, kv.key);
        sb.append("\":");
        if (kv.value instanceof Number || kv.value instanceof Boolean) {
          sb.append(kv.value);
        } else {
          sb.append('"');
          Json.escape(sb, Redaction.apply(String.valueOf(kv.value)));
          sb.append('"');
        }
      }
    }
    IThrowableProxy t = e.getThrowableProxy();
    if (t != null) {
      field(sb, "exception", t.getClassName());
      field(sb, "stackTrace", Redaction.apply(ThrowableProxyUtil.asString(t)));
    }
    return sb.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
  }

  private static String text(ILoggingEvent e) {
    StringBuilder sb = new StringBuilder(200);
    sb.append(TEXT_TIME.format(Instant.ofEpochMilli(e.getTimeStamp())));
    sb.append(' ').append(String.format(Locale.ROOT, "%-5s", e.getLevel()));
    String requestId = e.getMDCPropertyMap().get("requestId");
    if (requestId != null) sb.append(" [").append(requestId).append(']');
    sb.append(' ').append(shortName(e.getLoggerName())).append(" : ");
    sb.append(Redaction.apply(e.getFormattedMessage()));
    if (e.getKeyValuePairs() != null) {
      for (KeyValuePair kv : e.getKeyValuePairs()) {
        sb.append(' ').append(kv.key).append('=').append(Redaction.apply(String.valueOf(kv.value)));
      }
    }
    sb.append(CoreConstants.LINE_SEPARATOR);
    if (e.getThrowableProxy() != null) {
      sb.append(Redaction.apply(ThrowableProxyUtil.asString(e.getThrowableProxy()))).append(CoreConstants.LINE_SEPARATOR);
    }
    return sb.toString();
  }

  private static String shortName(String logger) {
    int dot = logger.lastIndexOf('.');
    return dot < 0 ? logger : logger.substring(dot + 1);
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(",\"");
    Json.escape(sb, name);
    sb.append("\":\"");
    Json.escape(sb, value == null ? "" : value);
    sb.append('"');
  }
}
