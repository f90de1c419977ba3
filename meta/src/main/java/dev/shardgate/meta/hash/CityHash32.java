package dev.shardgate.meta.hash;

import static dev.shardgate.meta.hash.Murmur3.finalMix;
import static dev.shardgate.meta.hash.Murmur3.littleEndianInt;

/**
 * CityHash32 as defined by CityHash v1.1: separate paths for 0–4, 5–12 and 13–24 bytes, and a
 * 20-byte-per-round loop over three lanes for longer input.
 */
public final class CityHash32 {
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;
    private static final int M = 0xe6546b64;

    private CityHash32() {
    }

    /** The hash of all of {@code data}; read the result as an unsigned 32-bit number. */
    public static int hash(byte[] data) {
        return hash(data, 0, data.length);
    }

    public static int hash(byte[] data, int offset, int length) {
        if (length <= 4) {
            return upTo4(data, offset, length);
        }
        if (length <= 12) {
            return upTo12(data, offset, length);
        }
        if (length <= 24) {
            return upTo24(data, offset, length);
        }
        return longer(data, offset, length);
    }

    private static int mur(int a, int h) {
        a *= C1;
        a = Integer.rotateRight(a, 17);
        a *= C2;
        h ^= a;
        h = Integer.rotateRight(h, 19);
        return h * 5 + M;
    }

    private static int fetch(byte[] data, int offset) {
        return littleEndianInt(data, offset);
    }

    private static int upTo4(byte[] data, int offset, int length) {
        int b = 0;
        int c = 9;
        for (int i = 0; i < length; i++) {
            // The reference reads the bytes as signed char, so bytes >= 0x80 are sign-extended.
            b = b * C1 + data[offset + i];
            c ^= b;
        }
        return finalMix(mur(b, mur(length, c)));
    }

    private static int upTo12(byte[] data, int offset, int length) {
        int a = length + fetch(data, offset);
        int b = length * 5 + fetch(data, offset + length - 4);
        int c = 9 + fetch(data, offset + ((length >>> 1) & 4));
        int d = length * 5;
        return finalMix(mur(c, mur(b, mur(a, d))));
    }

    private static int upTo24(byte[] data, int offset, int length) {
        int a = fetch(data, offset - 4 + (length >>> 1));
        int b = fetch(data, offset + 4);
        int c = fetch(data, offset + length - 8);
        int d = fetch(data, offset + (length >>> 1));
        int e = fetch(data, offset);
        int f = fetch(data, offset + length - 4);
        return finalMix(mur(f, mur(e, mur(d, mur(c, mur(b, mur(a, length)))))));
    }

    private static int scramble(int word) {
        return Integer.rotateRight(word * C1, 17) * C2;
    }

    private static int longer(byte[] data, int offset, int length) {
        int end = offset + length;
        int h = length;
        int g = C1 * length;
        int f = g;
        h = Integer.rotateRight(h ^ scramble(fetch(data, end - 4)), 19) * 5 + M;
        h = Integer.rotateRight(h ^ scramble(fetch(data, end - 16)), 19) * 5 + M;
        g = Integer.rotateRight(g ^ scramble(fetch(data, end - 8)), 19) * 5 + M;
        g = Integer.rotateRight(g ^ scramble(fetch(data, end - 12)), 19) * 5 + M;
        f = Integer.rotateRight(f + scramble(fetch(data, end - 20)), 19) * 5 + M;

        int rounds = (length - 1) / 20;
        int at = offset;
        for (int round = 0; round < rounds; round++, at += 20) {
            int a0 = scramble(fetch(data, at));
            int a1 = fetch(data, at + 4);
            int a2 = scramble(fetch(data, at + 8));
            int a3 = scramble(fetch(data, at + 12));
            int a4 = fetch(data, at + 16);
            h = Integer.rotateRight(h ^ a0, 18) * 5 + M;
            f = Integer.rotateRight(f + a1, 19) * C1;
            g = Integer.rotateRight(g + a2, 18) * 5 + M;
            h = Integer.rotateRight(h ^ (a3 + a1), 19) * 5 + M;
            g = Integer.reverseBytes(g ^ a4) * 5;
            h = Integer.reverseBytes(h + a4 * 5);
            f += a0;
            // Rotate the three lanes: f takes g, h takes f, g takes h.
            int oldF = f;
            f = g;
            g = h;
            h = oldF;
        }
        g = Integer.rotateRight(g, 11) * C1;
        g = Integer.rotateRight(g, 17) * C1;
        f = Integer.rotateRight(f, 11) * C1;
        f = Integer.rotateRight(f, 17) * C1;
        h = Integer.rotateRight(h + g, 19) * 5 + M;
        h = Integer.rotateRight(h, 17) * C1;
        h = Integer.rotateRight(h + f, 19) * 5 + M;
        h = Integer.rotateRight(h, 17) * C1;
        return h;
    }
}
