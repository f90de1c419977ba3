package dev.shardgate.router.sync;

import dev.shardgate.qdb.sync.PauseRequest;
import dev.shardgate.qdb.sync.PauseState;
import dev.shardgate.qdb.sync.ResumeRequest;
import dev.shardgate.qdb.sync.RouterTrafficGrpc;
import dev.shardgate.router.pool.Traffic;
import dev.shardgate.wire.PgException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;

/** The router's side of the coordinator's PAUSE and RESUME: what its own console would do. */
public final class TrafficReceiver extends RouterTrafficGrpc.RouterTrafficImplBase {
    private final Traffic traffic;

    public TrafficReceiver(Traffic traffic) {
        this.traffic = traffic;
    }

    @Override
    public void pause(PauseRequest request, StreamObserver<PauseState> answer) {
        PauseState state;
        try {
            int inFlight = traffic.pause(shard(request.getShard()), request.getReason(),
                    request.getLeaseMillis() > 0 ? Optional.of(Duration.ofMillis(request.getLeaseMillis())) : Optional.empty(),
                    request.getDrainMillis() > 0 ? Duration.ofMillis(request.getDrainMillis()) : null);
            state = PauseState.newBuilder().setInFlight(inFlight).build();
        } catch (PgException e) {
            state = PauseState.newBuilder().setError(e.getMessage()).build();
        }
        answer.onNext(state);
        answer.onCompleted();
    }

    @Override
    public void resume(ResumeRequest request, StreamObserver<PauseState> answer) {
        PauseState state;
        try {
            traffic.resume(shard(request.getShard()), Duration.ofMillis(request.getFreshCheckMillis()));
            state = PauseState.getDefaultInstance();
        } catch (PgException e) {
            state = PauseState.newBuilder().setError(e.getMessage()).build();
        }
        answer.onNext(state);
        answer.onCompleted();
    }

    private static Optional<String> shard(String name) {
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }
}
