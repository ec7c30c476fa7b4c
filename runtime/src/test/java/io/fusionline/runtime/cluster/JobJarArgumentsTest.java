package io.fusionline.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.operators.Profile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job jar's arguments carry the whole job configuration, and nothing else. */
class JobJarArgumentsTest {

    @Test
    void shouldCarryEveryOptionAsTheJobMainReadsIt() {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "kafka:9092");
        conf.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(1500));
        conf.set(FusionlineJobOptions.PROFILE, Profile.FRAUD);
        conf.set(FusionlineJobOptions.DECISIONS_TOPIC, "risk-scores");
        conf.set(FusionlineJobOptions.SPEECH_ENABLED, false);

        List<String> args = JobJarArguments.of(conf);

        assertThat(args.subList(0, 4))
                .containsExactly("--bootstrap", "kafka:9092", "--checkpoint-interval", "PT1.5S");
        Map<String, String> set = new HashMap<>();
        for (int i = 4; i < args.size(); i += 2) {
            assertThat(args.get(i)).isEqualTo("--set");
            String[] kv = args.get(i + 1).split("=", 2);
            set.put(kv[0], kv[1]);
        }
        Configuration back = Configuration.fromMap(set);
        back.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, args.get(1));
        back.set(FusionlineJobOptions.CHECKPOINT_INTERVAL, Duration.parse(args.get(3)));
        assertThat(back.toMap()).isEqualTo(conf.toMap());
    }

    @Test
    void shouldRefuseSettingsThatAreNotJobOptions() {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.BOOTSTRAP_SERVERS, "kafka:9092");
        conf.setString("parallelism.default", "4");
        assertThatThrownBy(() -> JobJarArguments.of(conf))
                .hasMessageContaining("parallelism.default");
    }

    @Test
    void shouldCheckClusterOptionsWithMessagesForUsers(@TempDir Path work) {
        // Flink's jars are checked for too; the temp folder stands in for them.
        LocalClusterOptions options =
                new LocalClusterOptions(1, 1, "hashmap", 0, work, work, "2560m");
        assertThatThrownBy(() -> options.withTaskManagers(0, 1))
                .hasMessage("task managers must be 1..16");
        assertThatThrownBy(() -> options.withStateBackend("leveldb"))
                .hasMessage("state backend must be hashmap or rocksdb, not 'leveldb'");
        assertThat(options.withStateBackend("RocksDB").stateBackend()).isEqualTo("rocksdb");
        assertThatThrownBy(
                        () ->
                                new LocalClusterOptions(
                                        1, 1, "hashmap", 0, work, work.resolve("none"), "2560m"))
                .hasMessageStartingWith("no Flink jars at ");
    }
}
