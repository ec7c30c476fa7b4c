package io.fusionline.runtime.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.Properties;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter, serving on one interface only: {@value #DEFAULT_HOST} unless the
 * reporter's {@code host} option (or {@value #HOST_ENV} for fusionline's local runtimes) names
 * another. Flink's own {@code PrometheusReporter} always binds every interface, which exposes a
 * laptop's job metrics (source ids included) to its network.
 *
 * <p>Options: {@code metrics.reporter.<name>.host}, {@code metrics.reporter.<name>.port} (a port or
 * range, the first free one is taken; default 9249).
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {

    /** Interface served by default. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** Environment variable the local runtimes read for the interface to serve. */
    public static final String HOST_ENV = "FUSIONLINE_METRICS_HOST";

    /** The interface fusionline's local runtimes serve metrics on. */
    public static String localHost() {
        String host = System.getenv(HOST_ENV);
        return host == null || host.isBlank() ? DEFAULT_HOST : host.trim();
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        String host = properties.getProperty("host", DEFAULT_HOST);
        PortRange ports = new PortRange(properties.getProperty("port", "9249"));
        return new Reporter(host, ports);
    }

    /** The reporter: Flink's metric-to-collector mapping, one HTTP endpoint on {@code host}. */
    static final class Reporter extends AbstractPrometheusReporter {
        private final HTTPServer server;

        Reporter(String host, PortRange ports) {
            CollectorRegistry registry = registry(this);
            HTTPServer started = null;
            Iterator<Integer> candidates = ports.getPortsIterator();
            while (started == null && candidates.hasNext()) {
                int port = candidates.next();
                try {
                    started = new HTTPServer(new InetSocketAddress(host, port), registry);
                } catch (IOException taken) {
                    // try the next port of the range
                }
            }
            if (started == null) {
                throw new IllegalStateException(
                        "cannot serve Prometheus metrics on " + host + " ports " + ports);
            }
            server = started;
            log.info("Prometheus metrics on {}:{}", host, server.getPort());
        }

        /** The port served. */
        int port() {
            return server.getPort();
        }

        @Override
        public void close() {
            server.stop();
            super.close();
        }

        /** The base class's registry, which it keeps package-private. */
        private static CollectorRegistry registry(AbstractPrometheusReporter reporter) {
            try {
                Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
                field.setAccessible(true);
                return (CollectorRegistry) field.get(reporter);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "this Flink's AbstractPrometheusReporter has no registry field", e);
            }
        }
    }
}
