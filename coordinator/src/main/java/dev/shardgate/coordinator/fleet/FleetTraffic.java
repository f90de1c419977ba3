package dev.shardgate.coordinator.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.shardgate.console.exec.PauseInfo;
import dev.shardgate.console.replica.TrafficHold;
import dev.shardgate.qdb.KeyValues;
import dev.shardgate.qdb.QdbException;
import dev.shardgate.qdb.SyncChannels;
import dev.shardgate.qdb.sync.PauseRequest;
import dev.shardgate.qdb.sync.PauseState;
import dev.shardgate.qdb.sync.ResumeRequest;
import dev.shardgate.qdb.sync.RouterTrafficGrpc;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PAUSE and RESUME on every router the coordinator feeds, all at once; and the hold of a
 * switchover run by the coordinator. A router that does not answer is reported and not waited
 * for: the switchover's fencing on PostgreSQL protects its clients' data, and a pause it did get
 * ends with its lease. A PAUSE without a lease stands until RESUME: a router that comes up while it
 * stands (registered after it, restarted, or unreachable when it was given) is paused as soon as it
 * has synced its metadata. Standing pauses are kept in the QDB's key-value area ({@value #KEY_PREFIX}
 * + shard, {@code *} for every shard), so that they outlive a restart of the coordinator and pass
 * to the one that becomes active after it.
 */
public final class FleetTraffic implements TrafficHold {
    private static final Logger log = LoggerFactory.getLogger(FleetTraffic.class);
    /** Beyond the wait the router is asked for: the call itself. */
    private static final Duration CALL_MARGIN = Duration.ofSeconds(5);
    /** After a switchover: how long routers may take to hold the new host list and learn the new primary. */
    private static final Duration LEARN_WAIT = Duration.ofSeconds(5);

    /** One router's answer; {@code error} is null when it did as asked. */
    public record Answer(String router, String address, int inFlight, String error) {
    }

    /** Key prefix of the standing pauses in the QDB's key-value area. */
    static final String KEY_PREFIX = "pauses/";

    private final RouterFleet fleet;
    /** PAUSEs without a lease in force, by shard, given again to a router that comes up. */
    private final KeyValues standing;

    public FleetTraffic(RouterFleet fleet, KeyValues store) {
        this.fleet = fleet;
        this.standing = store;
        fleet.onRouterUp(this::giveStandingPauses);
    }

    public boolean isActive() {
        return fleet.isActive();
    }

    /** See the router's PAUSE; {@code drain} null: each router's pause_timeout. */
    public List<Answer> pause(Optional<String> shard, String reason, Duration drain, Optional<Duration> lease) {
        PauseRequest request = PauseRequest.newBuilder()
                .setShard(shard.orElse(""))
                .setReason(reason)
                .setDrainMillis(drain == null ? 0 : drain.toMillis())
                .setLeaseMillis(lease.map(Duration::toMillis).orElse(0L))
                .setSinceMillis(System.currentTimeMillis())
                .build();
        // without a drain bound the router waits up to its own pause_timeout (default 120 s)
        Duration wait = (drain == null ? Duration.ofMinutes(10) : drain).plus(CALL_MARGIN);
        if (lease.isEmpty()) {
            standing.put(key(request.getShard()), request.toByteArray());
        }
        return everyRouter(wait, link -> stub(link, wait).pause(request));
    }

    public List<Answer> resume(Optional<String> shard, Duration freshCheck) {
        ResumeRequest request = ResumeRequest.newBuilder()
                .setShard(shard.orElse(""))
                .setFreshCheckMillis(freshCheck.toMillis())
                .build();
        Duration wait = freshCheck.plus(CALL_MARGIN);
        if (shard.isEmpty()) {
            standing.scan(KEY_PREFIX).keySet().forEach(standing::delete);
        } else {
            standing.delete(key(shard.get()));
        }
        return everyRouter(wait, link -> stub(link, wait).resume(request));
    }

    @Override
    public String hold(String shard, Duration drain, Duration lease) {
        List<Answer> answers = pause(Optional.of(shard), "switchover", drain, Optional.of(lease));
        long held = answers.stream().filter(a -> a.error() == null).count();
        int inFlight = answers.stream().mapToInt(Answer::inFlight).sum();
        return held + " of " + answers.size() + " routers held, " + inFlight + " in flight";
    }

