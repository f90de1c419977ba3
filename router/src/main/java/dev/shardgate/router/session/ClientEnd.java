package dev.shardgate.router.session;

import dev.shardgate.wire.CopyFail;
import dev.shardgate.wire.Sync;

import java.io.IOException;
import java.util.ArrayList;

/**
 * The client left: its idle backend goes back to the pool, or the relay still reading it finishes
 * first. A segment without Sync gets one and a COPY FROM STDIN a CopyFail, so that the backend
 * answers, rolls back and can be given back rather than waiting for a client that is gone.
 */
final class ClientEnd {
    private ClientEnd() {
    }

    static void release(ClientSession session) {
        BackendLink l;
        boolean relaying;
        boolean drainHere = false;
        boolean sendSync = false;
        session.lock.lock();
        try {
            session.clientGone = true;
            l = session.link;
            if (l == null) {
                return;
            }
            l.replay = null; // a BEGIN not sent yet need not be
            relaying = l.relaying;
            if (!relaying && !l.isQuiet()) {
                // messages of a batch were sent before their relay was started: drain their answers
                l.relaying = true;
                relaying = true;
                drainHere = true;
            }
            if (!relaying) {
                session.link = null;
            } else {
                l.writing = true;
                if (l.unsynced || l.syncsInFlight == 0) {
                    // Parse/Bind/Execute without a Sync: send one, so the backend answers and the relay ends.
                    BackendLink.expectReady(l, new Sync(), new ArrayList<>());
                    l.unsynced = false; // the Sync ends the segment: its ReadyForQuery leaves the backend quiet
                    sendSync = true;
                }
            }
        } finally {
            session.lock.unlock();
        }
        if (!relaying) {
            Relay.finish(session, l);
            return;
        }
        try {
            if (l.copyingIn) {
                // ends the COPY with an error; the relay then sees its ReadyForQuery and rolls back
                l.backend.writer().write(new CopyFail("the client connection ended during COPY"));
            }
            if (sendSync) {
                l.backend.writer().write(new Sync());
            }
            l.backend.writer().flush(); // the client may have left right after a Sync still in our buffer
        } catch (IOException e) {
            l.backend.markBroken();
        }
        boolean finishNow;
        session.lock.lock();
        try {
            l.writing = false;
            finishNow = !l.relaying && session.link == l;
            if (finishNow) {
                session.link = null;
            }
        } finally {
            session.lock.unlock();
        }
        if (finishNow) {
            Relay.finish(session, l);
        } else if (drainHere) {
            Relay.run(session, l, false);
        }
    }
}
