package dev.rollcall.bench;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The head of a V2 text frame found by scanning its bytes, without decoding it: {@code [join_ref,
 * ref, "topic", "event", payload]} with where the event and the payload are. A listener that needs
 * only the event (or one field of the payload) reads it here and never builds the message; every
 * frame this scan does not understand gets the full decode.
 *
 * <p>Valid only during {@code ClientListener#onTextFrame}: its bytes are a copy in an array the
 * event loop reuses for the next frame. Not thread-safe (one frame, one event loop).
 */
final class FrameHead {
  private final byte[] content;
  private final int eventStart;
  private final int eventEnd;
  private final int payloadStart;
  private final int payloadEnd;

  private FrameHead(
      byte[] content, int eventStart, int eventEnd, int payloadStart, int payloadEnd) {
    this.content = content;
    this.eventStart = eventStart;
    this.eventEnd = eventEnd;
    this.payloadStart = payloadStart;
    this.payloadEnd = payloadEnd;
  }

  /**
   * The head of {@code content}, or null when the frame is not a plain V2 array whose refs are null
   * or strings and whose topic and event are strings without escapes (the full decode then decides
   * what it is). The payload is not checked beyond its brackets.
   */
  public static FrameHead scan(ByteBuf frame) {
    return scan(JsonScan.copy(frame), frame.readableBytes());
  }

  /** The head of the frame in {@code content[0, end)}, or null (see {@link #scan(ByteBuf)}). */
  public static FrameHead scan(byte[] content, int end) {
    int i = JsonScan.skipSpace(content, 0, end);
    if (i >= end || content[i] != '[') {
      return null;
    }
    i = JsonScan.skipSpace(content, i + 1, end);
    for (int ref = 0; ref < 2; ref++) { // join_ref, ref: null or a string
      if (i < end && content[i] == '"') {
        i = JsonScan.skipString(content, i, end);
      } else if (JsonScan.matches(content, i, end, JsonScan.NULL)) {
        i += 4;
      } else {
        return null;
      }
      i = JsonScan.comma(content, i, end);
      if (i < 0) {
        return null;
      }
    }
    int topicEnd = JsonScan.plainString(content, i, end);
    if (topicEnd < 0) {
      return null;
    }
    i = JsonScan.comma(content, topicEnd, end);
    if (i < 0) {
      return null;
    }
    int eventStart = i + 1;
    int eventEnd = JsonScan.plainString(content, i, end);
    if (eventEnd < 0) {
      return null;
    }
    int payloadStart = JsonScan.comma(content, eventEnd, end);
    if (payloadStart < 0) {
      return null;
    }
    // The frame ends with the array's bracket (and maybe white space).
    int last = end - 1;
    while (last > payloadStart && JsonScan.isSpace(content[last])) {
      last--;
    }
    if (last <= payloadStart || content[last] != ']') {
      return null;
    }
    // Exactly one value between the event and the bracket: five elements, as V2 has.
    int payloadEnd = JsonScan.skipValue(content, payloadStart, last);
    if (payloadEnd < 0 || JsonScan.skipSpace(content, payloadEnd, last) != last) {
      return null;
    }
    return new FrameHead(content, eventStart, eventEnd - 1, payloadStart, payloadEnd);
  }

  /** Whether the event is {@code name}; an ASCII name is compared byte by byte. */
  public boolean eventIs(String name) {
    int length = eventEnd - eventStart;
    for (int k = 0; k < name.length(); k++) {
      if (name.charAt(k) >= 0x80) {
        return event().equals(name);
      }
    }
    if (length != name.length()) {
      return false;
    }
    for (int k = 0; k < length; k++) {
      if (content[eventStart + k] != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The event, decoded (allocates: prefer {@link #eventIs}). */
  public String event() {
    return new String(content, eventStart, eventEnd - eventStart, StandardCharsets.UTF_8);
  }

  /** The frame's bytes, from index 0 (a reused array: do not keep it). */
  public byte[] content() {
    return content;
  }

  /** Index of the payload's first byte in {@link #content()}. */
  public int payloadStart() {
    return payloadStart;
  }

  /** Index just past the payload's last byte in {@link #content()}. */
  public int payloadEnd() {
    return payloadEnd;
  }
}
