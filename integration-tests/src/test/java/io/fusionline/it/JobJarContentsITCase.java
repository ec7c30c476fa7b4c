package io.fusionline.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.runtime.cluster.LocalFlinkCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The job jar the build ships carries the job and what it runs, and nothing of the simulation, the
 * local runtime, the dashboard, the benches or the command line: no worlds, renderers, speech
 * synthesis (FreeTTS), test-video writer or fixture encoder.
 */
class JobJarContentsITCase {

    @Test
    void shouldShipTheJobWithoutSimulationOrToolClasses() throws IOException {
        Path jar = LocalFlinkCluster.defaultJobJar();
        assertThat(jar).as("the build's job jar").isRegularFile();
        List<String> entries;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            entries = zip.stream().map(ZipEntry::getName).toList();
        }

        assertThat(entries)
                .as("the job and its stages")
                .contains(
                        "io/fusionline/jobs/FusionlineJobMain.class",
                        "io/fusionline/operators/fusion/FusionDecisionOperator.class",
                        "io/fusionline/multimodal/fusion/FusionModel.class",
                        "io/fusionline/schema/decision/Decision.class");
        assertThat(entries)
                .as("nothing of simulation, runtime, dashboard, bench, cli or speech synthesis")
                .noneMatch(
                        e ->
                                e.startsWith("io/fusionline/simulation/")
                                        || e.startsWith("io/fusionline/runtime/")
                                        || e.startsWith("io/fusionline/dashboard/")
                                        || e.startsWith("io/fusionline/bench/")
                                        || e.startsWith("io/fusionline/cli/")
                                        || e.startsWith("com/sun/speech/freetts/")
                                        || e.contains("RandomPatchEncoder")
                                        || e.contains("VideoFileWriter")
                                        || e.contains("PhraseSynthesizer"));
        System.out.printf(
                "job jar: %d bytes, %d classes%n",
                Files.size(jar), entries.stream().filter(e -> e.endsWith(".class")).count());
    }
}
