package dev.shardgate.sql;

import java.util.Arrays;

/**
 * A query string with its plain constants — integers (a directly preceding unary minus included)
 * and ordinary {@code '…'} strings — replaced by {@code $1 … $n}. Query strings that differ only in
 * such constants share one masked text, so their analysis can be made once (see
 * {@link QueryShape}) and then filled in with each string's constants.
 *
 * <p>The lexer follows PostgreSQL's scanner only as far as needed to find those constants safely;
 * whenever it meets something it does not model it gives up ({@link #of} returns null) and the text
 * is analysed on its own: {@code $} anywhere (parameters, dollar quotes), prefixed strings
 * ({@code E'…'}, {@code B'…'}, {@code U&'…'}), strings continued on the next line, numbers running
 * into letters, unterminated quotes and comments. Floats stay as written.
 *
 * @param key the masked text and the kinds of its constants: equal keys mean the same shape
 * @param masked the text with {@code $n} in place of the constants, for the parser
 * @param values each constant as the analysis reads it, in order ({@code 007} → {@code 7},
 *     {@code 'it''s'} → {@code it's})
 * @param kinds each constant's kind: INTEGER or STRING
 * @param originalStarts where each constant starts in the original text
 * @param originalEnds where each constant ends in the original text
 * @param maskedStarts where each placeholder starts in the masked text
 */
