package dev.shardgate.coordinator.move;

/**
 * One relation's rows in a batch as a move counted them ({@link RowChecksum}): how many, and the
 * sum of their lines' hashes.
 */
record BatchContent(long rows, long checksum) {
}
