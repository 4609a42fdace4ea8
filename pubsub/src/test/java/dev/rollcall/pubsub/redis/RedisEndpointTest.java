package dev.rollcall.pubsub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The {@code --redis} URL forms: one server, Sentinel, Cluster; and clear errors for the rest. */
class RedisEndpointTest {

  @Test
  void aPlainUrlIsOneServer() {
    var endpoint = RedisEndpoint.parse("redis://127.0.0.1:6380/2");
    assertThat(endpoint).isInstanceOf(RedisEndpoint.Single.class);
    assertThat(endpoint.describe()).isEqualTo("127.0.0.1:6380");
  }

  @Test
  void aClusterUrlListsItsSeedNodesAndCarriesTheCredentialsToEach() {
    var endpoint =
        (RedisEndpoint.Cluster)
            RedisEndpoint.parse("redis-cluster://app:s3cret@10.0.0.1:7000,10.0.0.2:7001/");
    assertThat(endpoint.seeds())
        .extracting(uri -> uri.getHost() + ":" + uri.getPort())
        .containsExactly("10.0.0.1:7000", "10.0.0.2:7001");
    assertThat(endpoint.seeds())
        .allSatisfy(
            uri -> {
              var credentials = uri.getCredentialsProvider().resolveCredentials().block();
              assertThat(credentials.getUsername()).isEqualTo("app");
              assertThat(new String(credentials.getPassword())).isEqualTo("s3cret");
            });
    assertThat(endpoint.describe()).isEqualTo("cluster 10.0.0.1:7000,10.0.0.2:7001");
  }

  @Test
  void aSentinelUrlNamesItsMasterAfterTheSlashOrLettucesHash() {
    for (String url :
        new String[] {
          "redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/mymaster",
          "redis-sentinel://127.0.0.1:26379,127.0.0.1:26380#mymaster"
        }) {
      var endpoint = (RedisEndpoint.Single) RedisEndpoint.parse(url);
      assertThat(endpoint.uri().getSentinelMasterId()).as(url).isEqualTo("mymaster");
      assertThat(endpoint.uri().getSentinels()).hasSize(2);
      assertThat(endpoint.describe())
          .isEqualTo("sentinel master mymaster via 127.0.0.1:26379,127.0.0.1:26380");
    }
  }

  @Test
  void incompleteTopologyUrlsAreRefusedWithTheFormTheyNeed() {
    assertThatThrownBy(() -> RedisConfig.defaults().withUri("redis-sentinel://127.0.0.1:26379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis-sentinel://[password@]host:port[,host:port...]/mastername");
    assertThatThrownBy(() -> RedisConfig.defaults().withUri("redis-cluster://127.0.0.1:7000/3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis-cluster://[user:password@]host:port[,host:port...]");
    assertThatThrownBy(() -> RedisConfig.defaults().withUri("redis-cluster://127.0.0.1:7000,,x:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty host in cluster URL");
  }
}
