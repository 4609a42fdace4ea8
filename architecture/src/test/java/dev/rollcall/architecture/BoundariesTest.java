package dev.rollcall.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * Module boundaries over the main classes of every module, the app and the load generator included:
 * what {@code module-info.java} enforces on the module path, these enforce on the class path (where
 * tests, the shaded launcher and the bench run).
 */
@AnalyzeClasses(packages = "dev.rollcall", importOptions = ImportOption.DoNotIncludeTests.class)
class BoundariesTest {

  @ArchTest
  static final ArchRule noCyclesBetweenPackages =
      slices().matching("dev.rollcall.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule noModuleUsesAnotherModulesInternals =
      classes()
          .should(
              new ArchCondition<JavaClass>("use only the exported packages of other modules") {
                @Override
                public void check(JavaClass origin, ConditionEvents events) {
                  Modules home = Modules.owning(origin.getPackageName());
                  for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    String target = d.getTargetClass().getPackageName();
                    Modules owner = Modules.owning(target);
                    if (owner != null && owner != home && owner.isInternal(target)) {
                      events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                  }
                }
              });

  @ArchTest
  static final ArchRule modulesDependOnlyOnTheirDeclaredModules =
      classes()
          .should(
              new ArchCondition<JavaClass>("depend only on the modules their module declares") {
                @Override
                public void check(JavaClass origin, ConditionEvents events) {
                  Modules home = Modules.owning(origin.getPackageName());
                  if (home == null) {
                    return;
                  }
                  for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    Modules owner = Modules.owning(d.getTargetClass().getPackageName());
                    if (owner != null
                        && owner != home
                        && !home.dependsOn().contains(owner.name())) {
                      events.add(
                          SimpleConditionEvent.violated(
                              d,
                              home.name()
                                  + " may not use "
                                  + owner.name()
                                  + ": "
                                  + d.getDescription()));
                    }
                  }
                }
              });

  @ArchTest
  static final ArchRule noMainCodeUsesTestFixtures =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.rollcall.testing..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.rollcall.testing..");

  @ArchTest
  static final ArchRule channelsApiHasNoNettyTypes =
      noClasses()
          .that()
          .resideInAPackage("dev.rollcall.channels")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.netty..")
          .because("an application writes channels without knowing the transport");

  @ArchTest
  static final ArchRule clientApiHasNoNettyTypes =
      noClasses()
          .that()
          .resideInAPackage("dev.rollcall.client")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.netty..")
          .because("a client user should not need to know the client runs on Netty");
}
