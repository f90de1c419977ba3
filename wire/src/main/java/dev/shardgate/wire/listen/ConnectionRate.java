package dev.shardgate.wire.listen;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * New connections per second from one client address, against a limit: a token bucket per address
 * holding at most one second's worth, so a burst of {@code perSecond} connections passes and a
 * steady flood is held to {@code perSecond}. Addresses idle for a minute are forgotten; at most
 * {@link #MAX_ADDRESSES} are remembered (beyond that the oldest state is dropped, which only ever
 * admits more).
 */
public final class ConnectionRate {
    static final int MAX_ADDRESSES = 100_000;
    private static final long FORGET_AFTER_NANOS = 60_000_000_000L;

    private final int perSecond;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perSecond connections per second per address; 0 admits every connection */
    public ConnectionRate(int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("rate " + perSecond + " < 0");
        }
        this.perSecond = perSecond;
    }

    public int perSecond() {
        return perSecond;
    }

    /** True when a connection from {@code address} is within the rate (and counts it). */
    public boolean tryAdmit(InetAddress address) {
        return tryAdmit(address, System.nanoTime());
    }

    boolean tryAdmit(InetAddress address, long now) {
        if (perSecond == 0 || address == null) {
            return true;
        }
        if (buckets.size() >= MAX_ADDRESSES) {
            buckets.values().removeIf(b -> b.idleSince(now) > FORGET_AFTER_NANOS);
            if (buckets.size() >= MAX_ADDRESSES) {
                buckets.clear();
            }
        }
        return buckets.computeIfAbsent(address, a -> new Bucket(perSecond, now)).take(perSecond, now);
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int perSecond, long now) {
            tokens = perSecond;
            last = now;
        }

        synchronized boolean take(int perSecond, long now) {
            tokens = Math.min(perSecond, tokens + (now - last) * perSecond / 1e9);
            last = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        synchronized long idleSince(long now) {
            return now - last;
        }
    }
}
