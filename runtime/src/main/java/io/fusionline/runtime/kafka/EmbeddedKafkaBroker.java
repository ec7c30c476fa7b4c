package io.fusionline.runtime.kafka;

import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.LocalFiles;
import io.fusionline.runtime.LocalPorts;
import io.fusionline.runtime.ParentWatchdogMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) in a child JVM, listening
 * on 127.0.0.1 at free ports. The broker is the one from the {@code kafka_2.13} jars on this JVM's
 * classpath: transactions, {@code read_committed} and consumer groups behave as on any cluster.
 *
 * <p>{@link #start} formats a fresh storage folder, starts the broker and returns once it answers.
 * {@link #startSecured} adds two secured listeners, as production clusters have them: SASL_SSL with
 * SCRAM-SHA-512 (the user is written into the storage when it is formatted) and SSL that requires a
 * client certificate (mutual TLS), with certificates made for this broker ({@link BrokerSecurity}).
 * The plaintext listener stays, for the broker itself, on 127.0.0.1 only. {@link #close} stops it
 * cleanly (then forcibly after a grace period) and deletes its data. The child also exits on its
 * own when this JVM dies (see {@link ParentWatchdogMain}). Broker logs go to {@code broker.log} in
 * the data folder.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    /** How a client connects. */
    public enum Listener {
        /** No encryption, no authentication. */
        PLAINTEXT,
        /** TLS, then a SCRAM-SHA-512 user and password. */
        SASL_SSL,
        /** TLS with a client certificate (mutual TLS). */
        MTLS
    }

    private final Path dataDir;
    private final int port;
    private final int saslPort;
    private final int mtlsPort;
    private final BrokerSecurity security;
    private final Process process;
    private boolean closed;

    private EmbeddedKafkaBroker(
            Path dataDir, Ports ports, BrokerSecurity security, Process process) {
        this.dataDir = dataDir;
        this.port = ports.plain;
        this.saslPort = ports.sasl;
        this.mtlsPort = ports.mtls;
        this.security = security;
        this.process = process;
    }

    private record Ports(int plain, int controller, int sasl, int mtls) {}

    /** Starts a broker with fresh storage; returns once it answers an admin request. */
    public static EmbeddedKafkaBroker start() {
        return start(false);
    }

    /** {@link #start()} with the SASL_SSL and mutual-TLS listeners too. */
    public static EmbeddedKafkaBroker startSecured() {
        return start(true);
    }

    private static EmbeddedKafkaBroker start(boolean secured) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("fusionline-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Kafka data folder", e);
        }
        Process process = null;
        try {
            Ports ports =
                    new Ports(
                            LocalPorts.free(),
                            LocalPorts.free(),
                            secured ? LocalPorts.free() : 0,
                            secured ? LocalPorts.free() : 0);
            BrokerSecurity security =
                    secured ? BrokerSecurity.create(dataDir.resolve("security")) : null;
            Path config = writeConfig(dataDir, ports, security);
            Path logConfig = writeLogConfig(dataDir);
            format(dataDir, config, logConfig, security);
            process =
                    javaProcess(
                                    dataDir,
                                    logConfig,
                                    ParentWatchdogMain.class.getName(),
                                    null,
                                    "kafka.Kafka",
                                    config.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(dataDir.resolve("broker.log").toFile())
                            .start();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, ports, security, process);
            broker.awaitReady();
            return broker;
        } catch (IOException | RuntimeException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            String log = tail(dataDir.resolve("broker.log"));
            LocalFiles.deleteQuietly(dataDir);
            throw new IllegalStateException(
                    "embedded Kafka broker did not start: " + e.getMessage() + log, e);
        }
    }

    /** {@code 127.0.0.1:<port>} of the plaintext listener. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Whether the broker has the secured listeners ({@link #startSecured}). */
    public boolean secured() {
        return security != null;
    }

    /**
     * How a client reaches {@code listener}: its address and, for a secured one, a client
     * properties file with the credentials (owner-only, in the broker's data folder).
     *
     * @throws IllegalStateException for a secured listener of a broker started without them
     */
    public KafkaAccess access(Listener listener) {
        if (listener == Listener.PLAINTEXT) {
            return KafkaAccess.plaintext(bootstrapServers());
        }
        requireSecured();
        try {
            return listener == Listener.SASL_SSL
                    ? KafkaAccess.withFile("127.0.0.1:" + saslPort, security.saslSslClientConfig())
                    : KafkaAccess.withFile("127.0.0.1:" + mtlsPort, security.mtlsClientConfig());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the client properties", e);
        }
    }

    /** The SASL_SSL listener with a wrong password: the broker refuses it. */
    public KafkaAccess accessWithWrongPassword() {
        requireSecured();
        try {
            return KafkaAccess.withFile(
                    "127.0.0.1:" + saslPort, security.wrongPasswordClientConfig());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the client properties", e);
        }
    }

    /** The mutual-TLS listener without a client certificate: the broker refuses it. */
    public KafkaAccess accessWithoutCertificate() {
        requireSecured();
        try {
            return KafkaAccess.withFile(
                    "127.0.0.1:" + mtlsPort, security.noCertificateClientConfig());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the client properties", e);
        }
    }

    private void requireSecured() {
        if (security == null) {
            throw new IllegalStateException("this broker has no secured listeners");
        }
    }

    /** Folder holding the broker's storage and {@code broker.log}. */
    public Path dataDir() {
        return dataDir;
    }

    /** The last {@code lines} lines of {@code broker.log} (warnings and errors), for diagnosis. */
    public String logTail(int lines) {
        return LocalFiles.tail(dataDir.resolve("broker.log"), lines);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy(); // SIGTERM: Kafka's shutdown hook runs a controlled shutdown
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LocalFiles.deleteQuietly(dataDir);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Map<String, Object> config =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "broker process exited with " + process.exitValue());
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (notYet instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while starting Kafka");
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "no answer within " + START_TIMEOUT.toSeconds() + " s");
                }
            }
        }
    }

    private static void format(Path dataDir, Path config, Path logConfig, BrokerSecurity security)
            throws IOException {
        String clusterId = Uuid.randomUuid().toString();
        List<String> args =
                new ArrayList<>(List.of("format", "-t", clusterId, "-c", config.toString()));
        if (security != null) {
            args.add("--add-scram");
            args.add(security.scramCredential());
        }
        Process format =
                javaProcess(
                                dataDir,
                                logConfig,
                                "kafka.tools.StorageTool",
                                null,
                                args.toArray(String[]::new))
                        .redirectErrorStream(true)
                        .redirectOutput(dataDir.resolve("format.log").toFile())
                        .start();
        try {
            if (!format.waitFor(60, TimeUnit.SECONDS)) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage timed out");
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage");
        }
        if (format.exitValue() != 0) {
            throw new IllegalStateException(
                    "formatting Kafka storage failed" + tail(dataDir.resolve("format.log")));
        }
    }

    private static ProcessBuilder javaProcess(
            Path dataDir, Path logConfig, String mainClass, Path config, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms128m");
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-Dlog4j2.configurationFile=" + logConfig);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        if (config != null) {
            command.add(config.toString());
        }
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dataDir.toFile());
    }

    private static Path writeConfig(Path dataDir, Ports ports, BrokerSecurity security)
            throws IOException {
        String listeners = "PLAINTEXT://127.0.0.1:" + ports.plain;
        String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (security != null) {
            listeners += ",SASL_SSL://127.0.0.1:" + ports.sasl + ",SSL://127.0.0.1:" + ports.mtls;
            protocols += ",SASL_SSL:SASL_SSL,SSL:SSL";
        }
        List<String> lines =
                new ArrayList<>(
                        List.of(
                                "process.roles=broker,controller",
                                "node.id=1",
                                "controller.quorum.voters=1@127.0.0.1:" + ports.controller,
                                "listeners="
                                        + listeners
                                        + ",CONTROLLER://127.0.0.1:"
                                        + ports.controller,
                                "advertised.listeners=" + listeners,
                                "controller.listener.names=CONTROLLER",
                                "inter.broker.listener.name=PLAINTEXT",
                                "listener.security.protocol.map=" + protocols,
                                "log.dirs=" + dataDir.resolve("data"),
                                "num.partitions=2",
                                "auto.create.topics.enable=false",
                                "offsets.topic.replication.factor=1",
                                "offsets.topic.num.partitions=4",
                                "transaction.state.log.replication.factor=1",
                                "transaction.state.log.min.isr=1",
                                "transaction.state.log.num.partitions=4",
                                "share.coordinator.state.topic.replication.factor=1",
                                "share.coordinator.state.topic.min.isr=1",
                                "group.initial.rebalance.delay.ms=0",
                                "transaction.max.timeout.ms=900000",
                                "log.flush.interval.messages=10000"));
        if (security != null) {
            lines.addAll(security.serverProperties());
        }
        Path file = write(dataDir.resolve("server.properties"), lines.toArray(String[]::new));
        try {
            Files.setPosixFilePermissions(
                    file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // another file system: its own permissions apply
        }
        return file;
    }

    private static Path writeLogConfig(Path dataDir) throws IOException {
        return write(
                dataDir.resolve("log4j2.properties"),
                "status = warn",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%c{1}] %m%n",
                "rootLogger.level = warn",
                "rootLogger.appenderRef.out.ref = out",
                "logger.server.name = kafka.server.KafkaRaftServer",
                "logger.server.level = info",
                // topic creation and broker fencing (a stalled broker shows here)
                "logger.replication.name = org.apache.kafka.controller.ReplicationControlManager",
                "logger.replication.level = info",
                "logger.replication.filter.replay.type = RegexFilter",
                "logger.replication.filter.replay.regex = .*Replayed .*",
                "logger.replication.filter.replay.onMatch = DENY",
                "logger.replication.filter.replay.onMismatch = NEUTRAL");
    }

    private static Path write(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    private static String tail(Path log) {
        return LocalFiles.tail(log, 15);
    }
}
