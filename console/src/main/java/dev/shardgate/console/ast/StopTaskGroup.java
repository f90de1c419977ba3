package dev.shardgate.console.ast;

/**
 * {@code STOP TASK GROUP id [IMMEDIATE]}; the id may be written as a name, a number or a string.
 *
 * @param immediate stop after the step running now, not at the end of its batch (SPQR's terminate
 *                  rather than cancel)
 */
public record StopTaskGroup(String id, boolean immediate) implements ConsoleStatement {
    public StopTaskGroup(String id) {
        this(id, false);
    }
}
