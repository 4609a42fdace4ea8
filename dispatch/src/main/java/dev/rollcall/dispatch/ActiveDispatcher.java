package dev.rollcall.dispatch;

/**
 * Whether this node's {@link NotificationsService} is the one that sends, so that a cluster sends
 * exactly one internal notification per interval. A single node is always active; a cluster asks
 * something all nodes agree on (the Redis implementation holds a lease there), never a home-made
 * election.
 */
@FunctionalInterface
public interface ActiveDispatcher {

  /** Asked once per interval; must answer quickly and without throwing. */
  boolean isActive();

  static ActiveDispatcher always() {
    return () -> true;
  }
}
