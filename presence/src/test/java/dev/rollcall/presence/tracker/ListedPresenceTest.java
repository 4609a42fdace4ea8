package dev.rollcall.presence.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.presence.crdt.PresenceMeta;
import dev.rollcall.protocol.EncodedJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class ListedPresenceTest {

  /** The bytes a listed key carries are those of its plain {"metas": [...]}, whatever the meta. */
  @Property(tries = 200)
  void carriesExactlyThePlainEncoding(
      @ForAll @Size(max = 3) List<@Size(max = 4) Map<String, String>> fields, @ForAll String ref) {
    List<Map<String, Object>> metas =
        fields.stream().map(f -> PresenceMeta.stamp(f, ref, null)).toList();
    if (metas.isEmpty()) {
      return;
    }
    ListedPresence listed = new ListedPresence(metas);
    List<Object> plainMetas = metas.stream().map(m -> (Object) new LinkedHashMap<>(m)).toList();
    String plain =
        new String(EncodedJson.encode(Map.of("metas", plainMetas)), StandardCharsets.UTF_8);

    assertThat(new String(listed.json(), StandardCharsets.UTF_8)).isEqualTo(plain);
    assertThat(listed.json()).isSameAs(listed.json());
    assertThat(listed).isEqualTo(Map.of("metas", metas));
  }
}
