package dev.rollcall.client.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops every {@code Socket} runs on unless given others: created on first use, with
 * daemon threads so that an application that forgets to disconnect still exits. Thread-safe.
 */
public final class EventLoops {
  private static final boolean EPOLL = Epoll.isAvailable();

  private EventLoops() {}

  private static final class Holder {
    static final EventLoopGroup SHARED =
        create(
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
            "rollcall-client");
  }

  public static EventLoopGroup shared() {
    return Holder.SHARED;
  }

  public static EventLoopGroup create(int threads, String name) {
    IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
  }

  public static Class<? extends Channel> channelClass() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
