package dev.shardgate.meta.hash;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CityHash32Test {

    /**
     * The CityHash32 column of CityHash v1.1's own test table: row i hashes i bytes starting at
     * offset i*i of a pseudo-random buffer. Rows 0–50 cover every length path (0–4, 5–12, 13–24,
     * and the 20-byte loop run once and twice).
     */
    private static final long[] EXPECTED = {
        0xdc56d17aL, 0x99929334L, 0x4252edb7L, 0xebc34f3cL, 0x26f2b463L, 0xb042c047L, 0xe73bb0a8L,
        0x91dfdd75L, 0xc87f95deL, 0x3f5538efL, 0x70eb1a1fL, 0xcfd63b83L, 0x894a52efL, 0x9cde6a54L,
        0x6c4898d5L, 0x13e1978eL, 0x051b4ba8L, 0xb6b06e40L, 0x0240a2f2L, 0x5dcefc30L, 0x7a48b105L,
        0xfd55007bL, 0x6b95894cL, 0x3360e827L, 0x45177e0bL, 0x7c6fffe4L, 0xbbc78da4L, 0xc5c25d39L,
        0xb6e5d06eL, 0x6178504eL, 0xbd4c3637L, 0x6e7ac474L, 0x1fb4b518L, 0x31d13d6dL, 0x26fa72e3L,
        0x6a7433bfL, 0x4e6df758L, 0xd57f63eaL, 0x52ef73b3L, 0x03cb36c3L, 0x72c39beaL, 0xa65aa25cL,
        0x74740539L, 0xc3ae3c26L, 0xf29db8a2L, 0x1ef4cbf4L, 0xa9be6c41L, 0x0fa31801L, 0x8331c5d8L,
        0xe9876db8L, 0x27b0604eL,
    };

    /** The reference test's buffer: two 64-bit lanes stirred with k0, one byte taken per step. */
    private static byte[] referenceData(int size) {
        long k0 = 0xc3a5c85c97cb3127L;
        long a = 9;
        long b = 777;
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            a += b;
            b += a;
            a = (a ^ (a >>> 41)) * k0;
            b = (b ^ (b >>> 41)) * k0 + i;
            data[i] = (byte) (b >>> 37);
        }
        return data;
    }

    @Test
    void matchesTheReferenceTable() {
        byte[] data = referenceData(EXPECTED.length * EXPECTED.length + EXPECTED.length);
        for (int i = 0; i < EXPECTED.length; i++) {
            int hash = CityHash32.hash(data, i * i, i);
            assertThat(Integer.toUnsignedLong(hash)).as("row %d (%d bytes)", i, i).isEqualTo(EXPECTED[i]);
        }
    }

    @Test
    void hashesAWholeArrayLikeItsSlice() {
        byte[] data = referenceData(100);
        byte[] slice = java.util.Arrays.copyOfRange(data, 30, 77);
        assertThat(CityHash32.hash(slice)).isEqualTo(CityHash32.hash(data, 30, 47));
    }
}
