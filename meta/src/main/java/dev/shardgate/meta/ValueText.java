package dev.shardgate.meta;

import java.util.UUID;

/** Column values in PostgreSQL's text input syntax, with PostgreSQL's error messages. */
final class ValueText {
    private ValueText() {
    }

    /** Like int8in: optional surrounding whitespace and sign, decimal digits. */
    static long bigint(String text) {
        String digits = text == null ? "" : text.strip();
        if (!isDecimal(digits, digits.startsWith("+") || digits.startsWith("-") ? 1 : 0)) {
            throw new MetadataException(MetadataException.INVALID_TEXT_REPRESENTATION,
                    "invalid input syntax for type bigint: " + MetadataException.quote(String.valueOf(text)));
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new MetadataException(MetadataException.NUMERIC_VALUE_OUT_OF_RANGE,
                    "value " + MetadataException.quote(text) + " is out of range for type bigint");
        }
    }

    /** At least one ASCII digit from {@code from} to the end (routing calls this per key: no regex). */
    private static boolean isDecimal(String text, int from) {
        if (from >= text.length()) {
            return false;
        }
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static UUID uuid(String text) {
        UUID uuid = uuidOrNull(text);
        if (uuid == null) {
            throw new MetadataException(MetadataException.INVALID_TEXT_REPRESENTATION,
                    "invalid input syntax for type uuid: " + MetadataException.quote(String.valueOf(text)));
        }
        return uuid;
    }

    /**
     * Like uuid_in: 32 hex digits in either case, optionally in braces, with at most one hyphen
     * after any group of four digits (so the standard 8-4-4-4-12 form and the bare form both pass).
     */
    static UUID uuidOrNull(String text) {
        if (text == null) {
            return null;
        }
        int at = 0;
        int end = text.length();
        if (end > 0 && text.charAt(0) == '{') {
            if (text.charAt(end - 1) != '}') {
                return null;
            }
            at = 1;
            end--;
        }
        long high = 0;
        long low = 0;
        int digits = 0;
        while (digits < 32) {
            if (at >= end) {
                return null;
            }
            int digit = Character.digit(text.charAt(at++), 16);
            if (digit < 0 || text.charAt(at - 1) > 'f') {
                return null;
            }
            if (digits < 16) {
                high = high << 4 | digit;
            } else {
                low = low << 4 | digit;
            }
            digits++;
            if (digits % 4 == 0 && digits < 32 && at < end && text.charAt(at) == '-') {
                at++;
            }
        }
        return at == end ? new UUID(high, low) : null;
    }

    /** An unsigned 32-bit number in plain decimal digits; null when it is not one. */
    static Long unsigned32OrNull(String text) {
        if (text == null || text.length() > 10 || !isDecimal(text, 0)) {
            return null;
        }
        long value = Long.parseLong(text);
        return value <= 0xFFFF_FFFFL ? value : null;
    }
}
