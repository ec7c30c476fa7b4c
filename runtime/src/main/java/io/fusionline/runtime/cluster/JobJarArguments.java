package io.fusionline.runtime.cluster;

import io.fusionline.jobs.FusionlineJobOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;

/**
 * The program arguments of the job jar's main class ({@code FusionlineJobMain}) for a job
 * configuration: {@code --bootstrap} and {@code --checkpoint-interval}, then every other {@code
 * fusionline.*} option as {@code --set key=value}, in key order. What runs on the cluster is then
 * configured exactly like a job built in this JVM from the same configuration.
 */
public final class JobJarArguments {

    private JobJarArguments() {}

    public static List<String> of(Configuration jobConf) {
        List<String> args = new ArrayList<>();
        args.add("--bootstrap");
        args.add(jobConf.get(FusionlineJobOptions.BOOTSTRAP_SERVERS));
        args.add("--checkpoint-interval");
        args.add(jobConf.get(FusionlineJobOptions.CHECKPOINT_INTERVAL).toString());
        Map<String, String> settings = new TreeMap<>(jobConf.toMap());
        settings.remove(FusionlineJobOptions.BOOTSTRAP_SERVERS.key());
        settings.remove(FusionlineJobOptions.CHECKPOINT_INTERVAL.key());
        settings.forEach(
                (key, value) -> {
                    if (!key.startsWith("fusionline.")) {
                        throw new IllegalArgumentException("not a fusionline job option: " + key);
                    }
                    args.add("--set");
                    args.add(key + "=" + value);
                });
        return args;
    }
}
