package dev.rollcall.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.pubsub.LocalPubSub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ChatHistoryTest {

  @Property
  void keepsTheLastFiftyOfEachRoomOldestFirst(@ForAll @IntRange(min = 0, max = 130) int sent) {
    ChatHistory history = new ChatHistory(new LocalPubSub("history-test"));
    for (int i = 0; i < sent; i++) {
      history.add("room:a", Map.of("n", i));
    }
    history.add("room:b", Map.of("n", -1));
    List<Map<?, ?>> expected = new ArrayList<>();
    IntStream.range(Math.max(0, sent - ChatHistory.KEEP), sent)
        .forEach(n -> expected.add(Map.of("n", n)));
    assertThat(history.recent("room:a")).containsExactlyElementsOf(expected);
    assertThat(history.recent("room:b")).containsExactly(Map.of("n", -1));
    assertThat(history.recent("room:none")).isEmpty();
  }
}
