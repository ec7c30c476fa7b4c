package io.fusionline.it;

import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.LocalFiles;
import io.fusionline.runtime.kafka.EmbeddedKafkaBroker;
import io.fusionline.runtime.kafka.FusionlineTopics;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * One real KRaft broker (a child JVM) per test class. A failing test carries the broker's last
 * warnings and errors and the Kafka clients' last warnings (printed and attached as a suppressed
 * exception), so a cause on either side of the wire is visible in the CI output.
 */
final class KafkaBrokerExtension
        implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {

    private static final int LOG_LINES = 40;
    private static final Path CLIENT_LOG = Path.of("target", "kafka-clients.log");

    private final boolean secured;
    private EmbeddedKafkaBroker broker;

    KafkaBrokerExtension() {
        this(false);
    }

    private KafkaBrokerExtension(boolean secured) {
        this.secured = secured;
    }

    /** A broker with SASL_SSL (SCRAM) and mutual-TLS listeners besides the plaintext one. */
    static KafkaBrokerExtension secured() {
        return new KafkaBrokerExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = secured ? EmbeddedKafkaBroker.startSecured() : EmbeddedKafkaBroker.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        if (broker != null) {
            String tail = broker.logTail(LOG_LINES);
            String clients = LocalFiles.tail(CLIENT_LOG, LOG_LINES); // see log4j2-test.xml
            String report =
                    context.getDisplayName()
                            + " failed; the broker's log ends:"
                            + (tail.isEmpty() ? " (nothing logged)" : tail)
                            + "\nthe Kafka clients' last warnings:"
                            + (clients.isEmpty() ? " (none)" : clients);
            System.err.println(report);
            failure.addSuppressed(new IllegalStateException(report));
        }
        throw failure;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** How a client reaches {@code listener}, with its credentials. */
    KafkaAccess access(EmbeddedKafkaBroker.Listener listener) {
        return broker.access(listener);
    }

    EmbeddedKafkaBroker broker() {
        return broker;
    }

    void createTopics(int partitions, String... topics) {
        FusionlineTopics.ensure(
                access(EmbeddedKafkaBroker.Listener.PLAINTEXT), List.of(topics), partitions);
    }
}