    /** Resumes once the routers hold the metadata without the former primary, then learned the new one. */
    @Override
    public void release(String shard) {
        try {
            if (!fleet.awaitVersion(fleet.latestVersion(), LEARN_WAIT)) {
                log.warn("event=switchover_release_early shard={} reason=\"not every router holds the new host list\"", shard);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resume(Optional.of(shard), LEARN_WAIT);
    }

    /** The standing pauses, for the coordinator's SHOW pauses: shard ({@code *}: every shard), reason, since. */
    public List<PauseInfo> standingPauses() {
        return stored().stream().map(request -> new PauseInfo(request.getShard().isEmpty() ? "*" : request.getShard(),
                request.getReason(), request.getSinceMillis() == 0 ? null : Instant.ofEpochMilli(request.getSinceMillis()).toString(),
                null)).toList();
    }

    /** The stored standing pauses; one that cannot be read is logged and left out. */
    private List<PauseRequest> stored() {
        List<PauseRequest> requests = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : standing.scan(KEY_PREFIX).entrySet()) {
            try {
                requests.add(PauseRequest.parseFrom(entry.getValue()));
            } catch (InvalidProtocolBufferException e) {
                log.warn("event=standing_pause_unreadable key={} error=\"{}\"", entry.getKey(), e.getMessage());
            }
        }
        return requests;
    }

    /** On the link's thread: the router just came up and gets every standing pause. */
    private void giveStandingPauses(RouterLink link) {
        List<PauseRequest> requests;
        try {
            requests = stored();
        } catch (QdbException e) {
            log.warn("event=standing_pauses_unread router={} error=\"{}\"", link.id(), e.getMessage());
            return;
        }
        for (PauseRequest request : requests) {
            String shard = request.getShard().isEmpty() ? "all" : request.getShard();
            try {
                PauseState state = stub(link, CALL_MARGIN).pause(request.toBuilder().setDrainMillis(1).build());
                if (state.getError().isEmpty()) {
                    log.info("event=router_pause_given router={} shard={} reason=\"{}\"", link.id(), shard, request.getReason());
                } else {
                    log.warn("event=router_pause_failed router={} shard={} error=\"{}\"", link.id(), shard, state.getError());
                }
            } catch (StatusRuntimeException e) {
                log.warn("event=router_pause_failed router={} shard={} error=\"{}\"", link.id(), shard, SyncChannels.describe(e));
            }
        }
    }

    private static String key(String shard) {
        return KEY_PREFIX + (shard.isEmpty() ? "*" : shard);
    }

    private static RouterTrafficGrpc.RouterTrafficBlockingStub stub(RouterLink link, Duration wait) {
        return RouterTrafficGrpc.newBlockingStub(link.channel()).withDeadlineAfter(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private List<Answer> everyRouter(Duration wait, Function<RouterLink, PauseState> call) {
        List<RouterLink> links = fleet.links();
        List<Answer> answers = new ArrayList<>(links.size());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<PauseState>> calls = new ArrayList<>();
            for (RouterLink link : links) {
                calls.add(threads.submit(() -> call.apply(link)));
            }
            for (int i = 0; i < links.size(); i++) {
                RouterLink link = links.get(i);
                String error;
                int inFlight = 0;
                try {
                    PauseState state = calls.get(i).get(wait.toMillis() + 1000, TimeUnit.MILLISECONDS);
                    inFlight = state.getInFlight();
                    error = state.getError().isEmpty() ? null : state.getError();
                } catch (ExecutionException e) {
                    error = e.getCause() instanceof StatusRuntimeException s ? SyncChannels.describe(s) : e.getCause().toString();
                } catch (java.util.concurrent.TimeoutException e) {
                    error = "no answer within " + wait.toMillis() + " ms";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    error = "interrupted";
                }
                if (error != null) {
                    log.warn("event=router_traffic_failed router={} address={} error=\"{}\"", link.id(), link.address(), error);
                }
                answers.add(new Answer(link.id(), link.address().toString(), inFlight, error));
            }
        }
        return answers;
    }
}
