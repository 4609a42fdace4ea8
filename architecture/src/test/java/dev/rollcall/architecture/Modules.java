package dev.rollcall.architecture;

import java.util.List;
import java.util.Set;

/**
 * The modules as the architecture rules see them: each owns the packages under its root, exports
 * some of them (its API), and may depend on the listed modules only. Mirrors the {@code
 * module-info.java} files, so the same boundaries hold on the class path, where JPMS does not look.
 */
record Modules(String name, String root, Set<String> exports, Set<String> dependsOn) {

  static final List<Modules> ALL =
      List.of(
          new Modules(
              "pubsub",
              "dev.rollcall.pubsub",
              Set.of("dev.rollcall.pubsub", "dev.rollcall.pubsub.redis"),
              Set.of()),
          new Modules(
              "protocol", "dev.rollcall.protocol", Set.of("dev.rollcall.protocol"), Set.of()),
          new Modules(
              "channels",
              "dev.rollcall.channels",
              Set.of("dev.rollcall.channels"),
              Set.of("pubsub", "protocol")),
          new Modules(
              "client",
              "dev.rollcall.client",
              Set.of("dev.rollcall.client", "dev.rollcall.client.frames"),
              Set.of("protocol")),
          new Modules(
              "presence",
              "dev.rollcall.presence",
              Set.of("dev.rollcall.presence"),
              Set.of("pubsub", "protocol", "channels")),
          new Modules(
              "dispatch",
              "dev.rollcall.dispatch",
              Set.of(),
              Set.of("pubsub", "protocol", "channels", "presence")),
          new Modules(
              "bench",
              "dev.rollcall.bench",
              Set.of(),
              Set.of("pubsub", "protocol", "channels", "presence", "client")),
          new Modules(
              "spring",
              "dev.rollcall.spring",
              Set.of("dev.rollcall.spring"),
              Set.of("pubsub", "channels", "presence")),
          // Examples show what a user writes, so they may use exported API packages only.
          new Modules(
              "examples",
              "dev.rollcall.examples",
              Set.of(),
              Set.of("pubsub", "channels", "presence", "client", "spring")));

  boolean owns(String packageName) {
    return packageName.equals(root) || packageName.startsWith(root + ".");
  }

  boolean isInternal(String packageName) {
    return owns(packageName) && !exports.contains(packageName);
  }

  static Modules owning(String packageName) {
    return ALL.stream().filter(m -> m.owns(packageName)).findFirst().orElse(null);
  }
}
