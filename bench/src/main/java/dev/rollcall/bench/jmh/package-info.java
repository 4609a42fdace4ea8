/**
 * JMH benchmarks of the protocol hot paths: V2 encode/decode, and a broadcast encoded once versus
 * once per subscriber. Run with {@code ./mvnw -Pbench -pl bench -am verify}.
 */
package dev.rollcall.bench.jmh;
