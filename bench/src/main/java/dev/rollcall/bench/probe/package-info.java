/**
 * Small one-figure measurements run by hand (heap per idle WebSocket, raw fan-out to Node clients):
 * programs, not tests, so they live here rather than in a test tree.
 */
package dev.rollcall.bench.probe;
