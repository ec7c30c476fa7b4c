package io.fusionline.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Checks, before anything starts, that a Kafka cluster answers at the given address, so a wrong
 * address fails in seconds with one line instead of a job that retries forever.
 */
public final class KafkaPreflight {

    private KafkaPreflight() {}

    /**
     * Returns the cluster id.
     *
     * @throws IllegalStateException with a one-line message when nothing answers within {@code
     *     timeout}
     */
    public static String requireReachable(String bootstrapServers, Duration timeout) {
        int millis = (int) timeout.toMillis();
        Map<String, Object> config =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(config)) {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis))
                    .clusterId()
                    .get(millis + 1_000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while contacting Kafka", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot reach Kafka at "
                            + bootstrapServers
                            + " (no answer within "
                            + timeout.toSeconds()
                            + " s)",
                    e);
        }
    }
}
