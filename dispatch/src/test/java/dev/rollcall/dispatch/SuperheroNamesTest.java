package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SuperheroNamesTest {
  @Test
  void drawsNonBlankNamesThatVary() {
    var names = new SuperheroNames(42);
    var drawn = new java.util.HashSet<String>();
    for (int i = 0; i < 20; i++) {
      drawn.add(names.draw());
    }

    assertThat(drawn).hasSizeGreaterThan(10).allSatisfy(name -> assertThat(name).isNotBlank());
  }

  @Test
  void sameSeedDrawsSameNamesAndUnseededNamesVaryToo() {
    var first = new SuperheroNames(7);
    var second = new SuperheroNames(7);
    for (int i = 0; i < 20; i++) {
      assertThat(first.draw()).isEqualTo(second.draw());
    }

    var unseeded = new SuperheroNames();
    var drawn = new java.util.HashSet<String>();
    for (int i = 0; i < 50; i++) {
      drawn.add(unseeded.draw());
    }
    assertThat(drawn).hasSizeGreaterThan(25).allSatisfy(name -> assertThat(name).isNotBlank());
  }

  /**
   * Draws are spread over the whole name space: 10 000 draws from 160 544 names repeat ~300 times
   * (birthday bound); datafaker's own mix (a quarter of draws from 346 one-word names) repeated ~2
   * 000 times.
   */
  @Test
  void drawsAreSpreadOverTheWholeNameSpace() {
    var names = new SuperheroNames(11);
    var drawn = new java.util.HashSet<String>();
    for (int i = 0; i < 10_000; i++) {
      drawn.add(names.draw());
    }

    assertThat(names.size()).isEqualTo(160_544);
    assertThat(drawn).hasSizeGreaterThan(9_500);
  }
}
