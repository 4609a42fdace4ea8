package dev.rollcall.dispatch;

import java.util.Random;
import net.datafaker.Faker;

/** Random superhero names from datafaker's {@code Superhero} provider. Thread-safe. */
public final class SuperheroNames {
  private final Faker faker;

  public SuperheroNames() {
    this.faker = new Faker();
  }

  /** Repeatable names, for tests. */
  public SuperheroNames(long seed) {
    this.faker = new Faker(new Random(seed));
  }

  public synchronized String draw() {
    return faker.superhero().name();
  }
}
