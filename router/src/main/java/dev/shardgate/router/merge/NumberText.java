package dev.shardgate.router.merge;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Arithmetic on numbers in PostgreSQL's text format, giving the text PostgreSQL would print. */
final class NumberText {
    /** numeric.c: NUMERIC_MIN_SIG_DIGITS, DEC_DIGITS, NUMERIC_MAX_DISPLAY_SCALE. */
    private static final int MIN_SIGNIFICANT_DIGITS = 16;
    private static final int DECIMAL_DIGITS_PER_WORD = 4;
    private static final int MAX_DISPLAY_SCALE = 1000;
    private static final BigDecimal WORD = BigDecimal.valueOf(10_000);

    private NumberText() {
    }

    /**
     * numeric_div as avg uses it: the quotient with at least 16 significant digits and no fewer
     * decimals than either input shows (numeric.c, select_div_scale), rounded half away from zero.
     */
    static BigDecimal divide(BigDecimal dividend, BigDecimal divisor) {
        int weight1 = weight(dividend);
        int weight2 = weight(divisor);
        int first1 = firstWord(dividend, weight1);
        int first2 = firstWord(divisor, weight2);
        int quotientWeight = weight1 - weight2;
        if (first1 <= first2) {
            quotientWeight--;
        }
        int scale = MIN_SIGNIFICANT_DIGITS - quotientWeight * DECIMAL_DIGITS_PER_WORD;
        scale = Math.max(scale, Math.max(displayScale(dividend), displayScale(divisor)));
        scale = Math.clamp(scale, 0, MAX_DISPLAY_SCALE);
        return dividend.divide(divisor, scale, RoundingMode.HALF_UP);
    }

    /** The decimals the text shows: numeric keeps trailing zeros. */
    private static int displayScale(BigDecimal value) {
        return Math.max(value.scale(), 0);
    }

    /** The power of 10000 of the value's first non-zero base-10000 digit; 0 for zero, as numeric.c has it. */
    private static int weight(BigDecimal value) {
        if (value.signum() == 0) {
            return 0;
        }
        int exponent = value.precision() - value.scale() - 1; // of the leading decimal digit
        return Math.floorDiv(exponent, DECIMAL_DIGITS_PER_WORD);
    }

    private static int firstWord(BigDecimal value, int weight) {
        if (value.signum() == 0) {
            return 0;
        }
        return value.abs().scaleByPowerOfTen(-DECIMAL_DIGITS_PER_WORD * weight).toBigInteger().intValue();
    }

    /**
     * float8pl: the sum, or 22003 when finite values add up to an infinity (an infinite input gives an
     * infinite or NaN sum without error, as in PostgreSQL).
     */
    static double plus(double a, double b) {
        double sum = a + b;
        if (Double.isInfinite(sum) && !Double.isInfinite(a) && !Double.isInfinite(b)) {
            throw overflow();
        }
        return sum;
    }

    /** float4pl: sum(real) adds in single precision, with float8pl's overflow rule. */
    static float plus(float a, float b) {
        float sum = a + b;
        if (Float.isInfinite(sum) && !Float.isInfinite(a) && !Float.isInfinite(b)) {
            throw overflow();
        }
        return sum;
    }

    private static PgException overflow() {
        return new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow");
    }

    /**
     * float8out / float4out with extra_float_digits ≥ 1 (the default): the shortest text that reads
     * back to the same value, in exponent form when the exponent is below -4 or at least the type's
     * digits (15, or 6 for real).
     */
    static String formatFloat(double value, boolean single) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0" : "0";
        }
        BigDecimal shortest = new BigDecimal(single ? Float.toString((float) value) : Double.toString(value))
                .stripTrailingZeros();
        int exponent = shortest.precision() - shortest.scale() - 1;
        if (exponent < -4 || exponent >= (single ? 6 : 15)) {
            String digits = shortest.unscaledValue().abs().toString();
            StringBuilder out = new StringBuilder();
            if (shortest.signum() < 0) {
                out.append('-');
            }
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int magnitude = Math.abs(exponent);
            out.append(magnitude < 10 ? "0" : "").append(magnitude);
            return out.toString();
        }
        return shortest.toPlainString();
    }
}
