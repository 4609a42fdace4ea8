package dev.rollcall.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The presence CRDT is pure, as Phoenix.Tracker.State is: plain data and functions over it, with
 * time passed in. No I/O, no threads, no clock, no JSON, nothing of the shell around it.
 */
@AnalyzeClasses(packages = "dev.rollcall", importOptions = ImportOption.DoNotIncludeTests.class)
class CrdtCoreTest {
  private static final String CRDT = "dev.rollcall.presence.crdt..";

  @ArchTest
  static final ArchRule importsOnlyJavaBaseCollections =
      classes()
          .that()
          .resideInAPackage(CRDT)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              CRDT,
              "java.lang",
              "java.lang.invoke", // lambdas
              "java.lang.runtime", // records
              "java.util",
              "java.util.function",
              "java.util.stream");

  @ArchTest
  static final ArchRule readsNoClock =
      noClasses()
          .that()
          .resideInAPackage(CRDT)
          .should()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(Thread.class)
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.Random");
}
