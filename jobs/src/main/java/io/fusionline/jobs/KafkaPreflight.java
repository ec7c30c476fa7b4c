package io.fusionline.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Checks, before anything starts, that a Kafka cluster answers at the given address and accepts the
 * client's credentials, so a wrong address or password fails in seconds with one line instead of a
 * job that retries forever.
 */
public final class KafkaPreflight {

    private KafkaPreflight() {}

    /** {@link #requireReachable(KafkaAccess, Duration)} without client settings. */
    public static String requireReachable(String bootstrapServers, Duration timeout) {
        return requireReachable(KafkaAccess.plaintext(bootstrapServers), timeout);
    }

    /**
     * Returns the cluster id.
     *
     * @throws IllegalStateException with a one-line message (no secret in it) when nothing answers
     *     within {@code timeout}, or the cluster refuses the credentials
     */
    public static String requireReachable(KafkaAccess kafka, Duration timeout) {
        int millis = (int) timeout.toMillis();
        Map<String, Object> config = kafka.clientConfig();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(config)) {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis))
                    .clusterId()
                    .get(millis + 1_000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while contacting Kafka", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new IllegalStateException(refusal(kafka, timeout, e), e);
        }
    }

    /**
     * {@link #requireReachable(KafkaAccess, Duration)} for the job of {@code conf}, and that the
     * brokers allow its {@link FusionlineJobOptions#KAFKA_TRANSACTION_TIMEOUT}: a longer one makes
     * every transaction of the job fail. Brokers that do not let the client read their settings are
     * not checked.
     *
     * @return the cluster id
     * @throws IllegalStateException with a one-line message
     */
    public static String requireReady(Configuration conf, Duration timeout) {
        KafkaAccess kafka = KafkaAccess.of(conf);
        String clusterId = requireReachable(kafka, timeout);
        Duration wanted = conf.get(FusionlineJobOptions.KAFKA_TRANSACTION_TIMEOUT);
        Long allowed = transactionMaxTimeoutMillis(kafka, timeout);
        if (allowed != null && wanted.toMillis() > allowed) {
            throw new IllegalStateException(
                    FusionlineJobOptions.KAFKA_TRANSACTION_TIMEOUT.key()
                            + " ("
                            + wanted
                            + ") exceeds the brokers' transaction.max.timeout.ms ("
                            + Duration.ofMillis(allowed)
                            + ") at "
                            + kafka);
        }
        return clusterId;
    }

    /** The smallest {@code transaction.max.timeout.ms} of the brokers, or null when unreadable. */
    private static Long transactionMaxTimeoutMillis(KafkaAccess kafka, Duration timeout) {
        int millis = (int) timeout.toMillis();
        Map<String, Object> config = kafka.clientConfig();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        try (Admin admin = Admin.create(config)) {
            List<ConfigResource> brokers = new ArrayList<>();
            for (Node node : admin.describeCluster().nodes().get(millis, TimeUnit.MILLISECONDS)) {
                brokers.add(new ConfigResource(ConfigResource.Type.BROKER, node.idString()));
            }
            Long least = null;
            for (Config c :
                    admin.describeConfigs(brokers)
                            .all()
                            .get(millis, TimeUnit.MILLISECONDS)
                            .values()) {
                ConfigEntry entry = c.get("transaction.max.timeout.ms");
                if (entry != null && entry.value() != null) {
                    long value = Long.parseLong(entry.value());
                    least = least == null ? value : Math.min(least, value);
                }
            }
            return least;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return null; // not allowed to read broker settings: the broker will say at first use
        }
    }

    /** Why Kafka at {@code kafka} did not answer, in one line. */
    static String refusal(KafkaAccess kafka, Duration timeout, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException) {
                return "Kafka at " + kafka + " refused the client's credentials: " + firstLine(t);
            }
            if (t instanceof AuthorizationException) {
                return "Kafka at " + kafka + " did not authorize the client: " + firstLine(t);
            }
            if (t instanceof org.apache.kafka.common.config.ConfigException) {
                return "Kafka client settings for " + kafka + " are invalid: " + firstLine(t);
            }
        }
        return "cannot reach Kafka at "
                + kafka
                + " (no answer within "
                + timeout.toSeconds()
                + " s)";
    }

    private static String firstLine(Throwable t) {
        String message = String.valueOf(t.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
