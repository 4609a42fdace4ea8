/**
 * Hardening tests (bad clients must not take other heroes offline): limits and payload depth, a
 * fuzzer of the decoder and of a running server, and crash isolation under load. Raw WebSocket
 * framing lives here because {@code java.net.http} refuses to send the broken frames a fuzzer
 * needs.
 */
package dev.rollcall.channels.hardening;
