/** Load generator and benchmarks; speaks only the public Phoenix Channels protocol. */
package dev.rollcall.bench;
