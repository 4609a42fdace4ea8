package dev.rollcall.dispatch;

import dev.rollcall.channels.Reply;
import dev.rollcall.dispatch.offers.Answer;
import dev.rollcall.dispatch.offers.Dispatch;
import dev.rollcall.dispatch.offers.DispatchBoard;
import dev.rollcall.dispatch.offers.DispatchState;
import dev.rollcall.dispatch.offers.DispatchStore;
import dev.rollcall.dispatch.offers.DriverRequests;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lobby's dispatch pushes ({@code report_incident}, {@code accept_dispatch}, {@code
 * decline_dispatch}, {@code resolve_dispatch}): checked here, answered by the driver wherever it
 * runs; and the board a joining hero gets. Thread-safe (shared by a node's lobby channels).
 */
public final class DispatchDesk {
  private static final Logger log = LoggerFactory.getLogger(DispatchDesk.class);

  /** How many resolved dispatches a joining hero's board shows. */
  static final int RESOLVED_ON_BOARD = 20;

  private final DriverRequests driver;
  private final DispatchStore store;
  private final int maxBodyLength;

  public DispatchDesk(DriverRequests driver, DispatchStore store, int maxBodyLength) {
    this.driver = driver;
    this.store = store;
    this.maxBodyLength = maxBodyLength;
  }

  /** The reply to a dispatch push by {@code hero}, or null if {@code event} is not one. */
  public Reply handle(String event, Object payload, String hero) {
    return switch (event) {
      case "report_incident" -> report(payload, hero);
      case "accept_dispatch" -> ask("accept", payload, hero);
      case "decline_dispatch" -> ask("decline", payload, hero);
      case "resolve_dispatch" -> ask("resolve", payload, hero);
      default -> null;
    };
  }

  private Reply report(Object payload, String hero) {
    // The same rules as a notification's body.
    if (NotifyRequest.check(payload, false, maxBodyLength, name -> true)
        instanceof NotifyRequest.Invalid invalid) {
      return Reply.error(invalid.reason());
    }
    String body = (String) ((Map<?, ?>) payload).get("body");
    // Chosen here, so that a retried request cannot report the incident twice.
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    return reply(driver.ask("report", hero, Map.of("id", id, "body", body)));
  }

  private Reply ask(String kind, Object payload, String hero) {
    if (!(payload instanceof Map<?, ?> map) || !(map.get("id") instanceof String id)) {
      return Reply.error("unknown_dispatch");
    }
    return reply(driver.ask(kind, hero, Map.of("id", id)));
  }

  private static Reply reply(Answer answer) {
    return switch (answer) {
      case Answer.Ok ok -> Reply.ok(ok.response());
      case Answer.Refused refused -> Reply.error(refused.reason());
      case Answer.None none -> Reply.ok();
    };
  }

  /**
   * {@code dispatch_board}: every dispatch not resolved and the most recently resolved, oldest
   * first; null when the store cannot be read (the hero still joins, and sees updates).
   */
  Map<String, Object> board() {
    List<Dispatch> all;
    try {
      all = store.load();
    } catch (RuntimeException e) {
      log.warn("dispatch board not readable: {}", e.toString());
      return null;
    }
    List<Dispatch> resolved =
        all.stream()
            .filter(d -> d.state() == DispatchState.RESOLVED)
            .sorted(Comparator.comparingLong(Dispatch::updatedAt).reversed())
            .limit(RESOLVED_ON_BOARD)
            .toList();
    List<Dispatch> shown = new ArrayList<>(resolved);
    all.stream().filter(d -> d.state() != DispatchState.RESOLVED).forEach(shown::add);
    List<Object> dispatches = new ArrayList<>();
    DispatchBoard.of(shown).sorted().forEach(d -> dispatches.add(d.payload()));
    return Map.of("dispatches", dispatches);
  }
}
