package dev.shardgate.it.differential;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Equality of two values as text, by the comparison a column needs ({@link Shape.Check}). */
final class Values {
    static final String NULL = "∅";
    private static final Pattern TIME = Pattern.compile("([+-]?)(\\d+):(\\d+)(?::(\\d+(?:\\.\\d+)?))?");
    private static final BigDecimal MICROS_PER_SECOND = BigDecimal.valueOf(1_000_000L);

    private Values() {
    }

    static boolean same(String type, Shape.Check check, String router, String oracle) {
        if (router == null || oracle == null) {
            return router == oracle;
        }
        return switch (check) {
            case EXACT -> router.equals(oracle);
            case VALUE -> canonical(type, check, router).equals(canonical(type, check, oracle));
            case APPROXIMATE -> isFloat(type) ? closeEnough(type, router, oracle) : router.equals(oracle);
        };
    }

    /** The text by which equal values are equal: for VALUE columns of numeric, float and interval, their value. */
    static String canonical(String type, Shape.Check check, String text) {
        if (text == null) {
            return NULL;
        }
        if (check != Shape.Check.VALUE) {
            return text;
        }
        try {
            return switch (type) {
                case "numeric" -> new BigDecimal(text).stripTrailingZeros().toPlainString();
                case "float4", "float8" -> {
                    double value = Double.parseDouble(text);
                    yield Double.toString(value == 0 ? 0.0 : value); // -0 = 0
                }
                case "interval" -> intervalMicros(text).toPlainString();
                default -> text;
            };
        } catch (NumberFormatException e) {
            return text; // NaN, Infinity of numeric: compared as text
        }
    }

    private static boolean isFloat(String type) {
        return type.equals("float4") || type.equals("float8");
    }

    /**
     * Sums of floats legitimately differ in the last bits when the shards add in another order:
     * float8 within 1e-9 relative, float4 (7 significant digits) within 1e-6.
     */
    private static boolean closeEnough(String type, String router, String oracle) {
        double a;
        double b;
        try {
            a = Double.parseDouble(router);
            b = Double.parseDouble(oracle);
        } catch (NumberFormatException e) {
            return router.equals(oracle);
        }
        if (Double.isNaN(a) || Double.isNaN(b) || Double.isInfinite(a) || Double.isInfinite(b)) {
            return Double.compare(a, b) == 0;
        }
        double tolerance = type.equals("float4") ? 1e-6 : 1e-9;
        return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
    }

    /**
     * An interval as microseconds, a month being 30 days and a day 24 hours, as PostgreSQL's interval
     * equality has it. Reads PostgreSQL's output ({@code 1 mon 2 days 03:04:05.5}, {@code -1 days +02:00:00})
     * and pgjdbc's binary rendering ({@code 0 years 1 mons 2 days 3 hours 4 mins 5.5 secs}).
     */
    static BigDecimal intervalMicros(String text) {
        BigDecimal micros = BigDecimal.ZERO;
        String[] tokens = text.strip().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            Matcher time = TIME.matcher(tokens[i]);
            if (time.matches()) {
                BigDecimal seconds = new BigDecimal(time.group(2)).multiply(BigDecimal.valueOf(3600))
                        .add(new BigDecimal(time.group(3)).multiply(BigDecimal.valueOf(60)))
                        .add(time.group(4) == null ? BigDecimal.ZERO : new BigDecimal(time.group(4)));
                if (time.group(1).equals("-")) {
                    seconds = seconds.negate();
                }
                micros = micros.add(seconds.multiply(MICROS_PER_SECOND));
                continue;
            }
            if (i + 1 >= tokens.length) {
                throw new NumberFormatException("interval " + text);
            }
            BigDecimal amount = new BigDecimal(tokens[i]);
            String unit = tokens[++i];
            long factor = switch (unit.replaceAll("s$", "")) {
                case "year" -> 12L * 30 * 86_400_000_000L;
                case "mon" -> 30L * 86_400_000_000L;
                case "day" -> 86_400_000_000L;
                case "hour" -> 3_600_000_000L;
                case "min" -> 60_000_000L;
                case "sec" -> 1_000_000L;
                default -> throw new NumberFormatException("interval unit " + unit + " in " + text);
            };
            micros = micros.add(amount.multiply(BigDecimal.valueOf(factor)));
        }
        return micros.stripTrailingZeros();
    }
}
