package dev.shardgate.wire.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A brake on password guessing, per client address. After a failed login from an address, its
 * further logins start one at a time, {@code delay} apart, until one succeeds or the address has
 * had no failure for {@value #FORGET_AFTER_SECONDS} s. Delaying only the failure's answer (as
 * PostgreSQL's auth_delay does) would not do: a guesser with many connections at once learns of a
 * success immediately, so the attempts themselves are spaced. A login that would have to wait longer
 * than its auth_timeout is refused at once instead of holding a connection.
 *
 * <p>Memory is bounded: at most {@value #MAX_ADDRESSES} addresses are remembered; when full,
 * forgotten ones are dropped first, then the map is cleared (a flood from that many addresses is not
 * slowed by a per-address brake anyway).
 */
public final class FailedLogins {
    static final int FORGET_AFTER_SECONDS = 60;
    static final int MAX_ADDRESSES = 100_000;
    /** How often a waiting login looks whether another from its address succeeded meanwhile. */
    private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();

    /** @param nextStartNanos when the next login from the address may start */
    private record Record(long lastFailureNanos, long nextStartNanos) {
    }

    private final long delayNanos;
    private final Map<InetAddress, Record> byAddress = new ConcurrentHashMap<>();

    /** @param delay zero turns the brake off */
    public FailedLogins(Duration delay) {
        this.delayNanos = delay.toNanos();
    }

    /**
     * Waits for this address's turn, if it has failed recently.
     *
     * @return false when the turn is further away than {@code longest}: refuse the login
     */
    public boolean awaitTurn(InetAddress address, Duration longest) throws InterruptedException {
        if (delayNanos == 0 || address == null) {
            return true;
        }
        long now = System.nanoTime();
        long[] start = new long[1];
        Record taken = byAddress.computeIfPresent(address, (key, record) -> {
            if (now - record.lastFailureNanos() > Duration.ofSeconds(FORGET_AFTER_SECONDS).toNanos()) {
                return null;
            }
            start[0] = Math.max(now, record.nextStartNanos());
            if (start[0] - now > longest.toNanos()) {
                return record;
            }
            return new Record(record.lastFailureNanos(), start[0] + delayNanos);
        });
        if (taken == null) {
            return true;
        }
        if (start[0] - now > longest.toNanos()) {
            return false;
        }
        while (System.nanoTime() < start[0] && byAddress.containsKey(address)) {
            Thread.sleep(Duration.ofNanos(Math.min(POLL_NANOS, start[0] - System.nanoTime())));
        }
        return true;
    }

    /** A login from {@code address} failed: its next ones wait. */
    public void failed(InetAddress address) {
        if (delayNanos == 0 || address == null) {
            return;
        }
        if (byAddress.size() >= MAX_ADDRESSES) {
            forgetOld();
        }
        long now = System.nanoTime();
        byAddress.merge(address, new Record(now, now + delayNanos),
                (old, fresh) -> new Record(now, Math.max(old.nextStartNanos(), fresh.nextStartNanos())));
    }

    /**
     * A login from {@code address} gave a right password: it is known there, no more waiting. (Not
     * for a login that needed no password, or a guesser could lift its own brake with one.)
     */
    public void succeeded(InetAddress address) {
        if (address != null && !byAddress.isEmpty()) {
            byAddress.remove(address);
        }
    }

    int remembered() {
        return byAddress.size();
    }

    private void forgetOld() {
        long now = System.nanoTime();
        for (Iterator<Record> records = byAddress.values().iterator(); records.hasNext(); ) {
            if (now - records.next().lastFailureNanos() > Duration.ofSeconds(FORGET_AFTER_SECONDS).toNanos()) {
                records.remove();
            }
        }
        if (byAddress.size() >= MAX_ADDRESSES) {
            byAddress.clear();
        }
    }
}
