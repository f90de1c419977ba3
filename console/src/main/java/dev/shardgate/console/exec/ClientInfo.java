package dev.shardgate.console.exec;

/**
 * One connected client, a row of {@code SHOW clients}.
 *
 * @param clientId      the id {@code KILL CLIENT} would take
 * @param clientAddress {@code host:port} of the client's socket
 * @param serverId      the backend connection the client holds now, or null between transactions
 */
public record ClientInfo(String clientId, String user, String database, String clientAddress, String serverId) {
}
