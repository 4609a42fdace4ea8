package dev.rollcall.dispatch.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-format json}: one JSON object per line for log shippers, with {@code timestamp},
 * {@code level}, {@code logger}, {@code message}, {@code node}, {@code thread}, the {@code socket}
 * and {@code topic} where the logging code put them in the MDC, and {@code error} with the stack
 * trace. Thread-safe: logback calls it from any thread; it keeps no state but the node.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final ObjectMapper json = new ObjectMapper();
  private static final byte[] NEWLINE = {'\n'};

  private final String node;

  public JsonLineEncoder(String node) {
    this.node = node;
  }

  /** Replaces the console's text lines with JSON lines, from now on. */
  public static void install(String node) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding: its own configuration decides
    }
    var encoder = new JsonLineEncoder(node);
    encoder.setContext(context);
    encoder.start();
    var appender = new ConsoleAppender<ILoggingEvent>();
    appender.setContext(context);
    appender.setName("JSON");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
    line.put("level", event.getLevel().toString());
    line.put("logger", event.getLoggerName());
    line.put("message", event.getFormattedMessage());
    line.put("node", node);
    line.put("thread", event.getThreadName());
    Map<String, String> mdc = event.getMDCPropertyMap();
    for (String key : new String[] {"socket", "topic"}) {
      if (mdc != null && mdc.get(key) != null) {
        line.put(key, mdc.get(key));
      }
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      line.put("error", ThrowableProxyUtil.asString(error));
    }
    try {
      byte[] body = json.writeValueAsBytes(line);
      byte[] out = Arrays.copyOf(body, body.length + 1);
      out[body.length] = NEWLINE[0];
      return out;
    } catch (JsonProcessingException e) {
      // A message Jackson cannot write still reaches the log, as text.
      return (event.getFormattedMessage() + "\n").getBytes(StandardCharsets.UTF_8);
    }
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
