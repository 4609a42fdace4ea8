package dev.rollcall.dispatch;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import net.datafaker.Faker;

/**
 * Random superhero names from datafaker's {@code Superhero.name} word lists (prefix, descriptor,
 * suffix, in its four patterns), read once at construction: evaluating the expression per draw was
 * a tenth of the server's time in a join storm.
 *
 * <p>A draw is uniform over every name the patterns can build ({@link #size()}: 160 544 with
 * datafaker 2's lists), not datafaker's "each pattern equally likely": that gave the 346
 * descriptor-only names a quarter of all draws, so two nodes drawing at the same moment picked the
 * same name ~30 times as often (see {@code docs/cluster.md}, "Hero names across the cluster").
 *
 * <p>Thread-safe: the word lists are immutable; the seeded instance draws under a lock.
 */
public final class SuperheroNames {
  private final List<String> prefixes;
  private final List<String> descriptors;
  private final List<String> suffixes;
  private final Random seeded;

  public SuperheroNames() {
    this(new Faker(), null);
  }

  /** Repeatable names, for tests. */
  public SuperheroNames(long seed) {
    this(new Faker(), new Random(seed));
  }

  private SuperheroNames(Faker faker, Random seeded) {
    this.prefixes = words(faker, "superhero.prefix");
    this.descriptors = words(faker, "superhero.descriptor");
    this.suffixes = words(faker, "superhero.suffix");
    this.seeded = seeded;
  }

  public String draw() {
    if (seeded == null) {
      return draw(ThreadLocalRandom.current());
    }
    synchronized (seeded) {
      return draw(seeded);
    }
  }

  /** How many distinct names {@link #draw()} can return. */
  public long size() {
    long p = prefixes.size();
    long d = descriptors.size();
    long s = suffixes.size();
    return d + p * d + d * s + p * d * s;
  }

  private String draw(Random random) {
    // One index into the four patterns laid end to end: descriptor, prefix + descriptor,
    // descriptor + suffix, prefix + descriptor + suffix.
    int p = prefixes.size();
    int d = descriptors.size();
    int s = suffixes.size();
    long index = random.nextLong(size());
    if (index < d) {
      return descriptors.get((int) index);
    }
    index -= d;
    if (index < (long) p * d) {
      return prefixes.get((int) (index / d)) + " " + descriptors.get((int) (index % d));
    }
    index -= (long) p * d;
    if (index < (long) d * s) {
      return descriptors.get((int) (index / s)) + " " + suffixes.get((int) (index % s));
    }
    index -= (long) d * s;
    long perPrefix = (long) d * s;
    int descriptorAndSuffix = (int) (index % perPrefix);
    return prefixes.get((int) (index / perPrefix))
        + " "
        + descriptors.get(descriptorAndSuffix / s)
        + " "
        + suffixes.get(descriptorAndSuffix % s);
  }

  private static List<String> words(Faker faker, String key) {
    List<?> found = faker.fakeValuesService().fetchObject(key, faker.getContext());
    if (found == null || found.isEmpty()) {
      throw new IllegalStateException("datafaker has no word list " + key);
    }
    return found.stream().map(String::valueOf).toList();
  }
}
