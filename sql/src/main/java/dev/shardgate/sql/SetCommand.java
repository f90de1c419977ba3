package dev.shardgate.sql;

/**
 * A change to session state: SET, SET LOCAL, RESET, DISCARD and SET TRANSACTION.
 *
 * @param kind which form
 * @param name the setting, lower case ({@code search_path}, {@code timezone} for SET TIME ZONE,
 *     {@code transaction} for SET TRANSACTION, {@code session characteristics} for SET SESSION
 *     CHARACTERISTICS AS TRANSACTION, {@code all}/{@code plans}/{@code temp}/{@code sequences}
 *     for DISCARD); null for RESET ALL
 * @param value the value as PostgreSQL would show it ({@code SET search_path TO a, b} gives
 *     {@code a, b}; SET TRANSACTION gives its modes, e.g. {@code isolation level serializable, read
 *     only}); null for DEFAULT, FROM CURRENT, RESET and DISCARD
 */
public record SetCommand(Kind kind, String name, String value) {
    public enum Kind {
        SET, SET_LOCAL, RESET, RESET_ALL, DISCARD_ALL, SET_TRANSACTION, DISCARD_OTHER
    }
}
