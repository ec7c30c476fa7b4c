package io.fusionline.runtime.cluster;

import io.fusionline.runtime.LocalFiles;
import io.fusionline.runtime.LocalPorts;
import io.fusionline.runtime.ParentWatchdogMain;
import io.fusionline.runtime.metrics.LoopbackPrometheusReporterFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * A real standalone Flink session cluster on this machine: one JobManager and N TaskManagers, each
 * a separate JVM started from Flink's own jars only ({@link LocalClusterOptions#flinkLib()}, what a
 * distribution's {@code lib/} holds), exactly as Flink's {@code jobmanager.sh} and {@code
 * taskmanager.sh} would start them. Jobs reach it as on any cluster: a job jar uploaded over the
 * REST API ({@link #rest()}).
 *
 * <p>Everything listens on 127.0.0.1. Configuration, logs ({@code log/jobmanager.log}, {@code
 * log/tm-1.log}, ...), checkpoints and savepoints live under the work folder. Checkpoints are
 * retained on cancellation, failover uses the region strategy with an exponential restart delay,
 * and heartbeats are short (1 s interval, 10 s timeout, two failed RPCs mark a TaskManager lost),
 * so a killed TaskManager is noticed in seconds rather than Flink's default 50 s.
 *
 * <p>{@link #killTaskManager} sends SIGKILL (what {@code kill -9} sends): no shutdown hook runs,
 * which is the failure the failover test needs. {@link #startTaskManager} adds one, as a supervisor
 * (Kubernetes, systemd) would after a crash. {@link #close} stops the TaskManagers, then the
 * JobManager (SIGTERM, then SIGKILL after a grace period); it is idempotent. Every process also
 * exits on its own when the JVM that started it dies ({@link ParentWatchdogMain}).
 */
public final class LocalFlinkCluster implements AutoCloseable {

    /** System property naming the folder of Flink's jars (default: the build's flink-lib). */
    public static final String FLINK_LIB_PROPERTY = "fusionline.flink.lib";

    /** System property naming the job jar (default: the build's job/fusionline-job.jar). */
    public static final String JOB_JAR_PROPERTY = "fusionline.job.jar";

    /** Ports the Prometheus reporters of the cluster's processes take, one each, in order. */
    public static final String PROMETHEUS_PORTS = "9250-9299";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    /**
     * Flink's default {@code env.java.default-opts.all} for Java 17: what its scripts pass to every
     * cluster JVM so that Kryo, the REST jar runner and the RPC system may reflect.
     */
    private static final List<String> JAVA_OPENS =
            List.of(
                    "-XX:+IgnoreUnrecognizedVMOptions",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final LocalClusterOptions options;
    private final Path confDir;
    private final Path logDir;
    private final Path launcherJar;
    private final FlinkRestClient rest;
    private final Map<String, Process> taskManagers = new LinkedHashMap<>();
    private Process jobManager;
    private List<String> taskManagerParams;
    private int nextTaskManager = 1;
    private boolean closed;

    private LocalFlinkCluster(LocalClusterOptions options, int restPort) throws IOException {
        this.options = options;
        this.confDir = Files.createDirectories(options.workDir().resolve("conf"));
        this.logDir = Files.createDirectories(options.workDir().resolve("log"));
        // Working folders of processes of an earlier cluster in this folder are obsolete: they
        // hold that cluster's job jars (one copy per TaskManager) and would only grow.
        LocalFiles.deleteQuietly(processDir());
        Files.createDirectories(tmpDir());
        Files.createDirectories(options.checkpoints());
        Files.createDirectories(options.savepoints());
        this.launcherJar = writeLauncherJar(options.workDir().resolve("fusionline-launcher.jar"));
        this.rest = new FlinkRestClient("http://127.0.0.1:" + restPort);
    }

    /**
     * Starts the JobManager and the TaskManagers; returns once every TaskManager has registered. On
     * failure it stops whatever it started and throws with the tail of the failing log.
     */
    public static LocalFlinkCluster start(LocalClusterOptions options) {
        LocalFlinkCluster cluster = null;
        try {
            int restPort = options.restPort() == 0 ? LocalPorts.free() : options.restPort();
            cluster = new LocalFlinkCluster(options, restPort);
            cluster.writeConfig(restPort);
            cluster.startJobManager();
            for (int i = 0; i < options.taskManagers(); i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(options.taskManagers());
            return cluster;
        } catch (IOException | RuntimeException e) {
            String log = cluster == null ? "" : cluster.tail("jobmanager");
            if (cluster != null) {
                cluster.close();
            }
            throw new IllegalStateException(
                    "local Flink cluster did not start: " + e.getMessage() + log, e);
        }
    }

    /** The REST API (and web UI) of the JobManager. */
    public FlinkRestClient rest() {
        return rest;
    }

    public String webUiUrl() {
        return rest.url();
    }

    public LocalClusterOptions options() {
        return options;
    }

    /** Ids ({@code taskmanager.resource-id}) of the TaskManager processes alive now. */
    public synchronized List<String> taskManagerIds() {
        taskManagers.values().removeIf(p -> !p.isAlive());
        return List.copyOf(taskManagers.keySet());
    }

    /** Process id of a TaskManager started by this cluster. */
    public synchronized long pid(String taskManagerId) {
        Process p = taskManagers.get(taskManagerId);
        if (p == null) {
            throw new IllegalArgumentException("no task manager " + taskManagerId);
        }
        return p.pid();
    }

    /** Starts one more TaskManager process and returns its id ({@code tm-<n>}). */
    public synchronized String startTaskManager() {
        if (taskManagerParams == null) {
            taskManagerParams = resourceParams("GET_TM_RESOURCE_PARAMS");
        }
        String id = "tm-" + nextTaskManager++;
        List<String> jvm = Arrays.asList(taskManagerParams.get(0).trim().split("\\s+"));
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(Arrays.asList(taskManagerParams.get(1).trim().split("\\s+")));
        args.addAll(List.of("-D", "taskmanager.resource-id=" + id));
        taskManagers.put(
                id,
                launch(id, jvm, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", args));
        return id;
    }

    /**
     * Kills a TaskManager with SIGKILL ({@code kill -9}) and waits until the process is gone. The
     * JobManager learns of it through failed heartbeats.
     */
    public synchronized void killTaskManager(String taskManagerId) {
        Process p = taskManagers.remove(taskManagerId);
        if (p == null) {
            throw new IllegalArgumentException("no task manager " + taskManagerId);
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(taskManagerId + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + taskManagerId, e);
        }
    }

    /** Waits until {@code n} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int n) {
        FlinkRestClient.await(
                n + " registered task managers", START_TIMEOUT, () -> rest.taskManagers() == n);
    }

    /**
     * Last lines of a process's log (e.g. {@code jobmanager}, {@code tm-1}), for error messages.
     */
    public String tail(String process) {
        for (String suffix : List.of(".log", ".out")) {
            Path file = logDir.resolve(process + suffix);
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                List<String> errors = lines.stream().filter(l -> l.contains("ERROR")).toList();
                List<String> pick = errors.isEmpty() ? lines : errors;
                if (!pick.isEmpty()) {
                    return "\n"
                            + file
                            + ":\n"
                            + String.join(
                                    "\n", pick.subList(Math.max(0, pick.size() - 8), pick.size()));
                }
            } catch (IOException ignored) {
                // no such log yet
            }
        }
        return "";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Process> all = new ArrayList<>(taskManagers.values());
        taskManagers.clear();
        if (jobManager != null) {
            all.add(jobManager);
        }
        all.forEach(Process::destroy);
        for (Process p : all) {
            try {
                if (!p.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        LocalFiles.deleteQuietly(processDir());
    }

    /** The processes' working folders ({@code process.working-dir}). */
    private Path processDir() {
        return options.workDir().resolve("process");
    }

    /**
     * The processes' temp folder ({@code io.tmp.dirs} and {@code java.io.tmpdir}): Flink's RPC jar
     * and I/O folders, and the native libraries ONNX Runtime unpacks, which a killed process never
     * deletes.
     */
    private Path tmpDir() {
        return processDir().resolve("tmp");
    }

    /** The build's Flink jars: {@code cli/target/flink-lib}, or {@value #FLINK_LIB_PROPERTY}. */
    public static Path defaultFlinkLib() {
        String configured = System.getProperty(FLINK_LIB_PROPERTY);
        return configured != null ? Path.of(configured) : buildTarget().resolve("flink-lib");
    }

    /** The build's job jar: {@code cli/target/job/fusionline-job.jar}, or the property. */
    public static Path defaultJobJar() {
        String configured = System.getProperty(JOB_JAR_PROPERTY);
        return configured != null
                ? Path.of(configured)
                : buildTarget().resolve("job").resolve("fusionline-job.jar");
    }

    /**
     * {@code cli/target}: the folder above the launcher's {@code lib/}, where this class's jar lies
     * when run by {@code ./fusionline}.
     */
    private static Path buildTarget() {
        try {
            Path jar =
                    Path.of(
                            LocalFlinkCluster.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            Path folder = jar.getParent();
            if (folder.getFileName() != null && folder.getFileName().toString().equals("lib")) {
                return folder.getParent();
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through to the repository layout
        }
        return Path.of("cli", "target");
    }

    private void writeConfig(int restPort) throws IOException {
        boolean rocks = options.stateBackend().equals("rocksdb");
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jobmanager.rpc.address", "127.0.0.1");
        conf.put("jobmanager.rpc.port", String.valueOf(LocalPorts.free()));
        conf.put("jobmanager.bind-host", "127.0.0.1");
        conf.put("jobmanager.memory.process.size", "1024m");
        conf.put("taskmanager.bind-host", "127.0.0.1");
        conf.put("taskmanager.host", "127.0.0.1");
        conf.put("taskmanager.numberOfTaskSlots", String.valueOf(options.slotsPerTaskManager()));
        conf.put("taskmanager.memory.process.size", options.taskManagerMemory());
        // RocksDB keeps its caches in managed memory; heap state needs none.
        conf.put("taskmanager.memory.managed.fraction", rocks ? "0.3" : "0.05");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.bind-address", "127.0.0.1");
        conf.put("rest.port", String.valueOf(restPort));
        conf.put("web.submit.enable", "true");
        conf.put("web.cancel.enable", "true");
        conf.put("state.backend.type", options.stateBackend());
        conf.put("state.backend.incremental", String.valueOf(rocks));
        // Blob caches, local state and temp files of every process live in the work folder
        // (deleted on close) instead of under /tmp, where killed TaskManagers would leave them.
        conf.put("process.working-dir", processDir().toString());
        conf.put("io.tmp.dirs", tmpDir().toString());
        conf.put("execution.checkpointing.dir", options.checkpoints().toUri().toString());
        conf.put("execution.checkpointing.savepoint-dir", options.savepoints().toUri().toString());
        conf.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        conf.put("execution.checkpointing.num-retained", "3");
        conf.put("jobmanager.execution.failover-strategy", "region");
        conf.put("restart-strategy.type", "exponential-delay");
        conf.put("restart-strategy.exponential-delay.initial-backoff", "500 ms");
        conf.put("restart-strategy.exponential-delay.max-backoff", "5 s");
        conf.put("heartbeat.interval", "1000");
        conf.put("heartbeat.timeout", "10000");
        conf.put("heartbeat.rpc-failure-threshold", "2");
        conf.put(
                "metrics.reporter.prom.factory.class",
                LoopbackPrometheusReporterFactory.class.getName());
        conf.put("metrics.reporter.prom.host", LoopbackPrometheusReporterFactory.localHost());
        conf.put("metrics.reporter.prom.port", PROMETHEUS_PORTS);
        StringBuilder yaml = new StringBuilder("# written by fusionline (LocalFlinkCluster)\n");
        conf.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(confDir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        Files.writeString(
                confDir.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "monitorInterval = 30",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = MainAppender",
                        "appender.main.name = MainAppender",
                        "appender.main.type = File",
                        "appender.main.append = true",
                        "appender.main.fileName = ${sys:log.file}",
                        "appender.main.layout.type = PatternLayout",
                        "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x"
                                + " - %m%n",
                        "logger.kafka.name = org.apache.kafka",
                        "logger.kafka.level = WARN",
                        ""),
                StandardCharsets.UTF_8);
    }

    private void startJobManager() {
        List<String> params = resourceParams("GET_JM_RESOURCE_PARAMS");
        List<String> jvm = Arrays.asList(params.get(0).trim().split("\\s+"));
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        String dynamic = params.size() > 1 ? params.get(1).trim() : "";
        if (!dynamic.isEmpty()) {
            args.addAll(Arrays.asList(dynamic.split("\\s+")));
        }
        jobManager =
                launch(
                        "jobmanager",
                        jvm,
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        args);
        FlinkRestClient.await(
                "the JobManager's REST API at " + rest.url(),
                START_TIMEOUT,
                () -> {
                    if (!jobManager.isAlive()) {
                        throw new IllegalStateException(
                                "the JobManager exited with " + jobManager.exitValue());
                    }
                    return rest.overview().has("taskmanagers");
                });
    }

    private Process launch(String name, List<String> jvmParams, String main, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmParams);
        command.addAll(JAVA_OPENS);
        command.add("-Djava.io.tmpdir=" + tmpDir());
        command.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        command.add("-Dlog4j.configuration=file:" + confDir.resolve("log4j.properties"));
        command.add("-Dlog4j.configurationFile=file:" + confDir.resolve("log4j.properties"));
        command.add("-classpath");
        command.add(launcherJar + java.io.File.pathSeparator + options.flinkLib() + "/*");
        command.add(ParentWatchdogMain.class.getName());
        command.add(main);
        command.addAll(args);
        try {
            return new ProcessBuilder(command)
                    .directory(options.workDir().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logDir.resolve(name + ".out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /**
     * What Flink's scripts ask {@code BashJavaUtils} for: the JVM memory flags (first line) and the
     * derived memory settings as {@code -D} arguments (second line) of a JobManager or TaskManager
     * with this configuration. A TaskManager refuses to start without them.
     */
    private List<String> resourceParams(String command) {
        List<String> cmd =
                List.of(
                        javaBinary(),
                        "-classpath",
                        options.flinkLib() + "/*",
                        "org.apache.flink.runtime.util.bash.BashJavaUtils",
                        command,
                        "--configDir",
                        confDir.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + out.strip());
            }
            List<String> result = new ArrayList<>();
            for (String line : out.lines().toList()) {
                if (line.startsWith(RESULT_PREFIX)) {
                    result.add(line.substring(RESULT_PREFIX.length()));
                }
            }
            if (result.isEmpty()) {
                throw new IllegalStateException(command + " printed no result: " + out.strip());
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(command + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A jar with {@link ParentWatchdogMain} alone, so no other fusionline class is on the path. */
    private static Path writeLauncherJar(Path jar) throws IOException {
        String entry = ParentWatchdogMain.class.getName().replace('.', '/') + ".class";
        try (InputStream in = ParentWatchdogMain.class.getClassLoader().getResourceAsStream(entry);
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (in == null) {
                throw new IOException("missing " + entry);
            }
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    private static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
