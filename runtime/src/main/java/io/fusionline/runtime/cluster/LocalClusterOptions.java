package io.fusionline.runtime.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * How {@link LocalFlinkCluster} lays out a standalone Flink session cluster on this machine.
 *
 * @param taskManagers TaskManager processes to start (1..16)
 * @param slotsPerTaskManager task slots of each TaskManager (1..16)
 * @param stateBackend {@code hashmap} (state on the heap) or {@code rocksdb} (state on local disk,
 *     incremental checkpoints)
 * @param restPort port of the REST API and web UI; 0 picks a free one
 * @param workDir folder for configuration, logs, checkpoints and savepoints; kept after the cluster
 *     stops, so a later cluster can restore from its checkpoints
 * @param flinkLib folder of Flink's own jars (what a distribution's {@code lib/} holds)
 * @param taskManagerMemory {@code taskmanager.memory.process.size}, e.g. {@code 2560m}
 */
public record LocalClusterOptions(
        int taskManagers,
        int slotsPerTaskManager,
        String stateBackend,
        int restPort,
        Path workDir,
        Path flinkLib,
        String taskManagerMemory) {

    static final Set<String> STATE_BACKENDS = Set.of("hashmap", "rocksdb");

    /** Checks every field; the messages are fit to show a user as they are. */
    public LocalClusterOptions {
        require(taskManagers >= 1 && taskManagers <= 16, "task managers must be 1..16");
        require(slotsPerTaskManager >= 1 && slotsPerTaskManager <= 16, "slots must be 1..16");
        stateBackend = stateBackend == null ? "" : stateBackend.toLowerCase(Locale.ROOT);
        require(
                STATE_BACKENDS.contains(stateBackend),
                "state backend must be hashmap or rocksdb, not '" + stateBackend + "'");
        require(restPort >= 0 && restPort <= 65535, "REST port must be 0..65535");
        require(workDir != null, "a work folder is required");
        require(
                flinkLib != null && Files.isDirectory(flinkLib),
                "no Flink jars at "
                        + flinkLib
                        + " (build with ./mvnw -pl deploy -am package, or set "
                        + LocalFlinkCluster.FLINK_LIB_PROPERTY
                        + ")");
        require(
                taskManagerMemory != null && taskManagerMemory.matches("\\d+[mg]"),
                "task manager memory must look like 2560m or 3g");
    }

    /** One TaskManager with one slot, heap state, free port, the build's Flink jars. */
    public static LocalClusterOptions defaults(Path workDir) {
        return new LocalClusterOptions(
                1, 1, "hashmap", 0, workDir, LocalFlinkCluster.defaultFlinkLib(), "2560m");
    }

    public LocalClusterOptions withTaskManagers(int n, int slots) {
        return new LocalClusterOptions(
                n, slots, stateBackend, restPort, workDir, flinkLib, taskManagerMemory);
    }

    public LocalClusterOptions withStateBackend(String backend) {
        return new LocalClusterOptions(
                taskManagers,
                slotsPerTaskManager,
                backend,
                restPort,
                workDir,
                flinkLib,
                taskManagerMemory);
    }

    public LocalClusterOptions withRestPort(int port) {
        return new LocalClusterOptions(
                taskManagers,
                slotsPerTaskManager,
                stateBackend,
                port,
                workDir,
                flinkLib,
                taskManagerMemory);
    }

    public Path checkpoints() {
        return workDir.resolve("checkpoints");
    }

    public Path savepoints() {
        return workDir.resolve("savepoints");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
