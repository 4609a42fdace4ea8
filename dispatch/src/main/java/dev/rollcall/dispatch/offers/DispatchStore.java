package dev.rollcall.dispatch.offers;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the driver keeps dispatches, so that the next driver resumes them: in process on a single
 * node, in Redis in a cluster ({@link RedisDispatchStore}). Every node reads it for the board a
 * joining hero gets. Implementations are thread-safe.
 */
public interface DispatchStore extends AutoCloseable {

  /** Every dispatch stored: the open ones and the most recently resolved. */
  List<Dispatch> load();

  /** Stores {@code changed} and drops {@code forgotten}; throws if that may not have happened. */
  void apply(Collection<Dispatch> changed, Collection<String> forgotten);

  @Override
  default void close() {}

  static DispatchStore inProcess() {
    var dispatches = new ConcurrentHashMap<String, Dispatch>();
    return new DispatchStore() {
      @Override
      public List<Dispatch> load() {
        return List.copyOf(dispatches.values());
      }

      @Override
      public void apply(Collection<Dispatch> changed, Collection<String> forgotten) {
        changed.forEach(d -> dispatches.put(d.id(), d));
        forgotten.forEach(dispatches::remove);
      }
    };
  }
}
