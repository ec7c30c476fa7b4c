package io.fusionline.it;

import io.fusionline.deploy.kafka.EmbeddedKafkaBroker;
import io.fusionline.deploy.kafka.FusionlineTopics;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One real KRaft broker (a child JVM) per test class. */
final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafkaBroker.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    void createTopics(int partitions, String... topics) {
        FusionlineTopics.ensure(bootstrapServers(), List.of(topics), partitions);
    }
}
