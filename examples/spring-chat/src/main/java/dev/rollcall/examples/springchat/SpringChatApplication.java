package dev.rollcall.examples.springchat;

import dev.rollcall.examples.chat.ChatChannel;
import dev.rollcall.examples.chat.ChatHistory;
import dev.rollcall.presence.Presence;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.spring.ChannelRoute;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The chat on Spring Boot: the starter provides the endpoint, {@link PubSub} and {@link Presence}
 * (configured in application.yml); the application only declares its channel.
 */
@SpringBootApplication
public class SpringChatApplication {

  @Bean
  ChatHistory chatHistory(PubSub pubSub) {
    return new ChatHistory(pubSub);
  }

  @Bean
  ChannelRoute rooms(Presence presence, ChatHistory history) {
    return new ChannelRoute("room:*", () -> new ChatChannel(presence, history));
  }

  public static void main(String[] args) {
    SpringApplication.run(SpringChatApplication.class, args);
  }
}
