/**
 * The soak run: heroes churning (join, notify, leave, reconnect) against two launcher nodes and a
 * real Redis for minutes, with the nodes' heap, threads and file descriptors sampled, and the
 * presence roster checked against the connected heroes at the end. Run by {@code bench/soak.sh};
 * not part of the test suite.
 */
package dev.rollcall.bench.soak;
