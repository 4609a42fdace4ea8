package dev.rollcall.bench;

import java.util.concurrent.CompletableFuture;

/**
 * One hero's connection to a lobby server, whatever its protocol (Phoenix Channels or the Socket.IO
 * baseline), so that every scenario drives both the same way. Callbacks arrive on the connection's
 * event loop.
 */
interface LobbyConnection {

  /** Opens the transport; completes when it is open (WebSocket upgraded). */
  CompletableFuture<Void> connect();

  /** Joins the lobby; completes with the hero's name once user_info arrived. */
  CompletableFuture<String> join();

  /** The name user_info gave, or null before. */
  String name();

  /** The roster this client sees, or null when the run does not track rosters. */
  Roster roster();

  void notifyAll(String body);

  void notifyDirect(String body, String recipient);

  /** Closes without counting it as a drop. */
  void close();

  /** What a connection tells the scenario. */
  interface Events {
    void notification(LobbyConnection connection, String body);

    /** A notification whose body is ours, read without decoding: sent at {@code sentAtNanos}. */
    void delivered(LobbyConnection connection, long sentAtNanos);

    void rosterChanged(LobbyConnection connection);

    /** The connection ended without {@link #close()}: a drop. */
    void dropped(LobbyConnection connection, int code);

    /** Grow: a text frame of {@code bytes} payload bytes arrived (any event). */
    void received(LobbyConnection connection, int bytes);

    /** Grow: a presence_state or presence_diff arrived (the server sends the full roster). */
    void fullPresence(LobbyConnection connection);

    /** Grow: a presence_count arrived, the lobby's size as this hero's node counts it. */
    void presenceCount(LobbyConnection connection, long count);

    /** A frame the client could not make sense of. */
    void undecodable(LobbyConnection connection, String reason);
  }
}
