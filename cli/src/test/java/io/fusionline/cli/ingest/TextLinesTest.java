package io.fusionline.cli.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documented JSON-lines mapping, and a reason for every line it refuses. */
class TextLinesTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private final TextLines lines = new TextLines(null, TextKind.OPERATOR_NOTE);

    @Test
    void shouldMapEveryDocumentedField() {
        TextEvent e =
                lines.parse(
                        "{\"source\": \"acct-7\", \"time\": \"2026-11-29T10:00:00Z\", \"kind\":"
                                + " \"transaction\", \"text\": \"EUR 12.50 at a bakery\","
                                + " \"attributes\": {\"country\": \"DE\", \"known_device\": true},"
                                + " \"features\": {\"amount\": 12.5}}",
                        NOW);
        assertThat(e.getSourceId()).isEqualTo("acct-7");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2026-11-29T10:00:00Z"));
        assertThat(e.getKind()).isEqualTo(TextKind.TRANSACTION);
        assertThat(e.getText()).isEqualTo("EUR 12.50 at a bakery");
        assertThat(e.getAttributes()).isEqualTo(Map.of("country", "DE", "known_device", "true"));
        assertThat(e.getFeatures()).isEqualTo(Map.of("amount", 12.5));

        TextEvent defaults =
                new TextLines("line-1", TextKind.MACHINE_LOG).parse("{\"time\": 5}", NOW);
        assertThat(defaults.getSourceId()).isEqualTo("line-1");
        assertThat(defaults.getKind()).isEqualTo(TextKind.MACHINE_LOG);
        assertThat(defaults.getEventTime()).isEqualTo(Instant.ofEpochMilli(5));
        assertThat(lines.parse("{\"source\": \"s\"}", NOW).getEventTime()).isEqualTo(NOW);
    }

    @Test
    void shouldRefuseBadLinesWithTheReason() {
        assertThatThrownBy(() -> lines.parse("{\"text\": \"x\"}", NOW))
                .hasMessage("no \"source\" (and no --source default)");
        assertThatThrownBy(() -> lines.parse("not json", NOW)).hasMessageStartingWith("not JSON: ");
        assertThatThrownBy(() -> lines.parse("[1, 2]", NOW)).hasMessage("not a JSON object");
        assertThatThrownBy(() -> lines.parse("{\"source\": \"s\", \"colour\": 1}", NOW))
                .hasMessageStartingWith("unknown field \"colour\"");
        assertThatThrownBy(() -> lines.parse("{\"source\": \"s\", \"kind\": \"poem\"}", NOW))
                .hasMessageStartingWith("\"kind\" \"poem\" is none of");
        assertThatThrownBy(() -> lines.parse("{\"source\": \"s\", \"time\": \"yesterday\"}", NOW))
                .hasMessageStartingWith("\"time\" is neither an ISO-8601 instant");
        assertThatThrownBy(
                        () -> lines.parse("{\"source\": \"s\", \"features\": {\"a\": \"1\"}}", NOW))
                .hasMessage("feature \"a\" is not a finite number");
        assertThatThrownBy(
                        () -> lines.parse("{\"source\": \"s\", \"attributes\": {\"a\": [1]}}", NOW))
                .hasMessage("attribute \"a\" is not a string, number or boolean");
        assertThatThrownBy(() -> lines.parse("{\"source\": 7}", NOW))
                .hasMessage("\"source\" is not a string");
        assertThatThrownBy(() -> lines.parse("x".repeat(TextLines.MAX_LINE + 1), NOW))
                .hasMessageStartingWith("line of 1048577 characters");
    }
}
