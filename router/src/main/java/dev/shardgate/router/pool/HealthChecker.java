package dev.shardgate.router.pool;

import dev.shardgate.router.backend.BackendAddress;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendConnector;
import dev.shardgate.router.config.HealthSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Checks every host of every shard in use, each {@code health_check_interval}, over a connection of
 * its own per host: one virtual thread runs the rounds, and each round checks all hosts at once (a
 * hung host costs the round {@code health_check_timeout}, not the others their checks). After a
 * round, each standby's lag is computed against its shard's primary, and two hosts claiming to be
 * primary are reported. The host lists are re-read every round, so hosts added or dropped through
 * the QDB take effect without a restart.
 */
public final class HealthChecker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    /** Who logs in to check a shard's hosts. */
    public record Credentials(String database, String user, String password) {
    }

    /** What a round needs from the pools: hosts, credentials, and where to report. */
    public interface Shards {
        /** Every shard with its hosts now (router.yaml, else the metadata). */
        Map<String, List<BackendAddress>> hosts();

        /** Who checks {@code shard}, or null while nobody can (the shard is not in use). */
        Credentials credentials(String shard);

        /** The round saw this host list for the shard. */
        void hostsAre(String shard, List<BackendAddress> hosts);

        /** The host's role changed at {@code nanos}: its older idle connections must go. */
        void roleChanged(BackendAddress host, long nanos);
    }

    /** How the checker's own connections show in pg_stat_activity. */
    public static final String APPLICATION_NAME = "shardgate_health_check";

    private final HealthSettings settings;
    private final BackendConnector connector;
    private final Shards shards;
    private final ConcurrentHashMap<BackendAddress, HostHealth> healths = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<BackendAddress, Link> links = new ConcurrentHashMap<>();
    /** The check thread of each host, so that a host whose check hangs gets no second one. */
    private final Map<BackendAddress, Thread> inFlight = new ConcurrentHashMap<>();
    /** Per shard: the last WAL position of its primary, for the lag of its standbys. */
    private final Map<String, Long> primaryWal = new ConcurrentHashMap<>();
    /** Per shard with two primaries: why it takes no writes, for SHOW hosts. */
    private final Map<String, String> conflicts = new ConcurrentHashMap<>();
    private volatile Thread thread;
    private volatile boolean closed;
    private volatile boolean checkSoon;
    /** Rounds begun and ended, so that a caller can wait for one that began after it asked. */
    private volatile long roundsBegun;
    private volatile long roundsEnded;

    private record Link(BackendConnection connection, Credentials credentials) {
    }

    /** @param connector opens check connections; its server_connect_timeout should be the check timeout */
    public HealthChecker(HealthSettings settings, BackendConnector connector, Shards shards) {
        this.settings = settings;
        this.connector = connector;
        this.shards = shards;
    }

    public void start() {
        thread = Thread.ofVirtual().name("health-checker").start(this::run);
    }

    /** The health of a host, shared by all pools that connect to it. */
    public HostHealth health(BackendAddress address) {
        HostHealth health = healths.get(address);
        return health != null ? health : healths.computeIfAbsent(address, HostHealth::new);
    }

    /** Checks every host soon rather than at the next interval: a connection to one broke. */
    public void checkSoon(BackendAddress address) {
        checkSoon = true;
        Thread running = thread;
        if (running != null) {
            LockSupport.unpark(running);
        }
    }

    /**
     * Asks for a round now and waits until one that began after this call has ended (roles and
     * host lists then reflect what was true when it was called), at most {@code timeout}.
     *
     * @return false when no round ended in time, or checks do not run
     */
    public boolean awaitFreshRound(java.time.Duration timeout) {
        if (thread == null || closed) {
            return false;
        }
        long wanted = roundsBegun + 1;
        long deadline = System.nanoTime() + timeout.toNanos();
        checkSoon(null);
        while (roundsEnded < wanted) {
            if (System.nanoTime() > deadline || closed) {
                return false;
            }
            LockSupport.parkNanos(5_000_000);
        }
        return true;
    }

    /** Why {@code shard} takes no writes now, or null. */
    public String conflict(String shard) {
        return conflicts.get(shard);
    }

    /** Every host checked, in no particular order. */
    public List<HostHealth> all() {
        return List.copyOf(healths.values());
    }

    private void run() {
        long interval = settings.interval().toNanos();
        long minimumGap = Math.min(interval, settings.timeout().toNanos());
        // the first round one interval after start, not during it: a router starting next to a hung
        // host serves its first clients as fast as without checks (until then logins tell roles)
        long first = System.nanoTime() + interval;
        while (!closed && System.nanoTime() < first) {
            LockSupport.parkNanos(first - System.nanoTime());
        }
        while (!closed) {
            long started = System.nanoTime();
            long number = ++roundsBegun;
            try {
                round();
            } catch (RuntimeException e) {
                log.warn("event=health_round_failed error=\"{}\"", e.toString());
            }
            roundsEnded = number;
            checkSoon = false;
            long next = started + interval;
            while (!closed) {
                long now = System.nanoTime();
                if (now >= next || (checkSoon && now - started >= minimumGap)) {
                    break;
                }
                LockSupport.parkNanos(checkSoon ? Math.min(next, started + minimumGap) - now : next - now);
            }
        }
    }

    /** One round: every host of every shard in use checked at once, then lag and conflicts. */
    void round() {
        Map<String, List<BackendAddress>> all = shards.hosts();
        Map<BackendAddress, Thread> running = new HashMap<>();
        Map<BackendAddress, CheckOutcome> outcomes = new ConcurrentHashMap<>();
        Map<String, List<BackendAddress>> checked = new HashMap<>();
        for (Map.Entry<String, List<BackendAddress>> shard : all.entrySet()) {
            Credentials credentials = shards.credentials(shard.getKey());
            shards.hostsAre(shard.getKey(), shard.getValue());
            if (credentials == null) {
                continue;
            }
            checked.put(shard.getKey(), shard.getValue());
            for (BackendAddress address : shard.getValue()) {
                Thread previous = inFlight.get(address);
                if (previous != null && previous.isAlive()) {
                    // the last round's check of this host still hangs: no second one beside it
                    running.put(address, previous);
                    continue;
                }
                Thread check = Thread.ofVirtual().name("health-check-" + address).unstarted(
                        () -> outcomes.put(address, check(address, credentials)));
                inFlight.put(address, check);
                running.put(address, check);
                check.start();
            }
        }
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        Instant now = Instant.now();
        Map<BackendAddress, Long> roleChanges = new HashMap<>();
        for (Map.Entry<BackendAddress, Thread> check : running.entrySet()) {
            BackendAddress address = check.getKey();
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    check.getValue().join(java.time.Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (closed) {
                return; // the router is closing: nothing of this round is news
            }
            HostHealth health = health(address);
            long before = health.roleChangedNanos();
            CheckOutcome outcome = outcomes.get(address);
            if (outcome == null) {
                dropLink(address); // ends the check's blocked read
                health.failed("no answer within health_check_timeout (" + settings.timeout().toMillis() + " ms)", now,
                        settings.fails());
            } else if (outcome.result != null) {
                sinceReplay.put(address, outcome.result.secondsSinceReplay());
                health.checked(outcome.result, now, settings.successes(), outcome.startedNanos);
            } else {
                health.failed(outcome.error, now, settings.fails());
            }
            if (health.roleChangedNanos() != before) {
                roleChanges.put(address, health.roleChangedNanos());
            }
        }
        for (Map.Entry<String, List<BackendAddress>> shard : checked.entrySet()) {
            lagAndConflicts(shard.getKey(), shard.getValue());
        }
        roleChanges.forEach(shards::roleChanged);
        forgetHostsNoLongerListed(all);
    }

    /** @param startedNanos when the query was sent (System.nanoTime): a primary's WAL position is at least what committed before */
    private record CheckOutcome(CheckResult result, String error, long startedNanos) {
    }

    private CheckOutcome check(BackendAddress address, Credentials credentials) {
        Link link = links.get(address);
        try {
            if (link == null || link.connection.isBroken() || !link.credentials.equals(credentials)) {
                if (link != null) {
                    link.connection.close();
                }
                link = new Link(connector.connect(address, credentials.database(), credentials.user(), credentials.password(),
                        java.util.Map.of("application_name", APPLICATION_NAME)),
                        credentials);
                links.put(address, link);
                if (closed) {
                    dropLink(address); // the router closed while this check logged in
                    return new CheckOutcome(null, "router closed", 0);
                }
            }
            long started = System.nanoTime();
            return new CheckOutcome(HealthQuery.run(link.connection), null, started);
        } catch (Exception e) {
            if (link != null) {
                link.connection.close();
                links.remove(address, link);
            }
            return new CheckOutcome(null, e.getMessage() == null ? e.toString() : e.getMessage(), 0);
        }
    }

    private void dropLink(BackendAddress address) {
        Link link = links.remove(address);
        if (link != null) {
            link.connection.close();
        }
    }

    /**
     * A standby's lag in bytes is its shard primary's last WAL position minus its replay position;
     * in seconds, 0 when caught up, else the time since its last replayed transaction.
     */
    private void lagAndConflicts(String shard, List<BackendAddress> hosts) {
        List<HostHealth> primaries = new ArrayList<>();
        for (BackendAddress address : hosts) {
            if (HostChoice.claimsWrites(health(address).status())) {
                primaries.add(health(address));
            }
        }
        if (primaries.size() == 1 && primaries.getFirst().status().walBytes() >= 0) {
            primaryWal.put(shard, primaries.getFirst().status().walBytes());
        }
        if (primaries.size() > 1) {
            String why = "no writes: " + primaries.stream().map(HostHealth::hostPort).toList() + " all claim to be primary";
            if (!why.equals(conflicts.put(shard, why))) {
                log.error("event=two_primaries shard={} hosts={} action=writes_refused", shard,
                        primaries.stream().map(HostHealth::hostPort).toList());
            }
        } else if (conflicts.remove(shard) != null) {
            log.info("event=two_primaries_resolved shard={} primaries={}", shard, primaries.stream().map(HostHealth::hostPort).toList());
        }
        Long primary = primaryWal.get(shard);
        for (BackendAddress address : hosts) {
            HostHealth health = health(address);
            HostStatus status = health.status();
            if (status.role() != HostRole.STANDBY || !status.roleIsCurrent()) {
                continue;
            }
            if (primary == null || status.walBytes() < 0) {
                health.lag(-1, -1);
                continue;
            }
            long bytes = Math.max(0, primary - status.walBytes());
            double seconds = bytes == 0 ? 0 : lastSecondsSinceReplay(address);
            health.lag(bytes, seconds);
        }
    }

    private final Map<BackendAddress, Double> sinceReplay = new ConcurrentHashMap<>();

    private double lastSecondsSinceReplay(BackendAddress address) {
        return sinceReplay.getOrDefault(address, -1.0);
    }

    private void forgetHostsNoLongerListed(Map<String, List<BackendAddress>> all) {
        Set<BackendAddress> listed = new HashSet<>();
        all.values().forEach(listed::addAll);
        for (BackendAddress address : List.copyOf(healths.keySet())) {
            if (!listed.contains(address)) {
                healths.remove(address);
                inFlight.remove(address);
                dropLink(address);
                sinceReplay.remove(address);
            }
        }
        primaryWal.keySet().retainAll(all.keySet());
        conflicts.keySet().retainAll(all.keySet());
    }

    @Override
    public void close() {
        closed = true;
        Thread running = thread;
        if (running != null) {
            LockSupport.unpark(running);
        }
        for (BackendAddress address : List.copyOf(links.keySet())) {
            dropLink(address);
        }
    }
}
