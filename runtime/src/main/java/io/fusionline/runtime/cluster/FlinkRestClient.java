package io.fusionline.runtime.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The part of Flink's REST API that deploying and operating the fusionline job needs: upload and
 * run a job jar, job state, checkpoints, stop-with-savepoint, task managers. It speaks to any Flink
 * 2.x session cluster (the local one of {@link LocalFlinkCluster} or a remote one); every call has
 * a timeout, and a non-2xx answer becomes an {@link IllegalStateException} that carries Flink's own
 * error text.
 */
public final class FlinkRestClient {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;

    /**
     * @param restUrl the cluster's REST (and web UI) address, e.g. {@code http://127.0.0.1:8081}
     */
    public FlinkRestClient(String restUrl) {
        this.base = URI.create(restUrl.endsWith("/") ? restUrl : restUrl + "/");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String url() {
        String s = base.toString();
        return s.substring(0, s.length() - 1);
    }

    /** {@code GET /overview}; throws when the cluster does not answer. */
    public JsonNode overview() {
        return get("overview");
    }

    /** Number of task managers registered with the resource manager. */
    public int taskManagers() {
        return overview().path("taskmanagers").asInt();
    }

    /** Ids of the registered task managers ({@code taskmanager.resource-id}). */
    public Set<String> taskManagerIds() {
        Set<String> ids = new TreeSet<>();
        get("taskmanagers").path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
        return ids;
    }

    /** Uploads a job jar ({@code POST /jars/upload}); returns the jar id to run it with. */
    public String uploadJar(Path jar) {
        String boundary = "fusionline-" + UUID.randomUUID();
        byte[] head =
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest request =
                HttpRequest.newBuilder(base.resolve("jars/upload"))
                        .timeout(Duration.ofMinutes(5))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(
                                HttpRequest.BodyPublishers.ofInputStream(
                                        () -> multipart(head, jar, tail)))
                        .build();
        String filename = send(request).path("filename").asText();
        if (filename.isEmpty()) {
            throw new IllegalStateException("Flink did not name the uploaded jar");
        }
        return filename.substring(filename.lastIndexOf('/') + 1);
    }

    /**
     * Runs an uploaded jar's main class ({@code POST /jars/:id/run}); returns the job id.
     *
     * @param savepoint a savepoint or retained checkpoint to start from, or null
     */
    public String runJar(String jarId, List<String> args, int parallelism, String savepoint) {
        ObjectNode body = JSON.createObjectNode();
        args.forEach(body.putArray("programArgsList")::add);
        body.put("parallelism", parallelism);
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
            body.put("allowNonRestoredState", false);
        }
        String jobId = post("jars/" + jarId + "/run", body).path("jobid").asText();
        if (jobId.isEmpty()) {
            throw new IllegalStateException("Flink started no job from jar " + jarId);
        }
        return jobId;
    }

    /** {@code GET /jobs/:id}: state, vertices and their task states. */
    public JsonNode job(String jobId) {
        return get("jobs/" + jobId);
    }

    /** The job's state, e.g. {@code RUNNING}, {@code RESTARTING}, {@code FINISHED}. */
    public String jobState(String jobId) {
        return job(jobId).path("state").asText();
    }

