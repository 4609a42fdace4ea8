package dev.rollcall.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every class with tests is named so that Surefire ({@code *Test}, {@code *Properties}) or Failsafe
 * ({@code *IT}) runs it: a test class that matches no pattern compiles, passes review, and never
 * runs. Reads every module's compiled test classes, so it runs after them in the reactor.
 */
class TestNamingTest {
  private static final List<String> MODULES =
      List.of(
          "testing",
          "pubsub",
          "protocol",
          "channels",
          "client",
          "presence",
          "dispatch",
          "bench",
          "spring-boot-starter",
          "examples/chat",
          "examples/spring-chat");
  private static final List<String> TEST_ANNOTATIONS =
      List.of(
          "org.junit.jupiter.api.Test",
          "org.junit.jupiter.params.ParameterizedTest",
          "org.junit.jupiter.api.RepeatedTest",
          "org.junit.jupiter.api.TestFactory",
          "net.jqwik.api.Property",
          "net.jqwik.api.Example");

  @Test
  void everyTestClassMatchesARunnerPattern() {
    Path root = Path.of(System.getenv().getOrDefault("ROLLCALL_PROJECT_ROOT", ".."));
    JavaClasses tests = new ClassFileImporter().importPaths(testClassDirs(root));
    assertThat(tests).as("test classes found under %s", root).isNotEmpty();
    classes()
        .that(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "declare tests", TestNamingTest::declaresTests))
        .should()
        .haveSimpleNameEndingWith("Test")
        .orShould()
        .haveSimpleNameEndingWith("Properties")
        .orShould()
        .haveSimpleNameEndingWith("IT")
        .check(tests);
  }

  private static List<Path> testClassDirs(Path root) {
    return MODULES.stream()
        .map(m -> root.resolve(m).resolve("target/test-classes"))
        .filter(Files::isDirectory)
        .toList();
  }

  private static boolean declaresTests(JavaClass c) {
    JavaClass top = c;
    while (top.getEnclosingClass().isPresent()) {
      top = top.getEnclosingClass().get();
    }
    if (top != c) {
      return false; // a @Nested class runs with its top-level class
    }
    return c.getMethods().stream()
        .anyMatch(m -> TEST_ANNOTATIONS.stream().anyMatch(m::isAnnotatedWith));
  }
}
