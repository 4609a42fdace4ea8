/**
 * Offers that must be accepted: the dispatch state machine as pure code ({@link DispatchCore}), and
 * the driver that runs it on the one node holding the dispatcher lease.
 */
package dev.rollcall.dispatch.offers;
