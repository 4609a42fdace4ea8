package dev.rollcall.channels;

/** Why a channel ended; what the client sees follows from it. */
public enum ExitReason {
  /** The client sent {@code phx_leave}: reply ok, then {@code phx_close}. */
  LEFT,
  /** A callback returned {@link Reply#stop}: {@code phx_close}. */
  STOPPED,
  /** The client joined the same topic again: {@code phx_close} with the old join_ref. */
  DUPLICATE_JOIN,
  /** A callback threw: {@code phx_error} {@code {"reason":"channel_crash"}}. */
  CRASHED,
  /** The connection closed. */
  SOCKET_CLOSED,
  /** The endpoint shuts down: the connection closes with 1001 afterwards. */
  SHUTDOWN
}
