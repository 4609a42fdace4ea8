package dev.rollcall.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.HashSet;
import java.util.Set;

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
  static final ArchRule clientApiSignaturesHaveNoNettyTypes =
      classes()
          .that()
          .resideInAPackage("dev.rollcall.client")
          .and()
          .arePublic()
          .should(
              new ArchCondition<JavaClass>("expose no Netty type in a public signature") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                  for (JavaMember m : c.getMembers()) {
                    if (!m.getModifiers().contains(JavaModifier.PUBLIC)) {
                      continue;
                    }
                    Set<JavaClass> types = new HashSet<>();
                    if (m instanceof JavaCodeUnit unit) {
                      types.addAll(unit.getRawParameterTypes());
                      types.add(unit.getRawReturnType());
                    } else if (m instanceof JavaField field) {
                      types.add(field.getRawType());
                    }
                    for (JavaClass t : types) {
                      if (t.getPackageName().startsWith("io.netty")) {
                        events.add(
                            SimpleConditionEvent.violated(
                                m, m.getFullName() + " exposes " + t.getName()));
                      }
                    }
                  }
                }
              })
          .because("a client user should not need to know the client runs on Netty");
}
