package dev.shardgate.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EscapedMessageTest {

    @Test
    void aForgedLineStaysOnTheLineOfItsEvent() {
        String user = "x\n2026-12-07T00:00:00.000Z INFO  ClientSession event=client_connected client=1 user=admin";

        String line = format("event=client_rejected user={} sqlstate=28P01", user);

        assertThat(line).doesNotContain("\n").doesNotContain("\r");
        assertThat(line).isEqualTo("INFO event=client_rejected user=x\\n2026-12-07T00:00:00.000Z INFO  ClientSession "
                + "event=client_connected client=1 user=admin sqlstate=28P01");
    }

    @Test
    void everyControlCharacterIsEscaped() {
        assertThat(EscapedMessage.escape("a\rb\tc\u0000d\u001be\u007ff\u0085g\u2028h"))
                .isEqualTo("a\\rb\\tc\\u0000d\\u001be\\u007ff\\u0085g\\u2028h");
    }

    @Test
    void ordinaryTextIsLeftAsItIs() {
        String text = "event=client_connected user=\"Jürgen\" db=app_€ path=C:\\data";
        assertThat(EscapedMessage.escape(text)).isSameAs(text);
    }

    /** One event through the router's own logback.xml, as it would reach stderr. */
    private static String format(String message, Object... arguments) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        PrintStream stderr = System.err;
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(EscapedMessageTest.class.getResource("/logback.xml"));
            System.setErr(new PrintStream(written, true, StandardCharsets.UTF_8));
            context.getLogger("dev.shardgate.Test").info(message, arguments);
        } catch (JoranException e) {
            throw new IllegalStateException(e);
        } finally {
            System.setErr(stderr);
            context.stop();
        }
        String line = written.toString(StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n");
        // drop the timestamp; keep level and message
        return line.substring(0, line.length() - 1).replaceFirst("^\\S+ (\\S+)\\s+Test ", "$1 ");
    }
}
