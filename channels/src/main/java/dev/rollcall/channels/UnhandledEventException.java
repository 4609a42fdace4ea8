package dev.rollcall.channels;

/** Thrown by the default {@link Channel#handleIn}: the channel has no clause for this event. */
public final class UnhandledEventException extends RuntimeException {
  public UnhandledEventException(String event) {
    super("no handleIn for event \"" + event + "\"");
  }
}
