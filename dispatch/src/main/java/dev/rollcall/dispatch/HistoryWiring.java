package dev.rollcall.dispatch;

import dev.rollcall.dispatch.history.HistoryConfig;
import dev.rollcall.dispatch.history.InProcessHeroDirectory;
import dev.rollcall.dispatch.history.InProcessHistory;
import dev.rollcall.dispatch.history.NotificationHistory;
import dev.rollcall.dispatch.history.RedisHeroDirectory;
import dev.rollcall.dispatch.history.RedisHistory;
import dev.rollcall.pubsub.redis.RedisConfig;
import java.time.Clock;

/**
 * Picks where history is kept: in Redis Streams when clustered (a hero who reconnects to another
 * node recovers the same notifications), else in process; with {@code --history-size 0} nothing is
 * kept and ids come from this process.
 */
final class HistoryWiring {
  private HistoryWiring() {}

  static NotificationHistory open(LaunchOptions options, Clock clock) {
    var config = new HistoryConfig(options.historySize(), options.historyTtl());
    if (options.redis() == null || !config.enabled()) {
      return new NotificationHistory(
          config,
          new InProcessHistory(config, clock),
          new InProcessHeroDirectory(config.ttl(), clock));
    }
    String prefix = RedisConfig.defaults().channelPrefix();
    var store = RedisHistory.open(options.redis().toString(), prefix, config, clock);
    return new NotificationHistory(
        config, store, new RedisHeroDirectory(store, prefix, config.ttl()));
  }
}
