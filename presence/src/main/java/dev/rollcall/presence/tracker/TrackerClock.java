package dev.rollcall.presence.tracker;

/**
 * Where a tracker replica reads the time: every silence and timer it measures comes from here, so a
 * test can run a replica on a clock it moves by hand (down and permdown periods included) instead
 * of waiting for them.
 */
interface TrackerClock {

  /** The system's clocks. */
  TrackerClock SYSTEM =
      new TrackerClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long epochMillis() {
          return System.currentTimeMillis();
        }
      };

  /** Monotonic time in nanoseconds, for silences and retries (only differences mean anything). */
  long nanoTime();

  /** Wall-clock time in milliseconds since the epoch; a replica's version is taken from it. */
  long epochMillis();
}
