package dev.shardgate.console.exec;

/**
 * One open backend connection, a row of {@code SHOW backend_connections}.
 *
 * @param hostname         {@code host:port} of the shard host it is connected to
 * @param pid              the PostgreSQL backend's process id, from its BackendKeyData
 * @param transactionState what the backend's last ReadyForQuery said: {@code idle},
 *                         {@code in transaction} or {@code in failed transaction}
 * @param transactionsServed transactions run on it since it was opened
 */
public record BackendInfo(String backendConnectionId, String shardId, String hostname, int pid, String user,
                          String database, String transactionState, long transactionsServed) {
}
