package dev.shardgate.qdb;

/** A registered watch; closing it stops deliveries (an event already being delivered finishes). */
public interface Subscription extends AutoCloseable {

    @Override
    void close();
}
