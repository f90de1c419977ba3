package dev.shardgate.router.session;

import dev.shardgate.router.route.RoutingHints;
import dev.shardgate.router.route.VirtualParameters;
import dev.shardgate.sql.Hints;
import dev.shardgate.wire.NoticeResponse;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.util.Collection;

/**
 * SPQR's {@code __spqr__reply_notice}: with it on, the client is told where each statement goes,
 * in SPQR's words ({@code NOTICE: send query to shard(s) : sh1,sh2}), before the statement's answer.
 */
final class ShardNotice {
    private ShardNotice() {
    }

    /** The session's, the transaction's or the statement's value; router.yaml's show_notice_messages before any. */
    static boolean isOn(ClientSession session, java.util.Map<String, String> inForce) {
        return inForce.containsKey(VirtualParameters.REPLY_NOTICE) ? RoutingHints.isOn(inForce, VirtualParameters.REPLY_NOTICE)
                : session.context().config().showNoticeMessages();
    }

    /** Tells the client, when the session or the statement's comment asks, that {@code sql} goes to {@code shards}. */
    static void sending(ClientSession session, String sql, Collection<String> shards) throws IOException {
        if (isWanted(session, sql)) {
            write(session.clientWriterWhenQuiet(), shards);
        }
    }

    /** The session or the statement's comment asks for the notice. */
    static boolean isWanted(ClientSession session, String sql) {
        return isOn(session, session.router.hints.with(Hints.fromComments(sql)));
    }

    /** The notice, written where nothing else is on its way to the client. */
    static void write(dev.shardgate.wire.PgWriter out, Collection<String> shards) throws IOException {
        out.write(NoticeResponse.of("NOTICE", SqlState.SUCCESSFUL_COMPLETION,
                "send query to shard(s) : " + String.join(",", shards)));
    }
}
