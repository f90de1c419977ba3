package dev.shardgate.coordinator.fleet;

import dev.shardgate.qdb.SyncChannels;
import dev.shardgate.qdb.SyncEndpoint;
import dev.shardgate.qdb.sync.Origin;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The links to the registered routers of an active coordinator: one {@link RouterLink} per router
 * while this coordinator leads, none while it stands by.
 */
public final class RouterFleet implements AutoCloseable {
    private final MetadataFeed feed;
    private final SyncChannels channels;
    private Origin origin;
    private final Map<String, RouterLink> links = new HashMap<>();
    private volatile boolean active;
    private volatile Consumer<RouterLink> onRouterUp = link -> { };

    public RouterFleet(MetadataFeed feed, String storeId) {
        this(feed, storeId, SyncChannels.PLAIN);
    }

    /** @param channels how links reach routers: plain text or TLS, as grpc_client_tls says */
    public RouterFleet(MetadataFeed feed, String storeId, SyncChannels channels) {
        this.channels = channels;
        this.feed = feed;
        this.origin = Origin.newBuilder().setStoreId(storeId).build();
    }

    /**
     * Called on a link's thread each time a router comes up: synced for the first time, after a
     * restart or after being unreachable. Set before {@link #activate}.
     */
    void onRouterUp(Consumer<RouterLink> listener) {
        onRouterUp = listener;
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
        RouterLink old = links.put(id, new RouterLink(id, endpoint, feed, origin, channels, link -> onRouterUp.accept(link)));
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

    /**
     * Waits until every router this coordinator feeds and can reach holds {@code version} or a
     * later one; a router that is down is not waited for (it syncs before it routes again).
     *
     * @return whether all reachable routers got there within {@code timeout}
     */
    public boolean awaitVersion(long version, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<RouterLink.Status> statuses;
            synchronized (this) {
                statuses = links.values().stream().map(RouterLink::status).toList();
            }
            boolean behind = statuses.stream()
                    .anyMatch(s -> !s.text().startsWith("down") && s.version() < version);
            if (!behind) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            // a move's every batch waits here for the routers' acknowledgement of its lock (a few ms):
            // reading the links' statuses is cheap, so look often rather than sleep past the answer
            Thread.sleep(1);
        }
    }

    /** The links now, in router id order. */
    synchronized List<RouterLink> links() {
        return links.values().stream().sorted(java.util.Comparator.comparing(RouterLink::id)).toList();
    }

    /** The version of the latest metadata change this coordinator feeds. */
    long latestVersion() {
        return feed.latest().version();
    }

    @Override
    public synchronized void close() {
        deactivate();
    }
}
