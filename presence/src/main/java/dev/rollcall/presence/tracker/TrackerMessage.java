package dev.rollcall.presence.tracker;

import dev.rollcall.presence.crdt.Delta;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.Snapshot;
import java.util.List;
import java.util.Objects;

/**
 * What the replicas of one tracker say to each other over PubSub (after Phoenix.Tracker.Shard's
 * {@code {:pub, ...}} messages). Immutable.
 */
public sealed interface TrackerMessage {

  Replica from();

  /**
   * Sent to every peer each broadcast period: the sender is alive, its own clock, and its changes
   * since the last heartbeat (null when none).
   */
  record Heartbeat(Replica from, long clock, Delta delta) implements TrackerMessage {
    public Heartbeat {
      Objects.requireNonNull(from, "from");
      if (clock < 0) {
        throw new IllegalArgumentException("negative clock");
      }
      if (delta != null && (!delta.from().equals(from) || delta.end() != clock)) {
        throw new IllegalArgumentException("heartbeat delta does not match its sender");
      }
    }
  }

  /** Asks {@code to} for its whole state, restricted to the replicas the sender knows. */
  record TransferRequest(Replica from, Replica to, List<Replica> knows) implements TrackerMessage {
    public TransferRequest {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      knows = List.copyOf(knows);
    }
  }

  /** The answer to a {@link TransferRequest}. */
  record TransferAck(Replica from, Replica to, Snapshot state) implements TrackerMessage {
    public TransferAck {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(state, "state");
      if (!state.from().equals(from)) {
        throw new IllegalArgumentException("transfer state does not match its sender");
      }
    }
  }

  /** The sender shuts down: drop its presences now instead of waiting for the down period. */
  record GracefulPermdown(Replica from) implements TrackerMessage {
    public GracefulPermdown {
      Objects.requireNonNull(from, "from");
    }
  }
}
