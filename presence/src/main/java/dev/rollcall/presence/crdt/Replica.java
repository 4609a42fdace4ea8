package dev.rollcall.presence.crdt;

import java.util.Objects;

/**
 * One incarnation of a node's tracker: its node name and a version that is new on every start, so a
 * restarted node is a different replica and the entries of its previous life can be removed
 * everywhere (after Phoenix.Tracker's {@code {name, vsn}} replica ref).
 */
public record Replica(String name, long version) implements Comparable<Replica> {
  public Replica {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("replica name must not be empty");
    }
  }

  @Override
  public int compareTo(Replica other) {
    int byName = name.compareTo(other.name);
    return byName != 0 ? byName : Long.compare(version, other.version);
  }

  @Override
  public String toString() {
    return name + "@" + version;
  }
}
