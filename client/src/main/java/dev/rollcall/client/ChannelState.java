package dev.rollcall.client;

/** The states of a {@link Channel}, as phoenix.js names them. */
public enum ChannelState {
  CLOSED,
  ERRORED,
  JOINED,
  JOINING,
  LEAVING
}
