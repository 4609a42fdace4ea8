package dev.rollcall.dispatch;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import net.datafaker.Faker;

/**
 * Random superhero names built the way datafaker's {@code Superhero.name} builds them (prefix,
 * descriptor, suffix, each of its four patterns equally likely), from datafaker's word lists read
 * once at construction: evaluating the expression per draw was a tenth of the server's time in a
 * join storm. Thread-safe: the word lists are immutable; the seeded instance draws under a lock.
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

  private String draw(Random random) {
    String descriptor = pick(descriptors, random);
    return switch (random.nextInt(4)) {
      case 0 -> pick(prefixes, random) + " " + descriptor + " " + pick(suffixes, random);
      case 1 -> pick(prefixes, random) + " " + descriptor;
      case 2 -> descriptor + " " + pick(suffixes, random);
      default -> descriptor;
    };
  }

  private static String pick(List<String> words, Random random) {
    return words.get(random.nextInt(words.size()));
  }

  private static List<String> words(Faker faker, String key) {
    List<?> found = faker.fakeValuesService().fetchObject(key, faker.getContext());
    if (found == null || found.isEmpty()) {
      throw new IllegalStateException("datafaker has no word list " + key);
    }
    return found.stream().map(String::valueOf).toList();
  }
}
