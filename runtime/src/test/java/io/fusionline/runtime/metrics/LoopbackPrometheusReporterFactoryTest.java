package io.fusionline.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Properties;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.junit.jupiter.api.Test;

/**
 * Whether an endpoint took every interface or 127.0.0.1 alone shows without leaving loopback: a
 * socket on every interface holds its port on 127.0.0.2 too.
 */
class LoopbackPrometheusReporterFactoryTest {

    @Test
    void shouldServeMetricsOn127001AloneWhereFlinksReporterTakesEveryInterface() throws Exception {
        Properties options = new MetricConfig();
        options.setProperty("port", "9300-9399");
        var reporter =
                (LoopbackPrometheusReporterFactory.Reporter)
                        new LoopbackPrometheusReporterFactory().createMetricReporter(options);
        try {
            int port = reporter.port();
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                assertThat(client.isConnected()).isTrue();
            }
            try (ServerSocket other = new ServerSocket()) {
                other.bind(new InetSocketAddress("127.0.0.2", port)); // free there: not taken
                assertThat(other.isBound()).isTrue();
            }
        } finally {
            reporter.close();
        }

        // the contrast: Flink's own reporter holds the port on every interface
        Properties flinkOptions = new MetricConfig();
        flinkOptions.setProperty("port", "9400-9499");
        MetricReporter flinks = new PrometheusReporterFactory().createMetricReporter(flinkOptions);
        try {
            int port = firstTaken(9400, 9499);
            assertThatThrownBy(
                            () -> {
                                try (ServerSocket other = new ServerSocket()) {
                                    other.bind(new InetSocketAddress("127.0.0.2", port));
                                }
                            })
                    .isInstanceOf(BindException.class);
        } finally {
            flinks.close();
        }
    }

    /** The first port of the range a server listens on at 127.0.0.1. */
    private static int firstTaken(int from, int to) throws Exception {
        for (int port = from; port <= to; port++) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return port;
            } catch (java.io.IOException free) {
                // not this one
            }
        }
        throw new AssertionError("no port of " + from + "-" + to + " is served");
    }
}
