/**
 * Signed, expiring tokens (after Phoenix.Token): a server signs a small piece of data, hands it to
 * a client, and verifies it when the client presents it again, for instance as phoenix.js {@code
 * authToken} on connect.
 */
package dev.rollcall.channels.token;
