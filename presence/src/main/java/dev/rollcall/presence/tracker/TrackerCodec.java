package dev.rollcall.presence.tracker;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.presence.crdt.CompactMap;
import dev.rollcall.presence.crdt.Delta;
import dev.rollcall.presence.crdt.Dots;
import dev.rollcall.presence.crdt.Entry;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.Snapshot;
import dev.rollcall.pubsub.MessageCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link TrackerMessage}s as compact JSON, for a {@link dev.rollcall.pubsub.PubSub} that crosses
 * nodes (kind {@code "trk"}). Replicas and topics are written once per message and referred to by
 * index, so a full transfer does not repeat them per entry. Decoding checks everything and throws
 * {@link IllegalArgumentException} on anything malformed, so a bad message is dropped, never
 * merged. Thread-safe.
 *
 * <pre>
 * {"k":"hb","r":[[name,version],...],"t":[topic,...],"f":0,"c":clock,
 *  "d":{"s":start,"e":end,"v":[[topicIdx,key,owner,meta,replicaIdx,clock],...],"x":[dot,...]}}
 * {"k":"treq","r":[...],"f":0,"to":1,"kn":[0,1,...]}
 * {"k":"tack","r":[...],"t":[...],"f":0,"to":1,"ctx":[[replicaIdx,contiguous,[[from,to],...]],...],"v":[...]}
 * {"k":"down","r":[...],"f":0}
 * </pre>
 */
public final class TrackerCodec implements MessageCodec {
  private final ObjectMapper mapper;

  public TrackerCodec() {
    this(new ObjectMapper());
  }

  public TrackerCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public String kind() {
    return "trk";
  }

  @Override
  public boolean handles(Object message) {
    return message instanceof TrackerMessage;
  }

  // ---- encode --------------------------------------------------------------------------------

  /** Indexes replicas and topics of one message in order of first use. */
  private static final class Tables {
    final Map<Replica, Integer> replicas = new LinkedHashMap<>();
    final Map<String, Integer> topics = new LinkedHashMap<>();

    int replica(Replica replica) {
      return replicas.computeIfAbsent(replica, r -> replicas.size());
    }

    int topic(String topic) {
      return topics.computeIfAbsent(topic, t -> topics.size());
    }

    void index(List<Entry> entries) {
      for (Entry entry : entries) {
        replica(entry.replica());
        topic(entry.topic());
      }
    }
  }

