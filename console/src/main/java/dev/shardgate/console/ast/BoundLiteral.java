package dev.shardgate.console.ast;

/**
 * One value of a key range bound, kept as text: its meaning depends on the distribution's column
 * type, which only the executor knows.
 *
 * @param text the digits (with a leading minus if negative) of a number, or the unescaped content
 *             of a string
 */
public record BoundLiteral(Kind kind, String text) {
    public enum Kind { NUMBER, STRING }

    public static BoundLiteral number(String digits) {
        return new BoundLiteral(Kind.NUMBER, digits);
    }

    public static BoundLiteral string(String content) {
        return new BoundLiteral(Kind.STRING, content);
    }
}
