package dev.rollcall.channels.hardening;

import dev.rollcall.channels.testing.Vsn;
import java.util.List;

/**
 * What one short-lived fuzzing socket does: connect with {@code vsn}, send {@code frames}, and (if
 * they leave the framing intact) a heartbeat that must still be answered unless the server closed
 * the socket with a defined code.
 */
record SocketPlan(Vsn vsn, List<FuzzFrame> frames) {

  /** The frames up to and including the first that breaks the framing. */
  SocketPlan {
    int end = frames.size();
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).breaksFraming()) {
        end = i + 1;
        break;
      }
    }
    frames = List.copyOf(frames.subList(0, end));
  }

  boolean framingIntact() {
    return frames.isEmpty() || !frames.getLast().breaksFraming();
  }

  boolean clientCloses() {
    return frames.stream().anyMatch(FuzzFrame::isClientClose);
  }
}
