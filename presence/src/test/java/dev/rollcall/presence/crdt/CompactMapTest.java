package dev.rollcall.presence.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactMapTest {

  @Test
  void behavesAsAnImmutableMapInInsertionOrderWithNulls() throws Exception {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("z", 1);
    source.put("a", null);
    source.put("m", "x");
    Map<String, Object> map = CompactMap.of(source);

    assertThat(map).hasSize(3).containsKey("a").doesNotContainKey("b");
    assertThat(map.get("a")).isNull();
    assertThat(map.get("m")).isEqualTo("x");
    assertThat(map.keySet()).containsExactly("z", "a", "m");
    assertThat(map).isEqualTo(new HashMap<>(source));
    assertThat(map.hashCode()).isEqualTo(new HashMap<>(source).hashCode());
    assertThat(new ObjectMapper().writeValueAsString(map))
        .isEqualTo("{\"z\":1,\"a\":null,\"m\":\"x\"}");
    assertThatThrownBy(() -> map.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.entrySet().iterator().next().setValue(3))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
