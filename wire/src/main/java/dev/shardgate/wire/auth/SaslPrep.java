package dev.shardgate.wire.auth;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * The password bytes SCRAM hashes, prepared the way PostgreSQL's {@code pg_saslprep}
 * (src/common/saslprep.c) prepares them, so a secret derived here equals the one PostgreSQL
 * stores for the same password.
 *
 * <p>SASLprep (RFC 4013) is applied with PostgreSQL's two deviations: a pure ASCII password is
 * used as is, and a password SASLprep rejects (prohibited or unassigned characters, a broken
 * bidirectional rule, or nothing left after mapping) is used as its raw UTF-8 bytes instead of
 * failing. Like PostgreSQL, the prohibition and bidi checks look at the mapped characters before
 * NFKC normalization.
 *
 * <p>Where this differs from PostgreSQL: normalization and bidirectional classes come from the
 * JDK's Unicode version, not from RFC 3454's Unicode 3.2 tables; the "unassigned in Unicode 3.2"
 * check uses the JDK's own stringprep tables (see {@link #isUnassignedInUnicode32}). Only exotic
 * passwords whose characters changed class between Unicode versions could hash differently.
 */
final class SaslPrep {
    private SaslPrep() {
    }

    /** The UTF-8 bytes PBKDF2 is run over for {@code password}. */
    static byte[] prepare(String password) {
        byte[] raw = password.getBytes(StandardCharsets.UTF_8);
        if (isAscii(password)) {
            return raw;
        }
        // Spaces first: U+200B is in both tables and PostgreSQL maps it to a space.
        int[] mapped = password.codePoints()
                .map(cp -> isNonAsciiSpace(cp) ? ' ' : cp)
                .filter(cp -> !isMappedToNothing(cp))
                .toArray();
        if (mapped.length == 0 || !isAllowed(mapped) || !satisfiesBidiRule(mapped)) {
            return raw;
        }
        String normalized = Normalizer.normalize(new String(mapped, 0, mapped.length), Normalizer.Form.NFKC);
        return normalized.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    private static boolean isAllowed(int[] codePoints) {
        for (int cp : codePoints) {
            if (isProhibited(cp) || isUnassignedInUnicode32(cp)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3454 section 6: a string with a right-to-left character is all right-to-left or neutral. */
    private static boolean satisfiesBidiRule(int[] codePoints) {
        boolean hasRightToLeft = false;
        boolean hasLeftToRight = false;
        for (int cp : codePoints) {
            hasRightToLeft |= isRightToLeft(cp);
            hasLeftToRight |= Character.getDirectionality(cp) == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
        }
        if (!hasRightToLeft) {
            return true;
        }
        return !hasLeftToRight && isRightToLeft(codePoints[0]) && isRightToLeft(codePoints[codePoints.length - 1]);
    }

    private static boolean isRightToLeft(int cp) {
        byte d = Character.getDirectionality(cp);
        return d == Character.DIRECTIONALITY_RIGHT_TO_LEFT || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /**
     * Unassigned in Unicode 3.2 (RFC 3454 table A.1). The JDK's IDN nameprep carries exactly that
     * table, and its two modes differ only in whether unassigned code points are allowed, so a
     * code point accepted with {@code ALLOW_UNASSIGNED} and rejected without is unassigned.
     * Code points that both modes reject are prohibited ones, which {@link #isProhibited} covers.
     */
    private static boolean isUnassignedInUnicode32(int cp) {
        String s = Character.toString(cp);
        try {
            IDN.toASCII(s, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException rejectedEitherWay) {
            return false;
        }
        try {
            IDN.toASCII(s, 0);
            return false;
        } catch (IllegalArgumentException unassigned) {
            return true;
        }
    }

    /** RFC 3454 table C.1.2, which SASLprep maps to a space. */
    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    /** RFC 3454 table B.1, which SASLprep removes. */
    private static boolean isMappedToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F)
                || cp == 0xFEFF;
    }

    /** RFC 4013 section 2.3: tables C.1.2, C.2.1, C.2.2 and C.3 to C.9 of RFC 3454. */
    private static boolean isProhibited(int cp) {
        return isNonAsciiSpace(cp)
                // C.2.1 ASCII control characters
                || cp <= 0x1F || cp == 0x7F
                // C.2.2 non-ASCII control characters
                || (cp >= 0x80 && cp <= 0x9F) || cp == 0x06DD || cp == 0x070F || cp == 0x180E
                || cp == 0x200C || cp == 0x200D || cp == 0x2028 || cp == 0x2029
                || (cp >= 0x2060 && cp <= 0x2063) || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF
                || (cp >= 0xFFF9 && cp <= 0xFFFC) || (cp >= 0x1D173 && cp <= 0x1D17A)
                // C.3 private use
                || (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD)
                || (cp >= 0x100000 && cp <= 0x10FFFD)
                // C.4 non-character code points
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE
                // C.5 surrogate codes (a lone surrogate in a Java string)
                || (cp >= 0xD800 && cp <= 0xDFFF)
                // C.6 inappropriate for plain text
                || (cp >= 0xFFF9 && cp <= 0xFFFD)
                // C.7 inappropriate for canonical representation
                || (cp >= 0x2FF0 && cp <= 0x2FFB)
                // C.8 change display properties or deprecated
                || cp == 0x0340 || cp == 0x0341 || cp == 0x200E || cp == 0x200F
                || (cp >= 0x202A && cp <= 0x202E)
                // C.9 tagging characters
                || cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);
    }
}
