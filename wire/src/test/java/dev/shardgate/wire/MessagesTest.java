package dev.shardgate.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the records add beyond their fields: defaults, shorthands, readers and content equality. */
class MessagesTest {

    @Test
    void databaseDefaultsToTheUserAsInPostgresql() {
        assertThat(StartupMessage.of(Map.of("user", "alice")).database()).isEqualTo("alice");
        assertThat(StartupMessage.of(Map.of("user", "alice", "database", "")).database()).isEqualTo("alice");
        assertThat(StartupMessage.of(Map.of("user", "alice", "database", "shop")).database()).isEqualTo("shop");
        assertThat(StartupMessage.of(Map.of()).user()).isNull();
    }

    @Test
    void startupParametersKeepTheirOrderAndCannotChange() {
        Map<String, String> sent = new LinkedHashMap<>();
        sent.put("user", "u");
        sent.put("application_name", "psql");
        sent.put("database", "d");
        StartupMessage startup = StartupMessage.of(sent);
        sent.put("options", "-c x=y");
        assertThat(startup.parameters().keySet()).containsExactly("user", "application_name", "database");
        assertThatThrownBy(() -> startup.parameters().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void passwordMessageReadsAsWhatTheExchangeExpects() {
        assertThat(PasswordMessage.cleartext("s\u00e9cret").asPassword()).isEqualTo("s\u00e9cret");

        byte[] clientFirst = "n,,n=,r=abc".getBytes(StandardCharsets.US_ASCII);
        PasswordMessage initial = PasswordMessage.saslInitialResponse("SCRAM-SHA-256", clientFirst);
        assertThat(initial.asSaslInitialResponse())
                .isEqualTo(new PasswordMessage.SaslInitialResponse("SCRAM-SHA-256", clientFirst.clone()));
        assertThat(PasswordMessage.saslInitialResponse("SCRAM-SHA-256", null).asSaslInitialResponse().data()).isNull();

        byte[] clientFinal = "c=biws,r=abc,p=xyz".getBytes(StandardCharsets.US_ASCII);
        assertThat(PasswordMessage.saslResponse(clientFinal).asSaslResponse()).isEqualTo(clientFinal);
    }

    @Test
    void passwordMessageThatDoesNotFitTheExchangeIsAViolation() {
        PasswordMessage notAPassword = new PasswordMessage("abc".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(notAPassword::asPassword).isInstanceOfSatisfying(PgException.class,
                e -> assertThat(e.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION));
        PasswordMessage trailingBytes = new PasswordMessage(new byte[] {'a', 0, 'b'});
        assertThatThrownBy(trailingBytes::asPassword).isInstanceOf(PgException.class);
        PasswordMessage shortSasl = PasswordMessage.saslResponse(new byte[] {'S', 0, 0, 0, 0, 9, 1});
        assertThatThrownBy(shortSasl::asSaslInitialResponse).isInstanceOf(PgException.class)
                .hasMessageContaining("insufficient data");
    }

    @Test
    void passwordsStayOutOfToString() {
        assertThat(PasswordMessage.cleartext("hunter2").toString()).doesNotContain("hunter2").doesNotContain("68756e746572");
    }

    @Test
    void errorResponseCarriesEveryFieldOfThePgExceptionInPostgresqlsOrder() {
        PgException error = new PgException(SqlState.UNDEFINED_TABLE, "relation \"t\" does not exist")
                .withDetail("d").withHint("h").withPosition(15);
        ErrorResponse response = ErrorResponse.of(error);
        assertThat(response.fields().keySet()).containsExactly(ErrorFields.SEVERITY, ErrorFields.SEVERITY_NON_LOCALIZED,
                ErrorFields.CODE, ErrorFields.MESSAGE, ErrorFields.DETAIL, ErrorFields.HINT, ErrorFields.POSITION);
        assertThat(response.severity()).isEqualTo("ERROR");
        assertThat(response.code()).isEqualTo("42P01");
        assertThat(response.message()).isEqualTo("relation \"t\" does not exist");
        assertThat(response.detail()).isEqualTo("d");
        assertThat(response.hint()).isEqualTo("h");
        assertThat(response.field(ErrorFields.POSITION)).isEqualTo("15");
        assertThat(response.isFatal()).isFalse();
    }

    @Test
    void fatalErrorResponse() {
        ErrorResponse response = ErrorResponse.fatal(new PgException(SqlState.INVALID_PASSWORD, "password authentication failed for user \"u\""));
        assertThat(response.severity()).isEqualTo("FATAL");
        assertThat(response.field(ErrorFields.SEVERITY_NON_LOCALIZED)).isEqualTo("FATAL");
        assertThat(response.detail()).isNull();
        assertThat(response.isFatal()).isTrue();
    }

    @Test
    void localizedSeverityDoesNotHideAFatalError() {
        Map<Byte, String> fields = new LinkedHashMap<>();
        fields.put(ErrorFields.SEVERITY, "FATAL-LOCALIZED");
        fields.put(ErrorFields.SEVERITY_NON_LOCALIZED, "FATAL");
        assertThat(new ErrorResponse(fields).isFatal()).isTrue();
    }

    @Test
    void noticeResponse() {
        NoticeResponse notice = NoticeResponse.of("NOTICE", SqlState.SUCCESSFUL_COMPLETION, "table \"t\" does not exist, skipping");
        assertThat(notice.severity()).isEqualTo("NOTICE");
        assertThat(notice.code()).isEqualTo("00000");
        assertThat(notice.message()).isEqualTo("table \"t\" does not exist, skipping");
        assertThat(notice.hint()).isNull();
    }

    @Test
    void zeroFieldTypeWouldEndTheListEarlyAndIsRefused() {
        assertThatThrownBy(() -> new ErrorResponse(Map.of((byte) 0, "x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bindFormatShorthands() {
        byte[][] values = {null, null, null};
        Bind allText = new Bind("", "", new short[0], values, new short[0]);
        Bind allBinary = new Bind("", "", new short[] {1}, values, new short[] {1});
        Bind mixed = new Bind("", "", new short[] {0, 1, 0}, values, new short[] {1, 0});
        assertThat(allText.parameterFormat(2)).isZero();
        assertThat(allBinary.parameterFormat(2)).isEqualTo((short) 1);
        assertThat(allBinary.resultFormat(7)).isEqualTo((short) 1);
        assertThat(mixed.parameterFormat(1)).isEqualTo((short) 1);
        assertThat(mixed.resultFormat(1)).isZero();
    }

    @Test
    void recordsWithArraysCompareByContent() {
        assertThat(DataRow.text("a", null)).isEqualTo(DataRow.text("a", null)).hasSameHashCodeAs(DataRow.text("a", null));
        assertThat(DataRow.text("a", null)).isNotEqualTo(DataRow.text("a", ""));
        assertThat(new Parse("s", "q", new int[] {23})).isEqualTo(new Parse("s", "q", new int[] {23}))
                .isNotEqualTo(new Parse("s", "q", new int[] {25}));
        assertThat(new CopyOutResponse((byte) 0, new short[] {0})).isEqualTo(new CopyOutResponse((byte) 0, new short[] {0}))
                .isNotEqualTo(new CopyOutResponse((byte) 1, new short[] {0}));
        assertThat(new ParameterDescription(new int[] {1}).hashCode()).isEqualTo(new ParameterDescription(new int[] {1}).hashCode());
        assertThat(DataRow.text("hi", null).toString()).isEqualTo("DataRow[values=[6869, NULL]]");
        assertThat(new CopyData(new byte[] {1, 2})).isEqualTo(new CopyData(new byte[] {1, 2}));
    }

    @Test
    void readyForQueryDecodesToSharedConstants() {
        assertThat(Decoder.decodeBackend(ReadyForQuery.TYPE, ByteBuffer.wrap(new byte[] {'T'})))
                .isSameAs(ReadyForQuery.IN_TRANSACTION);
        assertThat(ReadyForQuery.IDLE.inTransaction()).isFalse();
        assertThat(ReadyForQuery.IN_FAILED_TRANSACTION.inTransaction()).isTrue();
    }

    @Test
    void mechanismListsAreImmutableCopies() {
        List<String> mechanisms = new ArrayList<>(List.of("SCRAM-SHA-256"));
        AuthenticationSasl sasl = new AuthenticationSasl(mechanisms);
        mechanisms.add("PLAIN");
        assertThat(sasl.mechanisms()).containsExactly("SCRAM-SHA-256");
    }
}
