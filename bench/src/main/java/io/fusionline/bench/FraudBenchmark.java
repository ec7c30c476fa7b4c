package io.fusionline.bench;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.jobs.KafkaConnectors;
import io.fusionline.operators.Profile;
import io.fusionline.operators.decode.DecodeFunction;
import io.fusionline.operators.decode.InputLimits;
import io.fusionline.operators.kafka.RawRecord;
import io.fusionline.operators.text.TextEventValidator;
import io.fusionline.operators.vision.VideoFrameValidator;
import io.fusionline.runtime.LocalRuntime;
import io.fusionline.runtime.Stats;
import io.fusionline.runtime.kafka.CommittedConsumers;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import io.fusionline.simulation.fraud.FraudCase;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.fraud.IdCardRenderer;
import io.fusionline.simulation.fraud.Tampering;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code fusionline bench fraud}: payments per second the fraud job carries, against a pass-through
 * job over the same topics in the same run, and the latency from a payment produced to its first
 * risk score readable in Kafka.
 *
 * <ol>
 *   <li><b>Payments.</b> Drawn from the fraud world before any clock starts; at least 95 % are a
 *       payment alone, the rest (the {@code mix}) come with a call transcript or an ID document
 *       (PNG) half each. Each is sent for a different account ({@code accounts}, so that one
 *       account's payments are minutes apart and each starts its own window), stamped with the wall
 *       clock: the generator only stamps, encodes and sends.
 *   <li><b>Rows.</b> (p) a pass-through job: decode, keyBy source, encode, exactly-once sink, over
 *       the text-events and frames topics; (b) the fraud job (no speech stage: calls arrive as
 *       transcripts; the document encoder on; no OCR). Each on its own embedded broker and
 *       MiniCluster, one after the other, on this machine: broker, generator and job share its
 *       cores.
 *   <li><b>Capacity by stepped load.</b> A burst of {@value #BURST} payments, sent as fast as the
 *       generator can, estimates what the job works off; the steps start at half that estimate and
 *       each offers 15 % more than the last, each held for {@code stepSeconds}. Lag is what {@code
 *       kafka-consumer-groups} shows: input end offsets minus the job's committed offsets
 *       (committed at each checkpoint), sampled every second. A step is held when its lag over the
 *       second half of the step never exceeds 5 s of input and does not grow by more than 2 s of
 *       input from the middle to the end. Capacity is the highest step held, stepping up from the
 *       lowest until one fails.
 *   <li><b>Latency.</b> At half the fraud job's capacity for {@code latencySeconds}: for each
 *       payment, the time from just before it was sent to its first record on the scores topic,
 *       read by a consumer polling every 5 ms (the first 10 s are warm-up).
 * </ol>
 */
public final class FraudBenchmark {

    /** Payments of the burst that estimates where the steps start. */
    static final int BURST = 150_000;

    /** The first step offers this share of the burst estimate; each next one 25 % more. */
    static final double FIRST_STEP = 0.5;

    static final double STEP_FACTOR = 1.25;

    static final int MAX_STEPS = 16;

    /** Steps between the last held and the first failed rate, each halving the gap. */
    static final int REFINEMENTS = 2;

    /** One step: offered rate, what was sent, what the job committed, and the lag. */
    public record Step(
            double offered,
            double sent,
            double committed,
            long maxLag,
            long endLag,
            boolean held) {}

    /**
     * One job's steps in the order run and its capacity: the highest rate held below the lowest
     * rate that was not (0 when none held).
     */
    public record Row(String job, double burstEstimate, List<Step> steps) {
        public double capacity() {
            double failed = Double.POSITIVE_INFINITY;
            for (Step s : steps) {
                if (!s.held()) {
                    failed = Math.min(failed, s.offered());
                }
            }
            double best = 0;
            for (Step s : steps) {
                if (s.held() && s.offered() < failed) {
                    best = Math.max(best, s.offered());
                }
            }
            return best;
        }

        /** Whether a step failed: without one, the capacity is a lower bound. */
        public boolean bounded() {
            return steps.stream().anyMatch(s -> !s.held());
        }
    }

    /** The run. */
    public record Result(
            Row passThrough,
            Row fraud,
            double latencyRate,
            double[] latencyMillis,
            int sentForLatency,
            String fusionWork) {}

    /**
     * @param stepSeconds how long each step is held
     * @param latencySeconds how long the half-load latency run lasts
     * @param mix share of payments with a call or an ID document
     * @param parallelism the jobs' parallelism
     * @param latencyRate the latency run's rate; 0 for half the fraud job's capacity, else no
     *     stepped load is run (neither row), only the latency at this rate
     * @param fraudSettings job options for the fraud job on top of the bench's
     * @param passThrough whether to run the pass-through row (else only the fraud job's)
     */
    public static Result run(
            int stepSeconds,
            int latencySeconds,
            double mix,
            int parallelism,
            double latencyRate,
            Map<String, String> fraudSettings,
            boolean passThrough,
            PrintStream out)
            throws Exception {
        Pool pool = Pool.draw(20_000, mix, 7);
        out.printf(
                Locale.ROOT,
                "payments: %d drawn before the clock, %.1f %% alone, %.1f %% with a call"
                        + " transcript, %.1f %% with an ID document; %d accounts%n",
                pool.size(),
                100.0 * pool.alone() / pool.size(),
                100.0 * pool.withCall() / pool.size(),
                100.0 * pool.withDocument() / pool.size(),
                ACCOUNTS);
        Configuration fraud = fraudConf();
        fraud.addAll(Configuration.fromMap(fraudSettings));
        LatencyRun latency = new LatencyRun();
        if (latencyRate > 0) {
            latency.rate = latencyRate;
            try (LocalRuntime runtime =
                    LocalRuntime.start(fraud, LocalRuntime.Settings.of(0, parallelism))) {
                latency.run(runtime, pool, latencySeconds, out);
            }
            return new Result(
                    new Row("pass-through", 0, List.of()),
                    new Row("fraud job", 0, List.of()),
                    latency.rate,
                    latency.millis,
                    latency.sent,
                    latency.work);
        }
        Row p =
                passThrough
                        ? stepped(
                                "pass-through",
                                passThroughConf(),
                                PASS_THROUGH,
                                pool,
                                stepSeconds,
                                parallelism,
                                null,
                                out)
                        : new Row("pass-through", 0, List.of());
        Row b =
                stepped(
                        "fraud job",
                        fraud,
                        LocalRuntime.Job.FUSIONLINE,
                        pool,
                        stepSeconds,
                        parallelism,
                        (runtime, capacity) -> {
                            latency.rate = capacity / 2;
                            latency.run(runtime, pool, latencySeconds, out);
                        },
                        out);
        return new Result(p, b, latency.rate, latency.millis, latency.sent, latency.work);
    }

    private FraudBenchmark() {}

    /** Accounts the payments rotate over. */
    static final int ACCOUNTS = 250_000;

    private static Configuration common(String name) {
        Configuration conf = new Configuration();
        conf.set(FusionlineJobOptions.PROFILE, Profile.FRAUD);
        conf.set(FusionlineJobOptions.SPEECH_ENABLED, false);
        conf.set(
                FusionlineJobOptions.JOB_NAME,
                "fusionline-bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
        return conf;
    }

    private static Configuration passThroughConf() {
        return common("pass");
    }

    private static Configuration fraudConf() {
        return common("fraud");
    }

    /** (p): decode → keyBy → encode → exactly-once sink, for text events and frames. */
    static final LocalRuntime.Job PASS_THROUGH =
            (env, conf) -> {
                WireFormat format = WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT));
                InputLimits limits = FusionlineJobOptions.inputLimits(conf);
                DataStream<TextEvent> texts =
                        passThrough(
                                env,
                                KafkaConnectors.textEventsSource(conf),
                                "text-events",
                                new DecodeFunction<>(
                                        TextEvent.class,
                                        format,
                                        new TextEventValidator(limits),
                                        limits),
                                TextEvent.class);
                texts.keyBy(TextEvent::getSourceId)
                        .sinkTo(
                                KafkaConnectors.exactlyOnceSink(
                                        conf,
                                        "pass-text",
                                        conf.get(FusionlineJobOptions.DECISIONS_TOPIC),
                                        TextEvent.class,
                                        TextEvent::getSourceId))
                        .name("text events sink");
                DataStream<VideoFrame> frames =
                        passThrough(
                                env,
                                KafkaConnectors.framesSource(conf, null),
                                "frames",
                                new DecodeFunction<>(
                                        VideoFrame.class,
                                        format,
                                        new VideoFrameValidator(
                                                FusionlineJobOptions.imageLimits(conf)),
                                        limits),
                                VideoFrame.class);
                frames.keyBy(VideoFrame::getSourceId)
                        .sinkTo(
                                KafkaConnectors.exactlyOnceSink(
                                        conf,
                                        "pass-frames",
                                        conf.get(FusionlineJobOptions.VISION_FEATURES_TOPIC),
                                        VideoFrame.class,
                                        VideoFrame::getSourceId))
                        .name("frames sink");
            };

    private static <T extends SpecificRecordBase> DataStream<T> passThrough(
            StreamExecutionEnvironment env,
            org.apache.flink.api.connector.source.Source<RawRecord, ?, ?> source,
            String name,
            DecodeFunction<T> decode,
            Class<T> type) {
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), name + " source")
                .process(decode, new AvroTypeInfo<>(type))
                .name("decode " + name);
    }

    /** Told the capacity found, with the runtime still up (the fraud row's latency run). */
    @FunctionalInterface
    interface AfterSteps {
        void accept(LocalRuntime runtime, double capacity) throws Exception;
    }

    private static Row stepped(
            String name,
            Configuration conf,
            LocalRuntime.Job job,
            Pool pool,
            int stepSeconds,
            int parallelism,
            AfterSteps after,
            PrintStream out)
            throws Exception {
        out.printf(
                "%n(%s) starting an embedded broker and the job (parallelism %d) ...%n",
                name, parallelism);
        try (LocalRuntime runtime =
                        LocalRuntime.start(conf, LocalRuntime.Settings.of(0, parallelism), job);
                Generator generator = new Generator(runtime.jobConfiguration(), pool);
                Lag lag = new Lag(runtime.jobConfiguration())) {
            double estimate = burst(generator, lag, out);
            List<Step> steps = new ArrayList<>();
            double rate = Math.max(100, Math.round(estimate * FIRST_STEP / 100.0) * 100.0);
            double held = 0;
            double failed = 0;
            for (int i = 0; i < MAX_STEPS && failed == 0; i++) {
                Step s = step(generator, lag, rate, stepSeconds, out, "step");
                steps.add(s);
                if (s.held()) {
                    held = rate;
                    rate = Math.round(rate * STEP_FACTOR / 100.0) * 100.0;
                } else {
                    failed = rate;
                }
            }
            for (int i = 0; i < REFINEMENTS && failed > 0 && held > 0; i++) {
                rate = Math.round((held + failed) / 2 / 100.0) * 100.0;
                if (rate <= held || rate >= failed) {
                    break;
                }
                try {
                    lag.awaitDrained(Duration.ofMinutes(5));
                } catch (Exception e) { // the machine gave out at the failed step
                    out.printf("  no refinement: the job did not recover (%s)%n", e);
                    break;
                }
                Step s = step(generator, lag, rate, stepSeconds, out, "refine");
                steps.add(s);
                if (s.held()) {
                    held = rate;
                } else {
                    failed = rate;
                }
            }
            Row row = new Row(name, estimate, steps);
            out.printf(
                    Locale.ROOT,
                    "  (%s) capacity: %s%.0f payments/s%n",
                    name,
                    row.bounded() ? "" : "at least ",
                    row.capacity());
            if (after != null && row.capacity() > 0) {
                lag.awaitDrained(Duration.ofSeconds(120));
                after.accept(runtime, row.capacity());
            }
            return row;
        }
    }

    /**
     * Sends {@value #BURST} payments as fast as the generator can and returns the rate the job
     * committed them at while it went from 20 % to 80 % of them (its offsets are committed at
     * checkpoints, so the first and the last seconds say little); at most 5 minutes.
     */
    private static double burst(Generator generator, Lag lag, PrintStream out) throws Exception {
        long committedBefore = lag.committed();
        long sentBefore = generator.sent();
        long start = System.nanoTime();
        generator.offer(Double.POSITIVE_INFINITY);
        long records = Math.round(BURST * generator.recordsPerPayment());
        long deadline = start + TimeUnit.MINUTES.toNanos(5);
        long t20 = 0;
        long c20 = 0;
        long t80 = 0;
        long c80 = 0;
        while (t80 == 0 && System.nanoTime() < deadline) {
            if (generator.sent() - sentBefore >= BURST) {
                generator.offer(0);
            }
            TimeUnit.MILLISECONDS.sleep(250); // committed offsets move at checkpoints
            long done = lag.committed() - committedBefore;
            if (t20 == 0 && done >= 0.2 * records) {
                t20 = System.nanoTime();
                c20 = done;
            }
            if (done >= 0.8 * records) {
                t80 = System.nanoTime();
                c80 = done;
            }
        }
        generator.offer(0);
        if (t80 == 0 || t80 == t20) {
            throw new IllegalStateException(
                    "the job did not commit 80 % of the burst in 5 minutes");
        }
        double rate = (c80 - c20) / ((t80 - t20) / 1e9) / generator.recordsPerPayment();
        out.printf(
                Locale.ROOT,
                "  burst: %d payments as fast as the generator sends; the job committed them at"
                        + " %.0f payments/s (from 20 %% to 80 %% of them)%n",
                generator.sent() - sentBefore,
                rate);
        lag.awaitDrained(Duration.ofMinutes(5));
        // its input is read, but windows of the burst still wait in the alignment stage and
        // close as the watermark moves on: let them be decided before the first step
        TimeUnit.SECONDS.sleep(IDLE_AFTER_BURST_SECONDS);
        return rate;
    }

    /** Quiet time after the burst, for the windows it opened to close and be decided. */
    static final int IDLE_AFTER_BURST_SECONDS = 90;

    /** Offers {@code rate} for {@code seconds} and watches the lag every second. */
    private static Step step(
            Generator generator, Lag lag, double rate, int seconds, PrintStream out, String what)
            throws Exception {
        long committedBefore = lag.committed();
        long sentBefore = generator.sent();
        long start = System.nanoTime();
        generator.offer(rate);
        long maxLag = 0;
        long middleLag = 0;
        long endLag = 0;
        try {
            for (int second = 1; second <= seconds; second++) {
                long due = start + second * 1_000_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the sampling period
                }
                long now;
                try {
                    now = lag.lag();
                } catch (java.util.concurrent.TimeoutException e) {
                    out.printf(
                            "  %s %.0f/s: the broker did not answer the lag query within 30 s:"
                                    + " NOT held%n",
                            what, rate);
                    return new Step(rate, Double.NaN, Double.NaN, -1, -1, false);
                }
                if (second * 2 >= seconds) {
                    maxLag = Math.max(maxLag, now);
                }
                if (second == (seconds + 1) / 2) {
                    middleLag = now;
                }
                endLag = now;
            }
        } finally {
            generator.offer(0);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double sent = (generator.sent() - sentBefore) / elapsed;
        double committed =
                (lag.committed() - committedBefore) / elapsed / generator.recordsPerPayment();
        long bound = Math.round(rate * generator.recordsPerPayment());
        boolean kept = sent >= 0.97 * rate;
        boolean held = kept && maxLag <= 5 * bound && endLag - middleLag <= 2 * bound;
        out.printf(
                Locale.ROOT,
                "  %s %.0f/s: sent %.0f/s, committed %.0f payments/s, lag (records) over the"
                        + " second half max %d, at the end %d: %s%n",
                what,
                rate,
                sent,
                committed,
                maxLag,
                endLag,
                held ? "held" : kept ? "NOT held" : "NOT held (the generator fell behind)");
        return new Step(rate, sent, committed, maxLag, endLag, held);
    }

    /** Payments drawn from the fraud world, with the mix's calls and documents. */
    record Pool(List<FraudCase> cases, List<String> calls, List<byte[]> documents) {
        static Pool draw(int size, double mix, long seed) {
            FraudWorld world = new FraudWorld(64, 500, seed);
            Random random = new Random(seed);
            IdCardRenderer cards = new IdCardRenderer();
            List<FraudCase> cases = new ArrayList<>(size);
            List<String> calls = new ArrayList<>(size);
            List<byte[]> documents = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                FraudCase c = world.next();
                double u = random.nextDouble();
                String call = null;
                byte[] document = null;
                if (u < mix / 2) {
                    call = c.callRemark() != null ? c.callRemark() : "i want to check my balance";
                } else if (u < mix) {
                    document =
                            (c.document() != null
                                            ? c.document()
                                            : FraudWorld.document(
                                                    cards,
                                                    FraudWorld.randomHolder(random),
                                                    Tampering.NONE,
                                                    random))
                                    .png();
                }
                cases.add(c);
                calls.add(call);
                documents.add(document);
            }
            return new Pool(cases, calls, documents);
        }

        int size() {
            return cases.size();
        }

        long withCall() {
            return calls.stream().filter(c -> c != null).count();
        }

        long withDocument() {
            return documents.stream().filter(d -> d != null).count();
        }

        long alone() {
            return size() - withCall() - withDocument();
        }
    }

    /**
     * Sends the pool's payments at the offered rate from its own thread, each for the next account,
     * stamped now; remembers when each payment was sent when asked to.
     */
    static final class Generator implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final Pool pool;
        private final RecordCodec<TextEvent> texts;
        private final RecordCodec<VideoFrame> frames;
        private final String textTopic;
        private final String framesTopic;
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile double rate;
        private volatile long sent;
        private volatile Map<String, Long> sentAt;
        private final java.util.concurrent.atomic.AtomicReference<Exception> failure =
                new java.util.concurrent.atomic.AtomicReference<>();

        Generator(Configuration job, Pool pool) {
            Map<String, Object> config = KafkaAccess.of(job).clientConfig();
            config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
            config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
            config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaConnectors.MAX_RECORD_BYTES);
            this.producer =
                    new KafkaProducer<>(
                            config, new ByteArraySerializer(), new ByteArraySerializer());
            this.pool = pool;
            WireFormat format = WireFormat.named(job.get(FusionlineJobOptions.WIRE_FORMAT));
            this.texts = format.codec(TextEvent.class);
            this.frames = format.codec(VideoFrame.class);
            this.textTopic = job.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC);
            this.framesTopic = job.get(FusionlineJobOptions.FRAMES_TOPIC);
            this.thread = new Thread(this::loop, "fraud-bench-generator");
            thread.setDaemon(true);
            thread.start();
        }

        /** From now on sends {@code perSecond} payments a second; 0 stops, infinity floods. */
        void offer(double perSecond) {
            rate = perSecond;
        }

        long sent() {
            return sent;
        }

        /** Input records per payment: the payment, plus its call or document in the mix. */
        double recordsPerPayment() {
            return 1.0 + (double) (pool.withCall() + pool.withDocument()) / pool.size();
        }

        /** Starts remembering, per decision id, when its payment was sent. */
        Map<String, Long> remember() {
            Map<String, Long> m = new ConcurrentHashMap<>();
            sentAt = m;
            return m;
        }

        private void loop() {
            long n = 0;
            double offered = 0;
            long since = System.nanoTime();
            long countedSince = 0;
            while (running.get()) {
                double r = rate;
                if (r != offered) {
                    offered = r;
                    since = System.nanoTime();
                    countedSince = n;
                }
                if (r <= 0) {
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                long due =
                        Double.isInfinite(r)
                                ? n + 256
                                : countedSince + (long) ((System.nanoTime() - since) * r / 1e9);
                if (n >= due) {
                    LockSupport.parkNanos(200_000);
                    continue;
                }
                try {
                    while (n < due && running.get()) {
                        send(n++);
                    }
                } catch (RuntimeException e) { // the producer closed under it, or a send failed
                    failure.compareAndSet(null, e);
                    return;
                }
                sent = n;
            }
        }

        private void send(long n) {
            int i = (int) (n % pool.size());
            FraudCase c = pool.cases().get(i);
            String account = "acct-" + (n % ACCOUNTS);
            byte[] key = account.getBytes(StandardCharsets.UTF_8);
            long now = System.currentTimeMillis();
            Instant time = Instant.ofEpochMilli(now);
            TextEvent payment = WorldSimulator.payment(c, time);
            payment.setSourceId(account);
            Map<String, Long> remembered = sentAt;
            if (remembered != null) {
                remembered.put(account + "/w" + now, System.nanoTime());
            }
            producer.send(new ProducerRecord<>(textTopic, key, texts.encode(payment)), this::acked);
            String call = pool.calls().get(i);
            if (call != null) {
                TextEvent t =
                        TextEvent.newBuilder()
                                .setSourceId(account)
                                .setEventTime(time.plusMillis(1))
                                .setKind(TextKind.TRANSCRIPT)
                                .setText(call)
                                .setAttributes(Map.of())
                                .setFeatures(Map.of())
                                .build();
                producer.send(new ProducerRecord<>(textTopic, key, texts.encode(t)), this::acked);
            }
            byte[] png = pool.documents().get(i);
            if (png != null) {
                VideoFrame f =
                        VideoFrame.newBuilder()
                                .setSourceId(account)
                                .setSequence(n)
                                .setEventTime(time.plusMillis(2))
                                .setWidth(IdCardRenderer.WIDTH)
                                .setHeight(IdCardRenderer.HEIGHT)
                                .setFormat(io.fusionline.schema.media.FrameFormat.PNG)
                                .setPayload(java.nio.ByteBuffer.wrap(png))
                                .build();
                producer.send(
                        new ProducerRecord<>(framesTopic, key, frames.encode(f)), this::acked);
            }
        }

        private void acked(org.apache.kafka.clients.producer.RecordMetadata m, Exception e) {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
            Exception e = failure.get(); // a send blocked past the join fails on close: not news
            producer.close(Duration.ofSeconds(10));
            if (e != null) {
                throw new IllegalStateException(
                        "the generator's sends failed: " + e.getMessage(), e);
            }
        }
    }

    /** Consumer-group lag of the job on its input topics, as {@code kafka-consumer-groups}. */
    static final class Lag implements AutoCloseable {
        private final Admin admin;
        private final String group;
        private final List<TopicPartition> partitions = new ArrayList<>();
        private long committed;

        Lag(Configuration job) throws Exception {
            this.admin = Admin.create(KafkaAccess.of(job).clientConfig());
            this.group = FusionlineJobOptions.consumerGroup(job);
            for (String topic :
                    List.of(
                            job.get(FusionlineJobOptions.TEXT_EVENTS_TOPIC),
                            job.get(FusionlineJobOptions.FRAMES_TOPIC))) {
                var description =
                        admin.describeTopics(Set.of(topic))
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS);
                description
                        .get(topic)
                        .partitions()
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
        }

        /** Input end offsets minus the job's committed offsets, summed over the partitions. */
        long lag() throws Exception {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> done =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(30, TimeUnit.SECONDS);
            long lag = 0;
            long sum = 0;
            for (TopicPartition p : partitions) {
                OffsetAndMetadata c = done.get(p);
                long at = c == null ? 0 : c.offset();
                sum += at;
                lag += Math.max(0, ends.get(p).offset() - at);
            }
            committed = sum;
            return lag;
        }

        /** Records the job has committed over all its input partitions, as of the last sample. */
        long committed() throws Exception {
            lag();
            return committed;
        }

        void awaitDrained(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lag() > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the job did not work off its input within "
                                    + timeout.toSeconds()
                                    + " s");
                }
                TimeUnit.MILLISECONDS.sleep(500); // the committed offsets move at checkpoints
            }
        }

        @Override
        public void close() {
            admin.close(Duration.ofSeconds(10));
        }
    }

    /** The half-load latency run on the fraud job. */
    static final class LatencyRun {
        double rate;
        double[] millis = new double[0];
        int sent;
        String work = "";

        void run(LocalRuntime runtime, Pool pool, int seconds, PrintStream out) throws Exception {
            Configuration job = runtime.jobConfiguration();
            RecordCodec<Decision> codec =
                    WireFormat.named(job.get(FusionlineJobOptions.WIRE_FORMAT))
                            .codec(Decision.class);
            String scores = job.get(FusionlineJobOptions.SCORES_TOPIC);
            out.printf(
                    Locale.ROOT,
                    "  latency: %.0f payments/s (half capacity) for %d s ...%n",
                    rate,
                    seconds);
            List<Double> latencies = new ArrayList<>();
            try (Generator generator = new Generator(job, pool);
                    KafkaConsumer<byte[], byte[]> consumer =
                            CommittedConsumers.create(KafkaAccess.of(job), "fraud-bench-scores")) {
                CommittedConsumers.assignAtEnd(consumer, List.of(scores));
                Map<String, Long> sentAt = generator.remember();
                long start = System.nanoTime();
                long warmUp = start + 10_000_000_000L;
                long end = start + seconds * 1_000_000_000L;
                Set<String> seen = new java.util.HashSet<>();
                generator.offer(rate);
                while (System.nanoTime() < end + 5_000_000_000L) {
                    if (System.nanoTime() >= end) {
                        generator.offer(0);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(5))) {
                        long now = System.nanoTime();
                        Decision d = codec.decode(r.value());
                        if (!seen.add(d.getDecisionId())) {
                            continue;
                        }
                        Long at = sentAt.get(d.getDecisionId());
                        if (at != null && at >= warmUp && at < end) {
                            latencies.add((now - at) / 1e6);
                        }
                    }
                }
                sent = (int) sentAt.values().stream().filter(t -> t >= warmUp && t < end).count();
            }
            millis = latencies.stream().mapToDouble(Double::doubleValue).toArray();
            work = AlertLatencyBenchmark.fusionWork(runtime.prometheusUrl());
            double[] sorted = millis.clone();
            java.util.Arrays.sort(sorted);
            out.printf(
                    Locale.ROOT,
                    "  payment produced -> first score readable: %d of %d payments scored;"
                            + " p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    sorted.length,
                    sent,
                    Stats.percentile(sorted, 50),
                    Stats.percentile(sorted, 95),
                    Stats.percentile(sorted, 99),
                    sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]);
            out.println("  " + work);
        }
    }
}
