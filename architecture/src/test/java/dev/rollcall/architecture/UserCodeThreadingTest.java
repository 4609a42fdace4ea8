package dev.rollcall.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethodCall;
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
 * User code never runs on a Netty event loop: a blocking {@code join} or HTTP route would stall
 * every connection of that loop. The rule follows each call into an application callback ({@code
 * Channel}, {@code Socket.connect}, {@code HttpRoute}) back through the private and package-private
 * methods that lead to it, until it reaches either a channel process (whose mailbox drains on a
 * virtual thread) or a lambda whose enclosing method starts a virtual thread.
 */
@AnalyzeClasses(packages = "dev.rollcall", importOptions = ImportOption.DoNotIncludeTests.class)
class UserCodeThreadingTest {
  private static final Set<String> CALLBACK_OWNERS =
      Set.of(
          "dev.rollcall.channels.Channel",
          "dev.rollcall.channels.Socket",
          "dev.rollcall.channels.HttpRoute");
  private static final Set<String> CALLBACKS =
      Set.of("join", "handleIn", "handleInfo", "handleOut", "terminate", "connect", "handle");

  /** Where the server itself runs application code: its own classes in the channels module. */
  private static final DescribedPredicate<JavaClass> SERVER =
      DescribedPredicate.describe(
          "the channels implementation",
          c -> c.getPackageName().startsWith("dev.rollcall.channels."));

  @ArchTest
  static final ArchRule callbacksRunOffTheEventLoop =
      classes()
          .that(SERVER)
          .should(
              new ArchCondition<JavaClass>("enter application code only from a virtual thread") {
                @Override
                public void check(JavaClass origin, ConditionEvents events) {
                  for (JavaMethodCall call : origin.getMethodCallsFromSelf()) {
                    if (isCallback(call) && !reachedOffLoop(call, new HashSet<>())) {
                      events.add(SimpleConditionEvent.violated(call, call.getDescription()));
                    }
                  }
                }
              });

  private static boolean isCallback(JavaCall<?> call) {
    return CALLBACK_OWNERS.contains(call.getTargetOwner().getName())
        && CALLBACKS.contains(call.getName());
  }

  /**
   * Whether {@code call} runs on a virtual thread: it is made by a channel process, or from inside
   * a lambda of a method that starts virtual threads (ArchUnit sees which calls sit in a lambda,
   * not which lambda: a method that starts one must start it with the lambda that calls user code),
   * or from a private or package-private method (every caller is in view) whose every caller
   * satisfies the same.
   */
  private static boolean reachedOffLoop(JavaCall<?> call, Set<JavaCodeUnit> seen) {
    JavaCodeUnit origin = call.getOrigin();
    if (origin.getOwner().getSimpleName().equals("ChannelProcess")) {
      return startsVirtualThreads(origin.getOwner());
    }
    if (call.isDeclaredInLambda()) {
      return origin.getMethodCallsFromSelf().stream()
          .anyMatch(UserCodeThreadingTest::startsVirtual);
    }
    var modifiers = origin.getModifiers();
    if (modifiers.contains(JavaModifier.PUBLIC)
        || modifiers.contains(JavaModifier.PROTECTED)
        || !seen.add(origin)) {
      return false; // callable from code not seen here (or only from itself): not proven
    }
    var callers = origin.getCallsOfSelf();
    return !callers.isEmpty() && callers.stream().allMatch(c -> reachedOffLoop(c, seen));
  }

  private static boolean startsVirtualThreads(JavaClass owner) {
    return owner.getMethodCallsFromSelf().stream().anyMatch(UserCodeThreadingTest::startsVirtual);
  }

  private static boolean startsVirtual(JavaMethodCall c) {
    String target = c.getTargetOwner().getName();
    return (target.equals("java.lang.Thread") && c.getName().equals("startVirtualThread"))
        || (target.equals("java.lang.Thread") && c.getName().equals("ofVirtual"))
        || (target.equals("java.util.concurrent.Executors")
            && c.getName().equals("newVirtualThreadPerTaskExecutor"));
  }
}