    /** True when the job is RUNNING and so is every task of every vertex. */
    public boolean allTasksRunning(String jobId) {
        JsonNode job = job(jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            int running = vertex.path("tasks").path("RUNNING").asInt();
            if (running != vertex.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    /** Ids of the task managers that run at least one of the job's tasks. */
    public Set<String> taskManagersOf(String jobId) {
        Set<String> ids = new TreeSet<>();
        for (JsonNode vertex : job(jobId).path("vertices")) {
            JsonNode detail = get("jobs/" + jobId + "/vertices/" + vertex.path("id").asText());
            detail.path("subtasks")
                    .forEach(
                            s -> {
                                String tm = s.path("taskmanager-id").asText();
                                if (!tm.isEmpty() && !"(unassigned)".equals(tm)) {
                                    ids.add(tm);
                                }
                            });
        }
        return ids;
    }

    /** {@code GET /jobs/:id/checkpoints}: counts, latest completed, latest restored. */
    public JsonNode checkpoints(String jobId) {
        return get("jobs/" + jobId + "/checkpoints");
    }

    /** Number of completed checkpoints of the job (restores included in the history). */
    public long completedCheckpoints(String jobId) {
        return checkpoints(jobId).path("counts").path("completed").asLong();
    }

    /** Number of times the job restored from a checkpoint or savepoint. */
    public long restores(String jobId) {
        return checkpoints(jobId).path("counts").path("restored").asLong();
    }

    /**
     * Stops the job with a savepoint into {@code directory} ({@code POST /jobs/:id/stop}, no drain:
     * the sources stop, in-flight state such as open windows and utterances is kept), waits for it
     * and returns the savepoint's path.
     */
    public String stopWithSavepoint(String jobId, String directory, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", directory);
        body.put("drain", false);
        String trigger = post("jobs/" + jobId + "/stop", body).path("request-id").asText();
        JsonNode[] done = new JsonNode[1];
        await(
                "savepoint of job " + jobId,
                timeout,
                () -> {
                    JsonNode status = get("jobs/" + jobId + "/savepoints/" + trigger);
                    boolean completed =
                            "COMPLETED".equals(status.path("status").path("id").asText());
                    if (completed) {
                        done[0] = status.path("operation");
                    }
                    return completed;
                });
        JsonNode failure = done[0].path("failure-cause");
        if (!failure.isMissingNode() && !failure.isNull()) {
            throw new IllegalStateException(
                    "stop-with-savepoint of job "
                            + jobId
                            + " failed: "
                            + failure.path("stack-trace").asText().lines().findFirst().orElse(""));
        }
        return done[0].path("location").asText();
    }

    /** Cancels the job ({@code PATCH /jobs/:id?mode=cancel}). */
    public void cancel(String jobId) {
        HttpRequest request =
                HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "?mode=cancel"))
                        .timeout(CALL_TIMEOUT)
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build();
        send(request);
    }

    /** Polls {@code condition} every 200 ms until it holds; throws after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
                last = null;
            } catch (RuntimeException e) {
                last = e; // not up yet, or a transient answer: try again until the deadline
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
        throw new IllegalStateException(
                "timed out after "
                        + timeout.toSeconds()
                        + " s waiting for "
                        + what
                        + (last == null ? "" : ": " + last.getMessage()),
                last);
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(CALL_TIMEOUT).GET().build());
    }

    private JsonNode post(String path, JsonNode body) {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(CALL_TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build());
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    request.method() + " " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.uri(), e);
        }
        JsonNode body;
        try {
            body =
                    response.body().length == 0
                            ? JSON.createObjectNode()
                            : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.createObjectNode().put("raw", new String(response.body()));
        }
        if (response.statusCode() / 100 != 2) {
            List<String> errors = new ArrayList<>();
            body.path("errors").forEach(e -> errors.add(firstLines(e.asText())));
            throw new IllegalStateException(
                    request.method()
                            + " "
                            + request.uri().getPath()
                            + " answered "
                            + response.statusCode()
                            + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)));
        }
        return body;
    }

    /**
     * Flink puts whole stack traces into errors; the first line and the root cause say what went
     * wrong.
     */
    private static String firstLines(String error) {
        List<String> lines = error.lines().toList();
        String first = lines.isEmpty() ? "" : lines.get(0);
        String cause =
                lines.stream()
                        .filter(l -> l.startsWith("Caused by:"))
                        .reduce((a, b) -> b)
                        .orElse("");
        return cause.isEmpty() ? first : first + " | " + cause;
    }

    private static InputStream multipart(byte[] head, Path jar, byte[] tail) {
        try {
            return new SequenceInputStream(
                    Collections.enumeration(
                            List.of(
                                    new java.io.ByteArrayInputStream(head),
                                    Files.newInputStream(jar),
                                    new java.io.ByteArrayInputStream(tail))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }
}
