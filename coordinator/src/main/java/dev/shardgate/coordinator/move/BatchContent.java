package dev.shardgate.coordinator.move;

/**
 * One relation's rows in a batch as a move counted them ({@link RowChecksum}): how many, and the
 * sum of their lines' hashes.
 */
public record BatchContent(long rows, long checksum) {
    static final BatchContent EMPTY = new BatchContent(0, 0);

    /** As the QDB stores it: {@code rows:checksum}. */
    String text() {
        return rows + ":" + checksum;
    }

    static BatchContent parse(String text) {
        int colon = text.indexOf(':');
        return new BatchContent(Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
    }
}
