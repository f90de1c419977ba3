package dev.shardgate.router.route;

/** A statement's key lies in a locked key range (being moved): the session waits and routes again. */
public final class KeyRangeLocked extends RuntimeException {
    private final String keyRangeId;

    public KeyRangeLocked(String keyRangeId) {
        super("key range \"" + keyRangeId + "\" is locked", null, false, false);
        this.keyRangeId = keyRangeId;
    }

    public String keyRangeId() {
        return keyRangeId;
    }
}
