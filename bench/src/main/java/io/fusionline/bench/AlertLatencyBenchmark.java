package io.fusionline.bench;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.fusion.FusionInput;
import io.fusionline.multimodal.fusion.FusionModel;
import io.fusionline.multimodal.fusion.FusionModelDescriptor;
import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.multimodal.text.TextEncoder;
import io.fusionline.multimodal.vision.EncodedImage;
import io.fusionline.multimodal.vision.FramePreprocessor;
import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.multimodal.vision.VisionEncoder;
import io.fusionline.multimodal.vision.VisionModelDescriptor;
import io.fusionline.operators.Profile;
import io.fusionline.runtime.LocalRuntime;
import io.fusionline.runtime.Stats;
import io.fusionline.runtime.kafka.CommittedConsumers;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.RecordDecodingException;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.simulation.inspection.InspectionItem;
import io.fusionline.simulation.inspection.InspectionWorld;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code fusionline bench fusion --alerts}: how long an alert takes from the frame being produced
 * to the alert being readable in Kafka, through the whole running job (embedded broker,
 * MiniCluster, the inspection profile's vision encoder, text encoder, alignment, fusion and alerts
 * stages) at half the load the job can carry.
 *
 * <ol>
 *   <li><b>Raw engine.</b> One part's model work in a plain loop, one thread: the frame's JPEG to a
 *       tensor, the vision encoder at batch 1, MiniLM on the log line, the fusion model at batch 1.
 *       Its median is the floor no pipeline can beat.
 *   <li><b>Capacity.</b> {@code capacityItems} parts are rendered, then published at once; the rate
 *       at which the fusion stage decides them (its decisions counter, from 10 % to 60 % of the
 *       parts) is what the job carries.
 *   <li><b>Half load.</b> Parts are published for {@code seconds} at half that rate, each stamped
 *       with the wall clock (event time = time produced), one every 10 s per line, as many lines as
 *       the rate needs; no voice notes (a spoken note can only add evidence once spoken). Alerts
 *       are read (a poll every 5 ms) as they become readable; each alert id is joined with its
 *       frame's Kafka timestamp (set by the producer when it sent the frame).
 * </ol>
 *
 * It prints, per alert id, the latency of its first alert (provisional or not) and, from the same
 * run, of the alert that waits for the window to close (what alerts cost without provisional ones);
 * p50, p95, p99 and max, and the ratio of the p99 to the raw engine.
 */
public final class AlertLatencyBenchmark {

    /** Event time between two parts of one line, as in the worlds. */
    static final long INTERVAL_MS = 10_000;

    /** What one run measured. */
    public record Result(
            double rawMillis,
            double capacityPerSecond,
            double ratePerSecond,
            int items,
            int alertIds,
            int provisionalFirst,
            int cleared,
            double[] firstAlertMillis,
            double[] windowAlertMillis) {}

    private AlertLatencyBenchmark() {}

