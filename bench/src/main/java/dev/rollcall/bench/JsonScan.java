package dev.rollcall.bench;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Walks JSON text in a byte array without decoding it, to find a frame's event or one field of its
 * payload while skipping everything else. Not a validator: every method answers {@code -1} ("cannot
 * tell") for input it does not expect, and the caller then decodes the frame fully. {@code end} is
 * exclusive. Stateless, apart from {@link #copy}'s buffer per thread.
 */
final class JsonScan {
  static final byte[] NULL = {'n', 'u', 'l', 'l'};

  /** {@link #fieldValue}: the object has no such field at its top level. */
  public static final int ABSENT = -2;

  /**
   * Frames up to this size are copied into the thread's reused array; larger ones into a new one.
   */
  private static final int SCRATCH_BYTES = 64 * 1024;

  private static final FastThreadLocal<byte[]> scratch =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[SCRATCH_BYTES];
        }
      };

  private JsonScan() {}

  /**
   * The readable bytes of {@code content} at the start of an array (one bulk copy: reading a direct
   * buffer byte by byte costs a bounds and liveness check per byte); the array is reused by the
   * next call on this thread.
   */
  public static byte[] copy(ByteBuf content) {
    int length = content.readableBytes();
    byte[] bytes = length <= SCRATCH_BYTES ? scratch.get() : new byte[length];
    content.getBytes(content.readerIndex(), bytes, 0, length);
    return bytes;
  }

  static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  /** The first index at or after {@code i} that is not JSON white space. */
  public static int skipSpace(byte[] buf, int i, int end) {
    if (i < 0) {
      return -1;
    }
    while (i < end && isSpace(buf[i])) {
      i++;
    }
    return i;
  }

  /** {@code i} at a string's opening quote: the index after its closing quote, or -1. */
  public static int skipString(byte[] buf, int i, int end) {
    if (i < 0 || i >= end || buf[i] != '"') {
      return -1;
    }
    for (i++; i < end; i++) {
      byte b = buf[i];
      if (b == '"') {
        return i + 1;
      }
      if (b == '\\') {
        i++; // every escape's second byte (also \\uXXXX's 'u') is not a quote to stop at
      }
    }
    return -1;
  }

  /**
   * {@code i} at the opening quote of a string without escapes: the index after its closing quote,
   * or -1 (also when it has an escape, whose decoded text only the full decode knows).
   */
  public static int plainString(byte[] buf, int i, int end) {
    if (i < 0 || i >= end || buf[i] != '"') {
      return -1;
    }
    for (i++; i < end; i++) {
      byte b = buf[i];
      if (b == '"') {
        return i + 1;
      }
      if (b == '\\') {
        return -1;
      }
    }
    return -1;
  }

  /** After optional white space, a comma and optional white space: the index after, or -1. */
  public static int comma(byte[] buf, int i, int end) {
    i = skipSpace(buf, i, end);
    if (i < 0 || i >= end || buf[i] != ',') {
      return -1;
    }
    return skipSpace(buf, i + 1, end);
  }

  /**
   * {@code i} at the start of any JSON value: the index after it, or -1. Objects and arrays are
   * skipped by counting brackets outside strings.
   */
  public static int skipValue(byte[] buf, int i, int end) {
    if (i < 0 || i >= end) {
      return -1;
    }
    byte first = buf[i];
    if (first == '"') {
      return skipString(buf, i, end);
    }
    if (first == '{' || first == '[') {
      int depth = 0;
      while (i < end) {
        byte b = buf[i];
        if (b == '"') {
          i = skipString(buf, i, end);
          if (i < 0) {
            return -1;
          }
          continue;
        }
        if (b == '{' || b == '[') {
          depth++;
        } else if (b == '}' || b == ']') {
          if (--depth == 0) {
            return i + 1;
          }
        }
        i++;
      }
      return -1;
    }
    // A number, true, false or null: up to the next delimiter.
    int start = i;
    while (i < end) {
      byte b = buf[i];
      if (b == ',' || b == '}' || b == ']' || isSpace(b)) {
        break;
      }
      i++;
    }
    return i > start ? i : -1;
  }

  /**
   * In the object that starts at {@code i}, the index where the value of the top-level field {@code
   * key} (ASCII) starts; {@link #ABSENT} when the object has no such field; -1 when this is not an
   * object or a key has escapes.
   */
  public static int fieldValue(byte[] buf, int i, int end, String key) {
    i = skipSpace(buf, i, end);
    if (i < 0 || i >= end || buf[i] != '{') {
      return -1;
    }
    i = skipSpace(buf, i + 1, end);
    if (i < end && buf[i] == '}') {
      return ABSENT;
    }
    while (i >= 0 && i < end) {
      int keyEnd = plainString(buf, i, end);
      if (keyEnd < 0) {
        return -1;
      }
      boolean found = keyEnd - i - 2 == key.length() && matches(buf, i + 1, end, key);
      i = skipSpace(buf, keyEnd, end);
      if (i < 0 || i >= end || buf[i] != ':') {
        return -1;
      }
      i = skipSpace(buf, i + 1, end);
      if (found) {
        return i < end ? i : -1;
      }
      i = skipSpace(buf, skipValue(buf, i, end), end);
      if (i < 0 || i >= end) {
        return -1;
      }
      byte b = buf[i];
      if (b == '}') {
        return ABSENT;
      }
      if (b != ',') {
        return -1;
      }
      i = skipSpace(buf, i + 1, end);
    }
    return -1;
  }

  /** Whether the bytes at {@code i}, before {@code end}, are {@code ascii}. */
  public static boolean matches(byte[] buf, int i, int end, String ascii) {
    if (i < 0 || i + ascii.length() > end) {
      return false;
    }
    for (int k = 0; k < ascii.length(); k++) {
      if (buf[i + k] != ascii.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  static boolean matches(byte[] buf, int i, int end, byte[] ascii) {
    if (i < 0 || i + ascii.length > end) {
      return false;
    }
    for (int k = 0; k < ascii.length; k++) {
      if (buf[i + k] != ascii[k]) {
        return false;
      }
    }
    return true;
  }
}
