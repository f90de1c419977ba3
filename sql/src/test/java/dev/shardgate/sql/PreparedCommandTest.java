package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** SQL-level PREPARE, EXECUTE and DEALLOCATE: names and constant arguments, which route an EXECUTE. */
class PreparedCommandTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);

    @Test
    void executeGivesItsNameAndConstantArguments() {
        PreparedCommand command = analyzer.preparedCommand("EXECUTE By_Id(1010, 'x', now())");

        assertThat(command.kind()).isEqualTo(PreparedCommand.Kind.EXECUTE);
        assertThat(command.name()).isEqualTo("by_id");
        assertThat(command.arguments()).hasSize(3);
        assertThat(((Value.Literal) command.arguments().get(0)).text()).isEqualTo("1010");
        assertThat(((Value.Literal) command.arguments().get(1)).text()).isEqualTo("x");
        assertThat(command.arguments().get(2)).isNull();
    }

    @Test
    void prepareAndDeallocateGiveTheirName() {
        assertThat(analyzer.preparedCommand("PREPARE \"Q\" (int) AS SELECT $1"))
                .isEqualTo(new PreparedCommand(PreparedCommand.Kind.PREPARE, "Q", List.of(), 1));
        assertThat(analyzer.preparedCommand("DEALLOCATE PREPARE q"))
                .isEqualTo(new PreparedCommand(PreparedCommand.Kind.DEALLOCATE, "q", List.of()));
        assertThat(analyzer.preparedCommand("DEALLOCATE ALL").name()).isNull();
        assertThat(analyzer.preparedCommand("SELECT 1")).isNull();
        assertThat(analyzer.preparedCommand("EXECUTE a; EXECUTE b")).isNull();
    }
}
