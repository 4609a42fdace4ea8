package dev.rollcall.dispatch.offers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A dispatch as the store keeps it: its record as JSON. Thread-safe. */
public final class DispatchJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DispatchJson() {}

  public static String write(Dispatch dispatch) {
    try {
      return MAPPER.writeValueAsString(dispatch);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Throws {@link UncheckedIOException} on anything {@link #write} did not produce. */
  public static Dispatch read(String json) {
    try {
      return MAPPER.readValue(json, Dispatch.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
