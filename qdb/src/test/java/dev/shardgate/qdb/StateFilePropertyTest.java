package dev.shardgate.qdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.Shard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever strings a state holds, the file gives them back unchanged. */
class StateFilePropertyTest {
    private static final Path FILE = Path.of("qdb.yaml");

    @Property(tries = 300)
    void varcharBoundsAndKeysRoundTrip(@ForAll("texts") List<String> texts) {
        List<MetadataChange> changes = new ArrayList<>(List.of(
                new MetadataChange.CreateShard(new Shard("sh1", List.of())),
                new MetadataChange.CreateDistribution(new Distribution("ds1", List.of(ColumnType.VARCHAR)))));
        TreeMap<String, byte[]> kv = new TreeMap<>();
        int i = 0;
        for (String text : new TreeSet<>(texts)) {
            changes.add(new MetadataChange.CreateKeyRange(new KeyRange("kr" + i++, KeyBound.of(KeyValue.varchar(text)), "sh1", "ds1")));
            if (!text.isEmpty()) {
                kv.put(text, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        QdbState state = new QdbState(7, Metadata.empty().apply(changes), kv);
        QdbState read = StateFile.parse(FILE, StateFile.format(state));
        assertThat(read.metadata()).isEqualTo(state.metadata());
        assertThat(read.version()).isEqualTo(7);
        assertThat(read.kv().keySet()).isEqualTo(kv.keySet());
        for (Map.Entry<String, byte[]> entry : kv.entrySet()) {
            assertThat(read.kv().get(entry.getKey())).isEqualTo(entry.getValue());
        }
    }

    /** Strings YAML treats specially: keywords, numbers, dates, comments, line breaks, controls. */
    @Provide
    Arbitrary<List<String>> texts() {
        Arbitrary<String> special = Arbitraries.of("", "yes", "No", "null", "~", "true", "1e3", "0x10", "012", ".inf",
                "2001-12-14", "- a", "? b", "a: b", "#c", "a #b", "'", "\"", "!tag", "&anchor", "*alias", "|", ">",
                " lead", "trail ", "\t", "a\r\nb", "a\rb", "\n", "\u0085", "\u2028", "\u2029", "\uFEFFbom", "\u0000",
                "\u001b[0m", "\u007f", "ключ", "😀", "<<", "=", "%YAML", "---", "...");
        Arbitrary<String> random = Arbitraries.integers().between(0, 0x10FFFF)
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                .list().ofMaxSize(6)
                .map(cps -> {
                    StringBuilder text = new StringBuilder();
                    cps.forEach(text::appendCodePoint);
                    return text.toString();
                });
        return Arbitraries.oneOf(special, random).list().ofMaxSize(12);
    }
}