    /**
     * @param provisional whether the job runs with provisional alerts (the default); without them
     *     every alert waits for its window to close
     */
    public static Result run(
            int capacityItems, int seconds, double load, boolean provisional, PrintStream out)
            throws Exception {
        double raw = rawMillis(out);
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.PROFILE, Profile.INSPECTION);
        WorldSimulator.acceptWorldClock(conf);
        conf.set(FusionlineJobOptions.PROVISIONAL_ALERTS, provisional);
        conf.set(FusionlineJobOptions.CONSUMER_GROUP, "fusionline-bench-alerts");
        conf.set(
                FusionlineJobOptions.TRANSACTIONAL_ID_PREFIX,
                "fusionline-bench-" + UUID.randomUUID().toString().substring(0, 8));
        out.printf(
                "starting an embedded Kafka broker and the job (inspection, parallelism 2,"
                        + " provisional alerts %s) ...%n",
                provisional ? "on" : "off");
        try (LocalRuntime runtime = LocalRuntime.start(conf, 0, 2)) {
            Configuration job = runtime.jobConfiguration();
            double capacity = capacity(job, runtime.prometheusUrl(), capacityItems, out);
            double rate = capacity * load;
            int lines = Math.max(4, (int) Math.round(rate * INTERVAL_MS / 1000.0));
            double eventRate = lines * 1000.0 / INTERVAL_MS; // parts/s the world's clock allows
            int items = (int) Math.round(eventRate * seconds);
            out.printf(
                    "half load: %.1f parts/s (%d lines, a part every %d s per line) for %d s, no"
                            + " voice notes%n",
                    eventRate, lines, INTERVAL_MS / 1000, seconds);
            return halfLoad(
                    job, runtime.prometheusUrl(), raw, capacity, eventRate, lines, items, out);
        }
    }

    /** The median over 40 parts of one part's model work, serially, one thread. */
    static double rawMillis(PrintStream out) {
        FusionModelDescriptor d = BuiltInModels.fusion(BuiltInModels.INSPECTION_FUSION);
        VisionModelDescriptor v = BuiltInModels.vision(BuiltInModels.visionFor(d.id()));
        InspectionWorld world = new InspectionWorld(4, INTERVAL_MS, 224, 7);
        List<FusionInput> windows = new ArrayList<>();
        for (var w : FusionBenchmark.windows(d, 3)) {
            windows.add(FusionBenchmark.input(w));
        }
        FramePreprocessor pre = new FramePreprocessor(v.input(), ImageLimits.DEFAULT);
        double[] millis = new double[50];
        try (VisionEncoder vision = VisionEncoder.open(v, 1);
                TextEncoder text = TextEncoder.open(1, d.maxTokens());
                FusionModel fusion = FusionModel.open(d, 1)) {
            for (int i = 0; i < millis.length; i++) {
                InspectionItem item = world.next();
                long start = System.nanoTime();
                float[] tensor = pre.toTensor(EncodedImage.of(item.image().cameraJpeg()), null);
                vision.encode(tensor, 1);
                text.encode(item.log().text());
                fusion.decide(List.of(windows.get(i % windows.size())));
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
        } catch (Exception e) {
            throw new IllegalStateException("raw engine loop failed: " + e.getMessage(), e);
        }
        double[] timed = Arrays.copyOfRange(millis, 10, millis.length); // 10 warm up
        Arrays.sort(timed);
        double median = Stats.percentile(timed, 50);
        out.printf(
                "raw engine, one part (JPEG to tensor, vision encoder, MiniLM on the log, fusion;"
                        + " batch 1, one thread): median %.1f ms%n",
                median);
        return median;
    }

    /**
     * Decisions/s while {@code count} parts published at once are worked off, from the fusion
     * stage's {@code decisions} counter (Prometheus, sampled every 500 ms) between 10 % and 60 % of
     * the parts: committed decisions arrive in bursts at checkpoints, which would blur the rate,
     * and the last windows (the last 8 s of event time) close only on the idle close.
     */
    private static double capacity(Configuration job, String prometheus, int count, PrintStream out)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        double before = decisionsCounted(http, prometheus);
        try (WorldSimulator simulator = new WorldSimulator(job)) {
            // rendered first, so that the simulator's drawing does not set the pace
            // in the past, so that the half-load parts that follow (stamped now) are not late
            Instant start = Instant.now().minusMillis(count * INTERVAL_MS / 200 + 60_000);
            var records =
                    simulator.render(new InspectionWorld(200, INTERVAL_MS, 224, 11), count, start);
            simulator.publish(records);
        }
        long t10 = 0;
        long t90 = 0;
        double c10 = 0;
        double c90 = 0;
        String busy = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (t90 == 0 && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            double done = decisionsCounted(http, prometheus) - before;
            if (t10 == 0 && done >= 0.1 * count) {
                t10 = now;
                c10 = done;
            }
            if (done >= 0.6 * count) {
                t90 = now;
                c90 = done;
            }
            if (busy == null && done >= 0.35 * count) {
                busy = busiest(http, prometheus);
            }
            TimeUnit.MILLISECONDS.sleep(500); // the sampling period of the counter
        }
        if (t90 == 0 || t90 == t10) {
            throw new IllegalStateException("the job did not decide 60 % of " + count + " parts");
        }
        double perSecond = (c90 - c10) / ((t90 - t10) / 1e9);
        // the rest, before the half load starts (the last windows close on the idle close)
        while (decisionsCounted(http, prometheus) - before < count
                && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(500);
        }
        out.printf(
                "capacity: %d parts rendered, then published at once; the fusion stage decided"
                        + " %.1f parts/s (from 10 %% to 60 %% of them)%n",
                count, perSecond);
        out.printf("  busiest tasks half way (busy ms/s, per subtask): %s%n", busy);
        return perSecond;
    }

    /** The three tasks with the highest {@code busyTimeMsPerSecond}, with their values. */
    private static String busiest(HttpClient http, String prometheus) throws Exception {
        Map<String, Double> busy = new HashMap<>();
        for (String line : scrape(http, prometheus).split("\n")) {
            if (line.startsWith("flink_taskmanager_job_task_busyTimeMsPerSecond{")) {
                int at = line.indexOf("task_name=\"") + 11;
                String task = line.substring(at, line.indexOf('"', at));
                int sub = line.indexOf("subtask_index=\"") + 15;
                String name =
                        task.split("_____")[0] + "#" + line.substring(sub, line.indexOf('"', sub));
                busy.put(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        double total = busy.values().stream().mapToDouble(Double::doubleValue).sum();
        return busy.entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                        .limit(3)
                        .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", "))
                + String.format(
                        Locale.ROOT,
                        "; all tasks together %.0f ms/s on %d cores",
                        total,
                        Runtime.getRuntime().availableProcessors());
    }

    private static String scrape(HttpClient http, String prometheus) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(prometheus))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** The sum of the fusion stage's {@code decisions} counters over its subtasks. */
    private static double decisionsCounted(HttpClient http, String prometheus) throws Exception {
        return fusionCounted(scrape(http, prometheus), "decisions");
    }

    /**
     * What the fusion stages did since the job started, from their counters: decisions by route,
     * provisional looks, reused looks, texts encoded there, and so how many windows they decided
     * per decision (looks + decisions - reused).
     */
    static String fusionWork(String prometheus) throws Exception {
        String scrape = scrape(HttpClient.newHttpClient(), prometheus);
        double decisions = fusionCounted(scrape, "decisions");
        double looks = fusionCounted(scrape, "provisionalDecisions");
        double reused = fusionCounted(scrape, "reusedDecisions");
        return String.format(
                Locale.ROOT,
                "fusion since the job started: %.0f decisions (%.0f by the head, %.0f early exits),"
                        + " %.0f provisional looks, %.0f decisions reused their last look, %.0f"
                        + " deferred texts encoded; windows decided per decision %.2f",
                decisions,
                fusionCounted(scrape, "headDecisions"),
                fusionCounted(scrape, "earlyExits"),
                looks,
                reused,
                fusionCounted(scrape, "deferredEncodings"),
                decisions == 0 ? Double.NaN : (decisions + looks - reused) / decisions);
    }

    /** The sum of the fusion stage's counter {@code name} over its subtasks in a scrape. */
    private static double fusionCounted(String scrape, String name) {
        double sum = 0;
        String prefix = "flink_taskmanager_job_task_operator_" + name + "{";
        for (String line : scrape.split("\n")) {
            if (line.startsWith(prefix) && line.contains("operator_name=\"fusion")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static Result halfLoad(
            Configuration job,
            String prometheus,
            double raw,
            double capacity,
            double rate,
            int lines,
            int items,
            PrintStream out)
            throws Exception {
        WireFormat format = WireFormat.named(job.get(FusionlineJobOptions.WIRE_FORMAT));
        RecordCodec<Decision> codec = format.codec(Decision.class);
        String alertsTopic = job.get(FusionlineJobOptions.ALERTS_TOPIC);
        String decisionsTopic = job.get(FusionlineJobOptions.DECISIONS_TOPIC);
        Map<String, Long> firstAlert = new ConcurrentHashMap<>();
        Map<String, Boolean> firstProvisional = new ConcurrentHashMap<>();
        Map<String, Long> windowAlert = new ConcurrentHashMap<>();
        Map<String, Boolean> confirmed = new ConcurrentHashMap<>();
        AtomicInteger decided = new AtomicInteger();
        AtomicInteger deadLetters = new AtomicInteger();
        String deadLettersTopic = job.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC);
        CountDownLatch allDecided = new CountDownLatch(items);
        AtomicBoolean reading = new AtomicBoolean(true);
        // event times travel as milliseconds
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        KafkaConsumer<byte[], byte[]> consumer =
                consumer(job, "alerts", List.of(alertsTopic, decisionsTopic, deadLettersTopic));
        Thread reader =
                new Thread(
                        () -> {
                            while (reading.get()) {
                                var records = consumer.poll(Duration.ofMillis(5));
                                long now = System.currentTimeMillis();
                                for (ConsumerRecord<byte[], byte[]> r : records) {
                                    if (r.topic().equals(deadLettersTopic)) {
                                        deadLetters.incrementAndGet();
                                        continue;
                                    }
                                    Decision a = decode(codec, r.value());
                                    if (a.getEventTime().isBefore(start)) {
                                        continue; // a part of the capacity run
                                    }
                                    if (r.topic().equals(decisionsTopic)) {
                                        decided.incrementAndGet();
                                        allDecided.countDown();
                                        continue;
                                    }
                                    String id = a.getDecisionId();
                                    if (firstAlert.putIfAbsent(id, now) == null) {
                                        firstProvisional.put(id, a.getProvisional());
                                    }
                                    if (!a.getProvisional()
                                            && windowAlert.putIfAbsent(id, now) == null) {
                                        confirmed.put(id, FusionTranslator.isAlert(a));
                                    }
                                }
                            }
                        },
                        "alerts-reader");
        reader.start();
        HttpClient http = HttpClient.newHttpClient();
        String[] busyHalfWay = {"-"};
        try (WorldSimulator simulator = new WorldSimulator(job)) {
            simulator.run(
                    new InspectionWorld(lines, INTERVAL_MS, 224, 13),
                    items,
                    rate,
                    start,
                    false,
                    n -> {
                        if (n == items / 2) {
                            try {
                                busyHalfWay[0] = busiest(http, prometheus);
                            } catch (Exception e) {
                                busyHalfWay[0] = "unknown (" + e.getMessage() + ")";
                            }
                        }
                    });
        }
        // bounded wait for every part's decision (the last windows close after the idle close)
        long published = System.nanoTime();
        allDecided.await(90, TimeUnit.SECONDS);
        double waited = (System.nanoTime() - published) / 1e9;
        reading.set(false);
        reader.join();
        consumer.close();
        out.printf(
                "decided %d of %d parts (the last %.0f s after the last was published), %d dead"
                        + " letters%n",
                decided.get(), items, waited, deadLetters.get());
        out.printf("  busiest tasks half way (busy ms/s, per subtask): %s%n", busyHalfWay[0]);
        out.println("  " + fusionWork(prometheus));

        Map<String, Long> produced = frameTimestamps(job, start);
        Set<String> decidedIds = decisionIds(job, start);
        List<String> missing =
                produced.keySet().stream().filter(id -> !decidedIds.contains(id)).sorted().toList();
        if (!missing.isEmpty()) {
            out.printf(
                    "NOT DECIDED: %d parts, for example %s%n",
                    missing.size(), missing.subList(0, Math.min(5, missing.size())));
        }
        List<Double> first = new ArrayList<>();
        List<Double> window = new ArrayList<>();
        int provisionalFirst = 0;
        int cleared = 0;
        for (Map.Entry<String, Boolean> e : confirmed.entrySet()) {
            String id = e.getKey();
            Long frame = produced.get(id);
            if (!e.getValue()) {
                cleared++; // a provisional alert the window did not confirm
                continue;
            }
            if (frame == null) {
                throw new IllegalStateException("alert " + id + " matches no frame of the run");
            }
            first.add((double) (firstAlert.get(id) - frame));
            window.add((double) (windowAlert.get(id) - frame));
            if (Boolean.TRUE.equals(firstProvisional.get(id))) {
                provisionalFirst++;
            }
        }
        double[] f = first.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] w = window.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Result result =
                new Result(raw, capacity, rate, items, f.length, provisionalFirst, cleared, f, w);
        print(result, out);
        return result;
    }

    static void print(Result r, PrintStream out) {
        out.printf(
                "alerts: %d parts at %.1f parts/s (%.0f %% of capacity %.1f/s); %d alert ids, the"
                        + " first alert provisional for %d; %d provisional alerts cleared by their"
                        + " window (false alarms, not in the latencies)%n",
                r.items(),
                r.ratePerSecond(),
                100 * r.ratePerSecond() / r.capacityPerSecond(),
                r.capacityPerSecond(),
                r.alertIds(),
                r.provisionalFirst(),
                r.cleared());
        row(out, "frame produced -> first alert readable", r.firstAlertMillis(), r.rawMillis());
        row(out, "frame produced -> window's alert", r.windowAlertMillis(), r.rawMillis());
        double p99 = Stats.percentile(r.firstAlertMillis(), 99);
        out.printf(
                "alerts p99 %.0f ms (target <= 250 ms: %s); raw engine %.1f ms per part, ratio"
                        + " p99/raw %.1f%n",
                p99, p99 <= 250 ? "met" : "NOT met", r.rawMillis(), p99 / r.rawMillis());
    }

    private static void row(PrintStream out, String name, double[] sorted, double raw) {
        out.printf(
                "  %-40s n=%-4d p50 %6.0f ms  p95 %6.0f ms  p99 %6.0f ms  max %6.0f ms%n",
                name,
                sorted.length,
                Stats.percentile(sorted, 50),
                Stats.percentile(sorted, 95),
                Stats.percentile(sorted, 99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]);
    }

    /** Decision id ({@code <line>/w<event ms>}) → the frame's Kafka timestamp, for the run. */
    private static Map<String, Long> frameTimestamps(Configuration job, Instant from) {
        RecordCodec<VideoFrame> frames =
                WireFormat.named(job.get(FusionlineJobOptions.WIRE_FORMAT)).codec(VideoFrame.class);
        Map<String, Long> out = new HashMap<>();
        readAll(
                job,
                job.get(FusionlineJobOptions.FRAMES_TOPIC),
                r -> {
                    VideoFrame f = decode(frames, r.value());
                    if (!f.getEventTime().isBefore(from)) {
                        out.put(
                                f.getSourceId() + "/w" + f.getEventTime().toEpochMilli(),
                                r.timestamp());
                    }
                });
        return out;
    }

    /** The committed decision ids of windows starting at or after {@code from}. */
    private static Set<String> decisionIds(Configuration job, Instant from) {
        RecordCodec<Decision> decisions =
                WireFormat.named(job.get(FusionlineJobOptions.WIRE_FORMAT)).codec(Decision.class);
        Set<String> out = new HashSet<>();
        readAll(
                job,
                job.get(FusionlineJobOptions.DECISIONS_TOPIC),
                r -> {
                    Decision d = decode(decisions, r.value());
                    if (!d.getEventTime().isBefore(from)) {
                        out.add(d.getDecisionId());
                    }
                });
        return out;
    }

    /** Every committed record of {@code topic} up to its end now. */
    private static void readAll(
            Configuration job, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                CommittedConsumers.create(KafkaAccess.of(job), "bench-read-" + topic)) {
            List<TopicPartition> partitions =
                    CommittedConsumers.assignAll(consumer, List.of(topic));
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    private static <T> T decode(RecordCodec<T> codec, byte[] value) {
        try {
            return codec.decode(value);
        } catch (RecordDecodingException e) {
            throw new IllegalStateException("undecodable record: " + e.getMessage(), e);
        }
    }

    /** A read-committed consumer at the end of {@code topics}, before anything runs. */
    private static KafkaConsumer<byte[], byte[]> consumer(
            Configuration job, String name, List<String> topics) {
        KafkaConsumer<byte[], byte[]> consumer =
                CommittedConsumers.create(KafkaAccess.of(job), "bench-" + name);
        CommittedConsumers.assignAtEnd(consumer, topics);
        return consumer;
    }
}
