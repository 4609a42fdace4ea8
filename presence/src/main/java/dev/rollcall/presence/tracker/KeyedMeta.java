package dev.rollcall.presence.tracker;

import java.util.Map;

/** One presence as a diff reports it: a key and one of its metas (with {@code phx_ref}). */
public record KeyedMeta(String key, Map<String, Object> meta) {}
