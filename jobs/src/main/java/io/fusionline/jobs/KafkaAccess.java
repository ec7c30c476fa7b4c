package io.fusionline.jobs;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.provider.FileConfigProvider;

/**
 * How every fusionline Kafka client reaches and authenticates to a cluster: the bootstrap servers
 * and one client properties file, as Kafka's own tools take with {@code --command-config} ({@code
 * security.protocol}, {@code sasl.*}, {@code ssl.*}, ...). The job's sources and sinks, the
 * preflight check, topic creation, the simulator, ingest, eval, the demo and the dashboard all take
 * their settings from here.
 *
 * <p><b>Secrets stay in the file.</b> A setting Kafka declares as a password ({@code
 * sasl.jaas.config}, {@code ssl.*.password}, key material) is never copied: the client gets a
 * reference, {@code ${fusionline-file:<file>:<key>}}, that Kafka's {@link FileConfigProvider}
 * resolves when the client starts. So the job graph, Flink's web UI, job arguments and logs carry
 * the file's path, never its secrets; on a Flink cluster each task manager reads the file itself
 * (in Kubernetes, mounted from a Secret at the same path).
 *
 * <p>Settings fusionline owns (bootstrap servers, serializers, group and transactional ids,
 * isolation level, offsets commit, idempotence) are refused in the file with a one-line reason.
 */
public final class KafkaAccess {

    /** Alias of the config provider that resolves secret references. */
    static final String PROVIDER = "fusionline-file";

    /** Keys the file may not set: fusionline sets them per client. */
    private static final Set<String> OWNED =
            Set.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    ConsumerConfig.GROUP_ID_CONFIG,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                    "config.providers");

    private final String bootstrapServers;
    private final Path file;
    private final Map<String, String> settings;

    private KafkaAccess(String bootstrapServers, Path file, Map<String, String> settings) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrap servers");
        this.file = file;
        this.settings = Collections.unmodifiableMap(settings);
    }

    /** A cluster reached without client settings (the embedded broker, a plaintext cluster). */
    public static KafkaAccess plaintext(String bootstrapServers) {
        return new KafkaAccess(bootstrapServers, null, new LinkedHashMap<>());
    }

    /**
     * The access {@code conf} describes: {@link FusionlineJobOptions#BOOTSTRAP_SERVERS} and, when
     * set, the file of {@link FusionlineJobOptions#KAFKA_CLIENT_CONFIG}.
     *
     * @throws IllegalArgumentException with a one-line reason (no secret in it) for a missing,
     *     unreadable or refused file
     */
    public static KafkaAccess of(Configuration conf) {
        String bootstrap = conf.get(FusionlineJobOptions.BOOTSTRAP_SERVERS);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException(
                    FusionlineJobOptions.BOOTSTRAP_SERVERS.key() + " is not set");
        }
        return conf.getOptional(FusionlineJobOptions.KAFKA_CLIENT_CONFIG)
                .map(path -> withFile(bootstrap, Path.of(path)))
                .orElseGet(() -> plaintext(bootstrap));
    }

    /** This cluster with the settings of the client properties {@code file}. */
    public static KafkaAccess withFile(String bootstrapServers, Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        String option = FusionlineJobOptions.KAFKA_CLIENT_CONFIG.key();
        Properties read = new Properties();
        try (Reader in = Files.newBufferedReader(absolute, StandardCharsets.UTF_8)) {
            read.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    option
                            + ": cannot read "
                            + absolute
                            + " ("
                            + e.getClass().getSimpleName()
                            + ")");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : new TreeSet<>(read.stringPropertyNames())) {
            if (OWNED.contains(key)) {
                throw new IllegalArgumentException(
                        option
                                + ": "
                                + absolute
                                + " sets "
                                + key
                                + ", which fusionline sets itself"
                                + (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                                        ? " (give the servers with --bootstrap)"
                                        : ""));
            }
            settings.put(
                    key,
                    isSecret(key)
                            ? "${" + PROVIDER + ":" + absolute + ":" + key + "}"
                            : read.getProperty(key));
        }
        return new KafkaAccess(bootstrapServers, absolute, settings);
    }

    /** Whether Kafka declares {@code key} a password (its value is never logged or copied). */
    static boolean isSecret(String key) {
        for (ConfigDef def :
                new ConfigDef[] {
                    ProducerConfig.configDef(),
                    ConsumerConfig.configDef(),
                    AdminClientConfig.configDef()
                }) {
            ConfigDef.ConfigKey k = def.configKeys().get(key);
            if (k != null) {
                return k.type == ConfigDef.Type.PASSWORD;
            }
        }
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("jaas");
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The client properties file, or null for none. */
    public Path file() {
        return file;
    }

    /** The security protocol in effect, for messages ({@code PLAINTEXT} unless the file says). */
    public String securityProtocol() {
        return settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
    }

    /**
     * A new map of every client's settings: the bootstrap servers, the file's settings (secrets as
     * references) and the provider that resolves them. The caller adds its own.
     */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new LinkedHashMap<>(settings);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (settings.values().stream().anyMatch(v -> v.startsWith("${" + PROVIDER + ":"))) {
            config.put("config.providers", PROVIDER);
            config.put(
                    "config.providers." + PROVIDER + ".class", FileConfigProvider.class.getName());
        }
        return config;
    }

    /** {@link #clientConfig()} as {@link Properties}, for Flink's Kafka builders. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        clientConfig().forEach((k, v) -> properties.setProperty(k, String.valueOf(v)));
        return properties;
    }

    /**
     * Where and how, for messages: {@code 127.0.0.1:9093 (SASL_SSL)} with a client properties file,
     * the bare servers without one; never a secret.
     */
    @Override
    public String toString() {
        return file == null ? bootstrapServers : bootstrapServers + " (" + securityProtocol() + ")";
    }
}
