package dev.rollcall.examples.chat;

import dev.rollcall.client.Channel;
import dev.rollcall.client.Presence;
import dev.rollcall.client.Reply;
import dev.rollcall.client.Socket;
import dev.rollcall.client.SocketConfig;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A terminal chat user: joins a room, prints messages and who is online, sends each line typed.
 * Client callbacks run on the socket's own thread; the caller's thread only reads lines and pushes.
 */
public final class ChatClient {
  private ChatClient() {}

  /** {@code ChatClient [ws://localhost:4000/socket] [name]} */
  public static void main(String[] args) throws Exception {
    String url = args.length > 0 ? args[0] : "ws://localhost:4000/socket";
    chat(url, args.length > 1 ? args[1] : "java", System.in, System.out);
  }

  // tag::client[]
  static void chat(String url, String user, InputStream in, PrintStream out) throws Exception {
    Socket socket = new Socket(url, SocketConfig.defaults());
    socket.connect();
    Channel room = socket.channel("room:lobby", Map.of("user", user));
    room.on(
        "new_msg",
        payload -> {
          if (payload instanceof Map<?, ?> message) {
            out.println(message.get("user") + ": " + message.get("body"));
          }
        });
    Presence presence = new Presence(room);
    presence.onSync(() -> out.println("online: " + presence.list((name, entry) -> name)));

    Reply joined = room.join().reply().get(10, TimeUnit.SECONDS);
    if (joined.isOk()) {
      var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        Reply sent = room.push("new_msg", Map.of("body", line)).reply().get(10, TimeUnit.SECONDS);
        if (!sent.isOk()) {
          out.println("not sent: " + sent.response());
        }
      }
    } else {
      out.println("cannot join: " + joined.response());
    }
    socket.disconnect().get(10, TimeUnit.SECONDS);
  }
  // end::client[]
}
