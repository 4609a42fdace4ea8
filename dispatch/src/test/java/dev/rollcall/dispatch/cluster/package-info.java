/**
 * Cluster tests with real processes: a real redis-server, three real launcher JVMs ({@code java
 * -jar rollcall-dispatch.jar --redis ...}) and WebSocket heroes driving them; faults are real too
 * (SIGKILL, SIGTERM, Redis stopped, a node cut off through a TCP proxy).
 */
package dev.rollcall.dispatch.cluster;
