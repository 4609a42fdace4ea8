package dev.rollcall.bench;

/** A bad command line: the message names the flag and is printed with a hint to --help. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
