package dev.rollcall.dispatch.offers;

/** Topic and event names between the lobby channels and the driver, and towards the pages. */
public final class DispatchWire {
  private DispatchWire() {}

  /** Hero requests to the driver (every node hears them; only the driving node answers). */
  public static final String REQUESTS = "dispatch:requests";

  /** The driver's answers, sent to the asking node only. */
  public static final String REPLIES = "dispatch:replies";

  /**
   * On a hero's personal topic: set this status on your presence meta. Handled by the lobby
   * channel, never pushed to the page.
   */
  public static final String SET_STATUS = "dispatch:set_status";

  public static final String OFFER = "dispatch_offer";
  public static final String UPDATE = "dispatch_update";
  public static final String BOARD = "dispatch_board";

  /** The reason a hero gets when no driver answered in time (a failover is under way). */
  public static final String UNAVAILABLE = "dispatcher_unavailable";
}
