package dev.rollcall.protocol;

/**
 * The payload of {@code phx_reply}: JSON {@code {"status": status, "response": response}}, or a
 * binary reply frame (kind 1) when {@code response} is {@code byte[]}.
 */
public record ReplyPayload(String status, Object response) {}
