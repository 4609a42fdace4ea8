package dev.rollcall.presence.tracker;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
      json.writeObject(entry.meta());
      json.writeNumber(tables.replica(entry.replica()));
      json.writeNumber(entry.clock());
      json.writeEndArray();
    }
    json.writeEndArray();
  }

  // ---- decode --------------------------------------------------------------------------------

  @Override
  public Object decode(byte[] bytes) {
    JsonNode root;
    try {
      root = mapper.readTree(bytes);
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

  private TrackerMessage decode(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("tracker message is not a JSON object");
    }
    List<Replica> replicas = new ArrayList<>();
    for (JsonNode replica : array(root, "r")) {
      if (!replica.isArray() || replica.size() != 2) {
        throw new IllegalArgumentException("bad replica: " + replica);
      }
      replicas.add(new Replica(text(replica.get(0)), integer(replica.get(1))));
    }
    List<String> topics = new ArrayList<>();
    if (root.has("t")) {
      for (JsonNode topic : array(root, "t")) {
        topics.add(text(topic));
      }
    }
    Replica from = ref(replicas, root.get("f"));
    String kind = text(root.get("k"));
    return switch (kind) {
      case "hb" -> {
        long clock = integer(root.get("c"));
        JsonNode d = root.get("d");
        Delta delta = null;
        if (d != null && !d.isNull()) {
          List<Long> removed = new ArrayList<>();
          for (JsonNode dot : array(d, "x")) {
            removed.add(integer(dot));
          }
          delta =
              new Delta(
                  from,
                  integer(d.get("s")),
                  integer(d.get("e")),
                  entries(array(d, "v"), replicas, topics),
                  removed);
        }
        yield new TrackerMessage.Heartbeat(from, clock, delta);
      }
      case "treq" -> {
        List<Replica> knows = new ArrayList<>();
        for (JsonNode known : array(root, "kn")) {
          knows.add(ref(replicas, known));
        }
        yield new TrackerMessage.TransferRequest(from, ref(replicas, root.get("to")), knows);
      }
      case "tack" -> {
        Map<Replica, Dots> context = new HashMap<>();
        for (JsonNode item : array(root, "ctx")) {
          if (!item.isArray() || item.size() != 3 || !item.get(2).isArray()) {
            throw new IllegalArgumentException("bad context: " + item);
          }
          List<Dots.Range> cloud = new ArrayList<>();
          for (JsonNode range : item.get(2)) {
            if (!range.isArray() || range.size() != 2) {
              throw new IllegalArgumentException("bad cloud range: " + range);
            }
            cloud.add(new Dots.Range(integer(range.get(0)), integer(range.get(1))));
          }
          if (context.put(ref(replicas, item.get(0)), new Dots(integer(item.get(1)), cloud))
              != null) {
            throw new IllegalArgumentException("replica twice in a context");
          }
        }
        Snapshot snapshot =
            new Snapshot(from, context, entries(array(root, "v"), replicas, topics));
        yield new TrackerMessage.TransferAck(from, ref(replicas, root.get("to")), snapshot);
      }
      case "down" -> new TrackerMessage.GracefulPermdown(from);
      default -> throw new IllegalArgumentException("unknown tracker message kind: " + kind);
    };
  }

  private List<Entry> entries(ArrayNode items, List<Replica> replicas, List<String> topics) {
    List<Entry> entries = new ArrayList<>(items.size());
    for (JsonNode item : items) {
      if (!item.isArray() || item.size() != 6 || !item.get(3).isObject()) {
        throw new IllegalArgumentException("bad entry: " + item);
      }
      long topicIndex = integer(item.get(0));
      if (topicIndex >= topics.size()) {
        throw new IllegalArgumentException("unknown topic index: " + topicIndex);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> meta = mapper.convertValue(item.get(3), LinkedHashMap.class);
      entries.add(
          new Entry(
              topics.get((int) topicIndex),
              text(item.get(1)),
              text(item.get(2)),
              Collections.unmodifiableMap(meta),
              ref(replicas, item.get(4)),
              integer(item.get(5))));
    }
    return entries;
  }

  private static ArrayNode array(JsonNode parent, String field) {
    if (!(parent.get(field) instanceof ArrayNode array)) {
      throw new IllegalArgumentException("missing array: " + field);
    }
    return array;
  }

  private static String text(JsonNode node) {
    if (node == null || !node.isTextual()) {
      throw new IllegalArgumentException("expected a string, got " + node);
    }
    return node.textValue();
  }

  private static long integer(JsonNode node) {
    if (node == null || !node.canConvertToExactIntegral() || !node.canConvertToLong()) {
      throw new IllegalArgumentException("expected an integer, got " + node);
    }
    return node.longValue();
  }

  private static Replica ref(List<Replica> replicas, JsonNode node) {
    long index = integer(node);
    if (index < 0 || index >= replicas.size()) {
      throw new IllegalArgumentException("unknown replica index: " + index);
    }
    return replicas.get((int) index);
  }
}
