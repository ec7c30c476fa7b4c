package io.fusionline.cli;

import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.LocalRuntime;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code fusionline demo}: the whole pipeline on this machine, decisions printed live. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a real Kafka broker (KRaft, on 127.0.0.1) and the fusionline job on a Flink "
                    + "MiniCluster with its web UI, publishes a simulated world through it (with a "
                    + "few malformed records), and prints each decision, alert, transcript and "
                    + "dead letter as it is committed.",
            "--profile inspection (default): four factory lines: part frames, machine logs and "
                    + "spoken operator notes, fused into defect decisions that can stop the line.",
            "--profile fraud: four accounts: payments, call audio and ID-card scans, fused into "
                    + "risk scores.",
            "--profile text: sample texts, phrases and scans for the keyword baseline.",
            "--secure: every client (the job, the simulator, the dashboard) connects to the"
                    + " embedded broker over SASL_SSL with SCRAM, through the client properties"
                    + " file it writes, as on a production cluster; the broker keeps a plaintext"
                    + " listener on 127.0.0.1 for itself.",
            "Ctrl-C stops everything cleanly."
        })
final class DemoCommand implements Callable<Integer> {

    @Mixin WorldRunOptions world;

    @Override
    public Integer call() throws Exception {
        Configuration conf = world.jobConfiguration("demo");
        long started = System.nanoTime();
        System.err.println(
                world.bootstrap == null
                        ? "fusionline demo: starting an embedded Kafka broker and Flink ..."
                        : "fusionline demo: connecting to Kafka at " + world.bootstrap + " ...");
        try (LocalRuntime runtime =
                LocalRuntime.start(
                        conf,
                        LocalRuntime.Settings.of(world.webPort, 2)
                                .withSecuredBroker(world.secure))) {
            KafkaAccess kafka = KafkaAccess.of(runtime.jobConfiguration());
            if (kafka.file() != null) {
                System.err.println(
                        "fusionline demo: every Kafka client uses "
                                + kafka.file()
                                + " (passwords stay in that file)");
            }
            world.drive(
                    runtime.jobConfiguration(),
                    String.format(
                            "Kafka %s (%s) | Flink web UI %s | Prometheus %s",
                            kafka,
                            runtime.embeddedKafka() ? "embedded" : "external",
                            runtime.webUiUrl(),
                            runtime.prometheusUrl()),
                    started,
                    runtime::close);
        }
        return 0;
    }
}
