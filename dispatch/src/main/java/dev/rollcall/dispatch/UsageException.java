package dev.rollcall.dispatch;

/** A command line the launcher cannot run; the message says what to change. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
