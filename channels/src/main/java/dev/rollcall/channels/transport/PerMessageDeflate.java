package dev.rollcall.channels.transport;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692) without context takeover in either direction: every message is
 * compressed and decompressed on its own, so a connection holds no deflate state at all (a zlib
 * context is about 300 KB to compress and 40 KB to decompress), the compressors are a small pool
 * shared by all connections, and a broadcast is compressed once for every subscriber, as it is
 * framed once.
 *
 * <p>Thread-safe: the pools are concurrent; a borrowed compressor is used by one thread at a time.
 */
final class PerMessageDeflate {
  /** The response to an acceptable offer: no context takeover either way, 15-bit windows. */
  static final String RESPONSE =
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

  /** Payloads shorter than this go uncompressed (RFC 7692 §6: a sender may do so per message). */
  static final int MIN_BYTES = 128;

  private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
  private static final ConcurrentLinkedQueue<Deflater> DEFLATERS = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<Inflater> INFLATERS = new ConcurrentLinkedQueue<>();

  private PerMessageDeflate() {}

  /**
   * Whether {@code header} (a {@code Sec-WebSocket-Extensions} value) offers permessage-deflate
   * with parameters this server can honour: it compresses with a 15-bit window and no context, and
   * inflates with a 15-bit window, so a client that asks for a smaller server window is declined
   * (that offer; a later one may do).
   */
  static boolean offered(String header) {
    if (header == null) {
      return false;
    }
    for (String offer : header.split(",")) {
      String[] parts = offer.split(";");
      if (!parts[0].trim().equalsIgnoreCase("permessage-deflate")) {
        continue;
      }
      boolean acceptable = true;
      for (int i = 1; i < parts.length; i++) {
        String[] parameter = parts[i].trim().split("=", 2);
        String name = parameter[0].trim().toLowerCase(Locale.ROOT);
        String value = parameter.length > 1 ? parameter[1].trim().replace("\"", "") : null;
        acceptable &=
            switch (name) {
              case "server_no_context_takeover", "client_no_context_takeover" -> value == null;
              case "client_max_window_bits" -> value == null || value.matches("8|9|1[0-5]");
              case "server_max_window_bits" -> "15".equals(value);
              default -> false;
            };
      }
      if (acceptable) {
        return true;
      }
    }
    return false;
  }

  /**
   * The compressed payload (trailing {@code 00 00 ff ff} removed, RFC 7692 §7.2.1), or null when
   * the payload is too short to gain or does not shrink: it then goes out uncompressed.
   */
  static byte[] compress(byte[] payload) {
    if (payload.length < MIN_BYTES) {
      return null;
    }
    Deflater deflater = DEFLATERS.poll();
    if (deflater == null) {
      deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    }
    try {
      deflater.setInput(payload);
      byte[] out = new byte[payload.length + 64];
      int length = 0;
      while (true) {
        length += deflater.deflate(out, length, out.length - length, Deflater.SYNC_FLUSH);
        if (length < out.length) {
          break;
        }
        out = Arrays.copyOf(out, out.length * 2);
      }
      length -= TAIL.length; // a sync flush always ends with the empty stored block
      return length < payload.length ? Arrays.copyOf(out, length) : null;
    } finally {
      deflater.reset();
      DEFLATERS.add(deflater);
    }
  }

  /**
   * The message a compressed payload holds; throws {@link TooBig} past {@code maxBytes} (a small
   * frame may inflate to gigabytes) and {@link DataFormatException} for data that is not deflate.
   */
  static byte[] decompress(byte[] payload, int maxBytes) throws DataFormatException {
    Inflater inflater = INFLATERS.poll();
    if (inflater == null) {
      inflater = new Inflater(true);
    }
    try {
      byte[] input = Arrays.copyOf(payload, payload.length + TAIL.length);
      System.arraycopy(TAIL, 0, input, payload.length, TAIL.length);
      inflater.setInput(input);
      ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length * 4);
      byte[] chunk = new byte[8192];
      while (!inflater.needsInput()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && (inflater.needsDictionary() || inflater.finished())) {
          break;
        }
        if (out.size() + n > maxBytes) {
          throw new TooBig(maxBytes);
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } finally {
      inflater.reset();
      INFLATERS.add(inflater);
    }
  }

  /** A compressed message that inflates past the frame limit. */
  static final class TooBig extends RuntimeException {
    TooBig(int maxBytes) {
      super("compressed message inflates past " + maxBytes + " bytes");
    }
  }
}
