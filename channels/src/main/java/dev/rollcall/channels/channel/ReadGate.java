package dev.rollcall.channels.channel;

/**
 * Whether the transport reads a client's frames, implemented by the transport: a paused socket's
 * bytes wait in kernel buffers, and TCP flow control slows the client down, instead of the server
 * queueing messages it cannot handle yet. Called on the connection's I/O thread only.
 */
public interface ReadGate {

  /** Stops reading the socket; frames already read are still handled. */
  void pauseReading();

  /** Reads the socket again. */
  void resumeReading();
}
