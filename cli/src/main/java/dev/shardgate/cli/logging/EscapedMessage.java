package dev.shardgate.cli.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %emsg}: the event's message with control characters escaped, so that one event stays one
 * line. User and database names, application_name, statement text and errors echoing them come from
 * clients; a name containing "\n2026-… INFO … event=client_connected" must not forge a line of its
 * own. Newline, carriage return and tab become {@code \n}, {@code \r}, {@code \t}; other C0 and C1
 * controls, DEL and the Unicode line and paragraph separators become {@code \}{@code uXXXX}.
 * Applied where every line is written (the layout), so no call site can forget it.
 */
public final class EscapedMessage extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return escape(event.getFormattedMessage());
    }

    /** {@code text} with its control characters escaped; the same string when it has none (the usual case). */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int first = 0;
        while (first < text.length() && !isControl(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (isControl(c)) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
