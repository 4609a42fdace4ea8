package dev.rollcall.bench.soak;

import dev.rollcall.client.frames.ClientListener;
import dev.rollcall.client.frames.ClientSocket;
import dev.rollcall.protocol.Message;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An observer's view of the lobby roster as phoenix.js Presence builds it: every hero's name with
 * the phx_refs of its metas, from presence_state and then presence_diff. Updated on the socket's
 * event loop, read from any thread.
 */
final class LobbyView implements ClientListener {
  private final Map<String, Set<String>> refsByName = new HashMap<>();
  final CompletableFuture<String> name = new CompletableFuture<>();

  @Override
  public synchronized void onMessage(ClientSocket socket, Message message) {
    switch (message.event()) {
      case "user_info" -> {
        if (message.payload() instanceof Map<?, ?> p && p.get("user_name") instanceof String n) {
          name.complete(n);
        }
      }
      case "presence_state" -> apply(message.payload(), true);
      case "presence_diff" -> {
        if (message.payload() instanceof Map<?, ?> diff) {
          apply(diff.get("joins"), true);
          apply(diff.get("leaves"), false);
        }
      }
      default -> {}
    }
  }

  private void apply(Object presences, boolean join) {
    if (!(presences instanceof Map<?, ?> byName)) {
      return;
    }
    byName.forEach(
        (key, value) -> {
          String hero = String.valueOf(key);
          if (value instanceof Map<?, ?> presence
              && presence.get("metas") instanceof Iterable<?> metas) {
            for (Object meta : metas) {
              String ref = meta instanceof Map<?, ?> m ? String.valueOf(m.get("phx_ref")) : "";
              if (join) {
                refsByName.computeIfAbsent(hero, k -> new HashSet<>()).add(ref);
              } else {
                Set<String> refs = refsByName.get(hero);
                if (refs != null && refs.remove(ref) && refs.isEmpty()) {
                  refsByName.remove(hero);
                }
              }
            }
          }
        });
  }

  /** Names with how many metas each has now. */
  synchronized Map<String, Integer> counts() {
    Map<String, Integer> counts = new HashMap<>();
    refsByName.forEach((hero, refs) -> counts.put(hero, refs.size()));
    return counts;
  }
}
