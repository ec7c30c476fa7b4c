package io.fusionline.deploy.kafka;

/**
 * Main class of the broker's child JVM: runs {@code kafka.Kafka} with the given properties file and
 * exits (through Kafka's own clean shutdown hook) when standard input closes, which happens when
 * the parent JVM ends for any reason, a {@code kill -9} included. No orphan brokers.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {}

    public static void main(String[] args) throws Exception {
        Thread watchdog =
                new Thread(
                        () -> {
                            try {
                                while (System.in.read() >= 0) {
                                    // parent alive; nothing is sent on this pipe
                                }
                            } catch (java.io.IOException ignored) {
                                // closed pipe: the parent is gone
                            }
                            System.exit(0);
                        },
                        "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(args);
    }
}