record ConstantMask(String key, String masked, String[] values, LiteralKind[] kinds,
                    int[] originalStarts, int[] originalEnds, int[] maskedStarts) {
    /** More constants than this are not worth a shape (bulk INSERTs): the text is analysed on its own. */
    static final int MAX_CONSTANTS = 64;

    int count() {
        return values.length;
    }

    /** The constant's value as the parser's analysis would give it. */
    Value.Literal literal(int index) {
        return new Value.Literal(values[index], kinds[index], null);
    }

    /** Maps an offset in the masked text that is not inside a placeholder to the original text. */
    int originalOffset(int maskedOffset) {
        int shift = 0;
        for (int i = 0; i < maskedStarts.length && maskedStarts[i] < maskedOffset; i++) {
            int placeholderEnd = maskedStarts[i] + placeholderLength(i);
            if (maskedOffset < placeholderEnd) {
                throw new IllegalArgumentException("offset " + maskedOffset + " is inside placeholder $" + (i + 1));
            }
            shift = originalEnds[i] - placeholderEnd;
        }
        return maskedOffset + shift;
    }

    private static int placeholderLength(int index) {
        return 1 + Integer.toString(index + 1).length();
    }

    /** The mask of a query string, or null when it has no constants to mask or cannot be masked safely. */
    static ConstantMask of(String sql) {
        return new Scanner(sql).scan();
    }

    private static final class Scanner {
        private final String sql;
        private final int n;
        private final StringBuilder masked;
        private final StringBuilder kindMarks = new StringBuilder();
        private String[] values = new String[4];
        private LiteralKind[] kinds = new LiteralKind[4];
        private int[] originalStarts = new int[4];
        private int[] originalEnds = new int[4];
        private int[] maskedStarts = new int[4];
        private int count;
        /** Start of original text not yet copied to {@link #masked}. */
        private int copied;

        Scanner(String sql) {
            this.sql = sql;
            this.n = sql.length();
            this.masked = new StringBuilder(n + 8);
        }

        ConstantMask scan() {
            int i = 0;
            while (i < n) {
                char c = sql.charAt(i);
                if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                    i = SqlLexer.lineCommentEnd(sql, i);
                } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                    i = SqlLexer.blockCommentEnd(sql, i);
                    if (i < 0) {
                        return null;
                    }
                } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                    i++;
                } else if (c == '$') {
                    return null;
                } else if (c == '\'') {
                    if (i > 0 && isIdentifierPart(sql.charAt(i - 1))) {
                        return null; // E'…', B'…', X'…', N'…', U&'…' or a typed literal glued to its type
                    }
                    i = string(i);
                    if (i < 0) {
                        return null;
                    }
                } else if (c == '"') {
                    i = SqlLexer.quotedEnd(sql, i, false);
                    if (i < 0) {
                        return null;
                    }
                } else if (c >= '0' && c <= '9') {
                    i = number(i);
                    if (i < 0) {
                        return null;
                    }
                } else if (c == '.' && i + 1 < n && isDigit(sql.charAt(i + 1))) {
                    return null; // .5: a float written without its integer part
                } else if (isIdentifierStart(c)) {
                    while (i < n && isIdentifierPart(sql.charAt(i))) {
                        if (sql.charAt(i) == '$') {
                            return null;
                        }
                        i++;
                    }
                } else {
                    i++;
                }
                if (count > MAX_CONSTANTS) {
                    return null;
                }
            }
            if (count == 0) {
                return null;
            }
            masked.append(sql, copied, n);
            String maskedText = masked.toString();
            String key = maskedText + '\0' + kindMarks;
            return new ConstantMask(key, maskedText, Arrays.copyOf(values, count),
                    Arrays.copyOf(kinds, count), Arrays.copyOf(originalStarts, count),
                    Arrays.copyOf(originalEnds, count), Arrays.copyOf(maskedStarts, count));
        }

        /** A plain string constant from its opening quote; returns the offset after it, or -1 to give up. */
        private int string(int open) {
            StringBuilder content = null;
            int from = open + 1;
            int i = from;
            while (true) {
                int quote = sql.indexOf('\'', i);
                if (quote < 0) {
                    return -1;
                }
                if (quote + 1 < n && sql.charAt(quote + 1) == '\'') {
                    if (content == null) {
                        content = new StringBuilder();
                    }
                    content.append(sql, from, quote + 1);
                    from = quote + 2;
                    i = from;
                    continue;
                }
                String value = content == null ? sql.substring(from, quote) : content.append(sql, from, quote).toString();
                int end = quote + 1;
                if (continuesOnNextLine(end)) {
                    return -1;
                }
                add(open, end, value, LiteralKind.STRING, 'S');
                return end;
            }
        }

        /** PostgreSQL joins {@code 'a'} and {@code 'b'} separated by a line break into one constant. */
        private boolean continuesOnNextLine(int from) {
            int i = from;
            while (i < n && isBlank(sql.charAt(i))) {
                i++;
            }
            return i < n && sql.charAt(i) == '\'';
        }

        /** A number from its first digit; returns the offset after it, or -1 to give up. */
        private int number(int start) {
            int i = start;
            while (i < n && isDigit(sql.charAt(i))) {
                i++;
            }
            int digitsEnd = i;
            boolean isFloat = false;
            if (i < n && sql.charAt(i) == '.') {
                if (i + 1 < n && sql.charAt(i + 1) == '.') {
                    return -1;
                }
                isFloat = true;
                i++;
                while (i < n && isDigit(sql.charAt(i))) {
                    i++;
                }
            }
            if (i < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
                isFloat = true;
                i++;
                if (i < n && (sql.charAt(i) == '+' || sql.charAt(i) == '-')) {
                    i++;
                }
                if (i >= n || !isDigit(sql.charAt(i))) {
                    return -1;
                }
                while (i < n && isDigit(sql.charAt(i))) {
                    i++;
                }
            }
            if (i < n && (isIdentifierPart(sql.charAt(i)) || sql.charAt(i) == '.')) {
                return -1; // 1_000, 0x1F, 123abc, 1.2.3: not modelled
            }
            if (isFloat) {
                return i; // stays in the masked text as written
            }
            boolean negative = start > 0 && sql.charAt(start - 1) == '-' && isSignContext(start - 1);
            String digits = sql.substring(start, digitsEnd);
            add(negative ? start - 1 : start, digitsEnd, integerText(digits, negative), LiteralKind.INTEGER, 'I');
            return digitsEnd;
        }

        /**
         * Whether the {@code -} at {@code minus}, right before digits, is a sign the grammar folds into
         * the constant: what precedes it is an operator, an opening parenthesis, a comma or nothing.
         */
        private boolean isSignContext(int minus) {
            int i = minus - 1;
            while (i >= 0 && isBlank(sql.charAt(i))) {
                i--;
            }
            if (i < 0) {
                return true;
            }
            char before = sql.charAt(i);
            return before == '(' || before == ',' || before == '=' || before == '<' || before == '>'
                    || before == '+' || before == '-' || before == '*' || before == '/';
        }

        private void add(int start, int end, String value, LiteralKind kind, char mark) {
            if (count == values.length) {
                int grown = count * 2;
                values = Arrays.copyOf(values, grown);
                kinds = Arrays.copyOf(kinds, grown);
                originalStarts = Arrays.copyOf(originalStarts, grown);
                originalEnds = Arrays.copyOf(originalEnds, grown);
                maskedStarts = Arrays.copyOf(maskedStarts, grown);
            }
            masked.append(sql, copied, start);
            maskedStarts[count] = masked.length();
            masked.append('$').append(count + 1);
            values[count] = value;
            kinds[count] = kind;
            originalStarts[count] = start;
            originalEnds[count] = end;
            kindMarks.append(mark);
            copied = end;
            count++;
        }
    }

    /**
     * The text PostgreSQL's analysis reads for an integer constant: a value that fits int4 becomes an
     * Integer node (leading zeros gone), a larger one a Float node keeping the digits as written; a
     * folded minus negates either.
     */
    static String integerText(String digits, boolean negative) {
        int firstSignificant = 0;
        while (firstSignificant < digits.length() - 1 && digits.charAt(firstSignificant) == '0') {
            firstSignificant++;
        }
        String significant = digits.substring(firstSignificant);
        boolean fitsInt4 = significant.length() < 10
                || (significant.length() == 10 && significant.compareTo("2147483647") <= 0);
        if (!fitsInt4) {
            return negative ? "-" + digits : digits;
        }
        if (significant.equals("0")) {
            return "0";
        }
        return negative ? "-" + significant : significant;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || isDigit(c) || c == '$' || c == '&';
    }
}