  @Override
  public byte[] encode(Object message) {
    if (!(message instanceof TrackerMessage trackerMessage)) {
      throw new IllegalArgumentException("not a tracker message: " + message);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
      Tables tables = new Tables();
      tables.replica(trackerMessage.from());
      json.writeStartObject();
      switch (trackerMessage) {
        case TrackerMessage.Heartbeat hb -> {
          if (hb.delta() != null) {
            tables.index(hb.delta().values());
          }
          json.writeStringField("k", "hb");
          writeTables(json, tables);
          json.writeNumberField("f", 0);
          json.writeNumberField("c", hb.clock());
          if (hb.delta() != null) {
            Delta delta = hb.delta();
            json.writeObjectFieldStart("d");
            json.writeNumberField("s", delta.start());
            json.writeNumberField("e", delta.end());
            json.writeFieldName("v");
            writeEntries(json, tables, delta.values());
            json.writeArrayFieldStart("x");
            for (long dot : delta.removed()) {
              json.writeNumber(dot);
            }
            json.writeEndArray();
            json.writeEndObject();
          }
        }
        case TrackerMessage.TransferRequest req -> {
          tables.replica(req.to());
          req.knows().forEach(tables::replica);
          json.writeStringField("k", "treq");
          writeTables(json, tables);
          json.writeNumberField("f", 0);
          json.writeNumberField("to", tables.replica(req.to()));
          json.writeArrayFieldStart("kn");
          for (Replica known : req.knows()) {
            json.writeNumber(tables.replica(known));
          }
          json.writeEndArray();
        }
        case TrackerMessage.TransferAck ack -> {
          tables.replica(ack.to());
          ack.state().context().keySet().forEach(tables::replica);
          tables.index(ack.state().values());
          json.writeStringField("k", "tack");
          writeTables(json, tables);
          json.writeNumberField("f", 0);
          json.writeNumberField("to", tables.replica(ack.to()));
          json.writeArrayFieldStart("ctx");
          for (Map.Entry<Replica, Dots> context : ack.state().context().entrySet()) {
            json.writeStartArray();
            json.writeNumber(tables.replica(context.getKey()));
            json.writeNumber(context.getValue().contiguous());
            json.writeStartArray();
            for (Dots.Range range : context.getValue().cloud()) {
              json.writeStartArray();
              json.writeNumber(range.from());
              json.writeNumber(range.to());
              json.writeEndArray();
            }
            json.writeEndArray();
            json.writeEndArray();
          }
          json.writeEndArray();
          json.writeFieldName("v");
          writeEntries(json, tables, ack.state().values());
        }
        case TrackerMessage.GracefulPermdown down -> {
          json.writeStringField("k", "down");
          writeTables(json, tables);
          json.writeNumberField("f", 0);
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeTables(JsonGenerator json, Tables tables) throws IOException {
    json.writeArrayFieldStart("r");
    for (Replica replica : tables.replicas.keySet()) {
      json.writeStartArray();
      json.writeString(replica.name());
      json.writeNumber(replica.version());
      json.writeEndArray();
    }
    json.writeEndArray();
    if (!tables.topics.isEmpty()) {
      json.writeArrayFieldStart("t");
      for (String topic : tables.topics.keySet()) {
        json.writeString(topic);
      }
      json.writeEndArray();
    }
  }

  private static void writeEntries(JsonGenerator json, Tables tables, List<Entry> entries)
      throws IOException {
    json.writeStartArray();
    for (Entry entry : entries) {
      json.writeStartArray();
      json.writeNumber(tables.topic(entry.topic()));
      json.writeString(entry.key());
      json.writeString(entry.owner());
      writeValue(json, entry.meta());
      json.writeNumber(tables.replica(entry.replica()));
      json.writeNumber(entry.clock());
      json.writeEndArray();
    }
    json.writeEndArray();
  }

  /** Writes a plain JSON value without databind's per-call setup (metas are plain values). */
  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    switch (value) {
      case null -> json.writeNull();
      case String text -> json.writeString(text);
      case Boolean bool -> json.writeBoolean(bool);
      case Integer n -> json.writeNumber(n);
      case Long n -> json.writeNumber(n);
      case Double n -> json.writeNumber(n);
      case Map<?, ?> map -> {
        json.writeStartObject();
        for (Map.Entry<?, ?> field : map.entrySet()) {
          json.writeFieldName(String.valueOf(field.getKey()));
          writeValue(json, field.getValue());
        }
        json.writeEndObject();
      }
      case List<?> list -> {
        json.writeStartArray();
        for (Object item : list) {
          writeValue(json, item);
        }
        json.writeEndArray();
      }
      default -> json.writeObject(value);
    }
  }

  // ---- decode --------------------------------------------------------------------------------

  @Override
  public Object decode(byte[] bytes) {
    Object root;
    try (JsonParser json = mapper.getFactory().createParser(bytes)) {
      if (json.nextToken() == null) {
        throw new IllegalArgumentException("empty tracker message");
      }
      root = value(json, 0);
      if (json.nextToken() != null) {
        throw new IllegalArgumentException("trailing data after the tracker message");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("tracker message is not JSON: " + e.getMessage(), e);
    }
    try {
      return decode(root);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed tracker message: " + e, e);
    }
  }

  private static final int MAX_DEPTH = 64;

  /** A JSON value as plain Java (Map, List, String, Number, Boolean, null), read in one pass. */
  private static Object value(JsonParser json, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("tracker message nests too deep");
    }
    JsonToken token = json.currentToken();
    return switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
          String name = json.currentName();
          json.nextToken();
          map.put(name, value(json, depth + 1));
        }
        yield Collections.unmodifiableMap(map);
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (json.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(json, depth + 1));
        }
        yield Collections.unmodifiableList(list);
      }
      case VALUE_STRING -> json.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> json.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IllegalArgumentException("unexpected JSON token " + token);
    };
  }

  private TrackerMessage decode(Object root) {
    if (!(root instanceof Map<?, ?> message)) {
      throw new IllegalArgumentException("tracker message is not a JSON object");
    }
    List<Replica> replicas = new ArrayList<>();
    for (Object replica : array(message, "r")) {
      if (!(replica instanceof List<?> pair) || pair.size() != 2) {
        throw new IllegalArgumentException("bad replica: " + replica);
      }
      replicas.add(new Replica(text(pair.get(0)), integer(pair.get(1))));
    }
    List<String> topics = new ArrayList<>();
    if (message.containsKey("t")) {
      for (Object topic : array(message, "t")) {
        topics.add(text(topic));
      }
    }
    Replica from = ref(replicas, message.get("f"));
    String kind = text(message.get("k"));
    return switch (kind) {
      case "hb" -> {
        long clock = integer(message.get("c"));
        Object d = message.get("d");
        Delta delta = null;
        if (d != null) {
          if (!(d instanceof Map<?, ?> fields)) {
            throw new IllegalArgumentException("bad delta: " + d);
          }
          List<Long> removed = new ArrayList<>();
          for (Object dot : array(fields, "x")) {
            removed.add(integer(dot));
          }
          delta =
              new Delta(
                  from,
                  integer(fields.get("s")),
                  integer(fields.get("e")),
                  entries(array(fields, "v"), replicas, topics),
                  removed);
        }
        yield new TrackerMessage.Heartbeat(from, clock, delta);
      }
      case "treq" -> {
        List<Replica> knows = new ArrayList<>();
        for (Object known : array(message, "kn")) {
          knows.add(ref(replicas, known));
        }
        yield new TrackerMessage.TransferRequest(from, ref(replicas, message.get("to")), knows);
      }
      case "tack" -> {
        Map<Replica, Dots> context = new HashMap<>();
        for (Object item : array(message, "ctx")) {
          if (!(item instanceof List<?> triple)
              || triple.size() != 3
              || !(triple.get(2) instanceof List<?> ranges)) {
            throw new IllegalArgumentException("bad context: " + item);
          }
          List<Dots.Range> cloud = new ArrayList<>();
          for (Object range : ranges) {
            if (!(range instanceof List<?> pair) || pair.size() != 2) {
              throw new IllegalArgumentException("bad cloud range: " + range);
            }
            cloud.add(new Dots.Range(integer(pair.get(0)), integer(pair.get(1))));
          }
          Dots dots = new Dots(integer(triple.get(1)), cloud);
          if (context.put(ref(replicas, triple.get(0)), dots) != null) {
            throw new IllegalArgumentException("replica twice in a context");
          }
        }
        Snapshot snapshot =
            new Snapshot(from, context, entries(array(message, "v"), replicas, topics));
        yield new TrackerMessage.TransferAck(from, ref(replicas, message.get("to")), snapshot);
      }
      case "down" -> new TrackerMessage.GracefulPermdown(from);
      default -> throw new IllegalArgumentException("unknown tracker message kind: " + kind);
    };
  }

  private static List<Entry> entries(List<?> items, List<Replica> replicas, List<String> topics) {
    List<Entry> entries = new ArrayList<>(items.size());
    for (Object item : items) {
      if (!(item instanceof List<?> fields)
          || fields.size() != 6
          || !(fields.get(3) instanceof Map<?, ?> meta)) {
        throw new IllegalArgumentException("bad entry: " + item);
      }
      long topicIndex = integer(fields.get(0));
      if (topicIndex < 0 || topicIndex >= topics.size()) {
        throw new IllegalArgumentException("unknown topic index: " + topicIndex);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = CompactMap.of((Map<String, Object>) meta);
      entries.add(
          new Entry(
              topics.get((int) topicIndex),
              text(fields.get(1)),
              text(fields.get(2)),
              typed,
              ref(replicas, fields.get(4)),
              integer(fields.get(5))));
    }
    return entries;
  }

  private static List<?> array(Map<?, ?> parent, String field) {
    if (!(parent.get(field) instanceof List<?> array)) {
      throw new IllegalArgumentException("missing array: " + field);
    }
    return array;
  }

  private static String text(Object value) {
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("expected a string, got " + value);
    }
    return text;
  }

  private static long integer(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw new IllegalArgumentException("expected an integer, got " + value);
  }

  private static Replica ref(List<Replica> replicas, Object value) {
    long index = integer(value);
    if (index < 0 || index >= replicas.size()) {
      throw new IllegalArgumentException("unknown replica index: " + index);
    }
    return replicas.get((int) index);
  }
}
