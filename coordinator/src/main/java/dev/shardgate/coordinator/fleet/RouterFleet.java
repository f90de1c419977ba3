package dev.shardgate.coordinator.fleet;

import dev.shardgate.qdb.SyncEndpoint;
import dev.shardgate.qdb.sync.Origin;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The links to the registered routers of an active coordinator: one {@link RouterLink} per router
 * while this coordinator leads, none while it stands by.
 */
public final class RouterFleet implements AutoCloseable {
    private final MetadataFeed feed;
    private Origin origin;
    private final Map<String, RouterLink> links = new HashMap<>();
    private volatile boolean active;

    public RouterFleet(MetadataFeed feed, String storeId) {
        this.feed = feed;
        this.origin = Origin.newBuilder().setStoreId(storeId).build();
    }

    /** Who the routers are told sends them metadata; set before {@link #activate}. */
    public synchronized void origin(Origin origin) {
        this.origin = origin;
    }

    /** Starts feeding {@code routers} (id → address as registered). */
    public synchronized void activate(Map<String, String> routers) {
        active = true;
        routers.forEach(this::add);
    }

    /** Stops feeding every router: another coordinator leads now. */
    public synchronized void deactivate() {
        active = false;
        links.values().forEach(RouterLink::stop);
        links.clear();
    }

    public boolean isActive() {
        return active;
    }

    /** Feeds one more router, if active; an address that is no host:port is refused before registering. */
    public synchronized void add(String id, String address) {
        SyncEndpoint endpoint = SyncEndpoint.parse(address);
        if (!active) {
            return;
        }
        RouterLink old = links.put(id, new RouterLink(id, endpoint, feed, origin));
        if (old != null) {
            old.stop();
        }
    }

    public synchronized void remove(String id) {
        RouterLink link = links.remove(id);
        if (link != null) {
            link.stop();
        }
    }

    /** What SHOW routers says: up, syncing, down (why), with the version the router holds. */
    public synchronized Optional<String> status(String id) {
        RouterLink link = links.get(id);
        if (link == null) {
            return Optional.empty();
        }
        RouterLink.Status status = link.status();
        return Optional.of(status.version() < 0 ? status.text() : status.text() + ", version " + status.version());
    }

    @Override
    public synchronized void close() {
        deactivate();
    }
}
