package dev.rollcall.dispatch.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class JsonLineEncoderTest {
  // The running context: its MDC adapter is the one MDC.put writes to.
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

  private Map<String, Object> line(LoggingEvent event) throws Exception {
    var encoder = new JsonLineEncoder("n1");
    encoder.setContext(context);
    encoder.start();
    String text = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n").doesNotContain("\n{");
    assertThat(text.strip()).doesNotContain("\n");
    @SuppressWarnings("unchecked")
    Map<String, Object> map = new ObjectMapper().readValue(text, Map.class);
    return map;
  }

  @Test
  void oneObjectPerLineWithTheFieldsAShipperReads() throws Exception {
    MDC.put("topic", "notifications:lobby");
    try {
      var event =
          new LoggingEvent(
              "x",
              context.getLogger("dev.rollcall.Some"),
              Level.WARN,
              "hero {} said \"hi\"\nand left",
              null,
              new Object[] {"Storm"});
      Map<String, Object> line = line(event);
      assertThat(line)
          .containsEntry("level", "WARN")
          .containsEntry("logger", "dev.rollcall.Some")
          .containsEntry("message", "hero Storm said \"hi\"\nand left")
          .containsEntry("node", "n1")
          .containsEntry("topic", "notifications:lobby")
          .containsKeys("timestamp", "thread")
          .doesNotContainKey("socket");
    } finally {
      MDC.remove("topic");
    }
  }

  @Test
  void anExceptionTravelsInsideItsLine() throws Exception {
    var event =
        new LoggingEvent(
            "x",
            context.getLogger("dev.rollcall.Some"),
            Level.ERROR,
            "failed",
            new IllegalStateException("boom"),
            null);
    assertThat((String) line(event).get("error")).contains("IllegalStateException: boom");
  }
}
