package dev.rollcall.protocol;

/**
 * Turns frames into {@link Message}s and back, for one protocol version. Stateless and thread-safe:
 * one instance serves every connection of its version.
 */
public interface Serializer {

  /** The {@code vsn} this serializer speaks ("1.0.0" or "2.0.0"). */
  String vsn();

  /** Decodes a text frame; anything that is not a well-formed message is a ProtocolException. */
  Message decodeText(String text) throws ProtocolException;

  /** Decodes a binary frame (V2 kind 0, client push); V1 refuses every binary frame. */
  Message decodeBinary(byte[] bytes) throws ProtocolException;

  /**
   * Encodes a server frame: push ({@code ref} null), reply ({@link ReplyPayload}), or broadcast
   * (both refs null). A {@code byte[]} payload or reply response gives a binary frame.
   */
  Encoded encode(Message message);

  /** The bytes of one WebSocket message and whether it goes out as a binary or text frame. */
  record Encoded(boolean binary, byte[] bytes) {}

  /**
   * Picks the serializer for the {@code vsn} query parameter: missing → V1, "2.0.x" → V2, else
   * null.
   */
  static Serializer forVsn(String vsn) {
    return VsnRequirement.serializerFor(vsn);
  }
}
