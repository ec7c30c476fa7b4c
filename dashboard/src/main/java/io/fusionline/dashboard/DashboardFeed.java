package io.fusionline.dashboard;

import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.runtime.Stats;
import io.fusionline.runtime.kafka.CommittedConsumers;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.decision.VisionEvidence;
import io.fusionline.schema.decision.WordEvidence;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.RecordDecodingException;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.text.Transcript;
import io.fusionline.schema.text.TranscriptKind;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * What the dashboard shows, read from Kafka by one background thread: the decisions, alerts and
 * transcripts topics ({@code read_committed}: only what the job committed) and the frames topic
 * (the latest {@value #FRAMES_PER_SOURCE} frames of each source, for the heat map's picture).
 *
 * <p>It keeps, per source, the latest decision, the latest final transcript and the recent frames;
 * the latest {@value #ALERTS} alerts; and per second of the last {@value #SECONDS} seconds the
 * number of decisions and the end-to-end latency of those with vision evidence (frame produced to
 * decision readable, both measured on this machine's clock). {@link #snapshot} copies it for a
 * request. Records that do not decode are counted and skipped: the dashboard is a viewer, the job
 * owns dead letters.
 */
public final class DashboardFeed implements AutoCloseable {

    static final int FRAMES_PER_SOURCE = 24;
    static final int LOOKBACK = 500;
    static final int FRAME_LOOKBACK = 50;
    static final int ALERTS = 50;
    static final int SECONDS = 120;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String decisionsTopic;
    private final String alertsTopic;
    private final String transcriptsTopic;
    private final String framesTopic;
    private final RecordCodec<Decision> decisions;
    private final RecordCodec<Transcript> transcripts;
    private final RecordCodec<VideoFrame> frames;
    private final Thread thread;
    private final AtomicLong undecodable = new AtomicLong();
    private volatile boolean stopping;

    /** Sources held at most; beyond, the one heard of longest ago is forgotten. */
    static final int MAX_SOURCES = 256;

    /** A source not heard of for this long is forgotten. */
    static final long SOURCE_EXPIRY_MS = 10 * 60_000L;

    private final RecentSources heard = new RecentSources(MAX_SOURCES, SOURCE_EXPIRY_MS);

    private final Map<String, Decision> latestDecision = new TreeMap<>();
    private final Map<String, Transcript> latestTranscript = new TreeMap<>();
    private final Map<String, LinkedHashMap<Long, Frame>> recentFrames = new TreeMap<>();
    private final Deque<Decision> alerts = new ArrayDeque<>();
    private final long[] decisionsPerSecond = new long[SECONDS];
    private final List<List<Double>> latencyPerSecond = new ArrayList<>();
    private long currentSecond;
    private long decisionCount;

    /** A frame as received: its JPEG/PNG bytes and when Kafka stamped it (producer time). */
    record Frame(long sequence, String format, byte[] bytes, long producedMillis) {}

    public DashboardFeed(Configuration jobConf) {
        String bootstrap = jobConf.get(FusionlineJobOptions.BOOTSTRAP_SERVERS);
        this.decisionsTopic = jobConf.get(FusionlineJobOptions.DECISIONS_TOPIC);
        this.alertsTopic = jobConf.get(FusionlineJobOptions.ALERTS_TOPIC);
        this.transcriptsTopic = jobConf.get(FusionlineJobOptions.TRANSCRIPTS_TOPIC);
        this.framesTopic = jobConf.get(FusionlineJobOptions.FRAMES_TOPIC);
        WireFormat format = WireFormat.named(jobConf.get(FusionlineJobOptions.WIRE_FORMAT));
        this.decisions = format.codec(Decision.class);
        this.transcripts = format.codec(Transcript.class);
        this.frames = format.codec(VideoFrame.class);
        this.consumer = CommittedConsumers.create(KafkaAccess.of(jobConf), "fusionline-dashboard");
        for (int i = 0; i < SECONDS; i++) {
            latencyPerSecond.add(new ArrayList<>());
        }
        this.thread = new Thread(this::run, "dashboard-feed");
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading: each partition from at most {@value #LOOKBACK} records before its end
     * ({@value #FRAME_LOOKBACK} for frames), so a dashboard on a long-lived Kafka shows the recent
     * past at once without reading the whole history; on the demo's fresh topics that is from the
     * beginning.
     */
    public DashboardFeed start() {
        List<TopicPartition> partitions =
                CommittedConsumers.assignAll(
                        consumer,
                        List.of(decisionsTopic, alertsTopic, transcriptsTopic, framesTopic));
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        for (TopicPartition p : partitions) {
            long back = p.topic().equals(framesTopic) ? FRAME_LOOKBACK : LOOKBACK;
            consumer.seek(p, Math.max(begin.get(p), end.get(p) - back));
        }
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    try {
                        accept(r);
                    } catch (RecordDecodingException | RuntimeException e) {
                        undecodable.incrementAndGet();
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() asked
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private synchronized void accept(ConsumerRecord<byte[], byte[]> r)
            throws RecordDecodingException {
        if (r.value() == null) {
            return;
        }
        long now = System.currentTimeMillis();
        if (r.topic().equals(decisionsTopic)) {
            Decision d = decisions.decode(r.value());
            heardOf(d.getSourceId(), now);
            latestDecision.put(d.getSourceId(), d);
            tick(now);
            int slot = (int) (currentSecond % SECONDS);
            decisionsPerSecond[slot]++;
            decisionCount++;
            VisionEvidence v = d.getVisionEvidence();
            Map<Long, Frame> recent = recentFrames.get(d.getSourceId());
            if (v != null && recent != null && recent.containsKey(v.getFrameSequence())) {
                latencyPerSecond
                        .get(slot)
                        .add((double) (now - recent.get(v.getFrameSequence()).producedMillis()));
            }
        } else if (r.topic().equals(alertsTopic)) {
            alerts.addFirst(decisions.decode(r.value()));
            while (alerts.size() > ALERTS) {
                alerts.removeLast();
            }
        } else if (r.topic().equals(transcriptsTopic)) {
            Transcript t = transcripts.decode(r.value());
            if (t.getKind() == TranscriptKind.FINAL) {
                heardOf(t.getSourceId(), now);
                latestTranscript.put(t.getSourceId(), t);
            }
        } else if (r.topic().equals(framesTopic)) {
            VideoFrame f = frames.decode(r.value());
            heardOf(f.getSourceId(), now);
            ByteBuffer payload = f.getPayload().duplicate();
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            LinkedHashMap<Long, Frame> recent =
                    recentFrames.computeIfAbsent(f.getSourceId(), k -> new LinkedHashMap<>());
            recent.put(
                    f.getSequence(),
                    new Frame(f.getSequence(), f.getFormat().name(), bytes, r.timestamp()));
            while (recent.size() > FRAMES_PER_SOURCE) {
                recent.remove(recent.keySet().iterator().next());
            }
        }
    }

    /** Notes that {@code source} was heard of, and drops the state of the sources forgotten. */
    private void heardOf(String source, long now) {
        for (String gone : heard.heardOf(source, now)) {
            latestDecision.remove(gone);
            latestTranscript.remove(gone);
            recentFrames.remove(gone);
        }
    }

    /** Moves the per-second ring to {@code now}, clearing the seconds that passed. */
    private void tick(long now) {
        long second = now / 1000;
        if (currentSecond == 0) {
            currentSecond = second;
        }
        while (currentSecond < second) {
            currentSecond++;
            int slot = (int) (currentSecond % SECONDS);
            decisionsPerSecond[slot] = 0;
            latencyPerSecond.get(slot).clear();
        }
    }

    /** A frame of a source, or null when it is not (or no longer) held. */
    public synchronized Frame frame(String source, long sequence) {
        Map<Long, Frame> recent = recentFrames.get(source);
        return recent == null ? null : recent.get(sequence);
    }

    /** A copy of everything, as plain maps and lists (for JSON). */
    public synchronized Map<String, Object> snapshot() {
        tick(System.currentTimeMillis());
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> sources = new ArrayList<>();
        for (Map.Entry<String, Decision> e : latestDecision.entrySet()) {
            Map<String, Object> tile = new LinkedHashMap<>();
            tile.put("source", e.getKey());
            tile.put("decision", json(e.getValue()));
            Transcript t = latestTranscript.get(e.getKey());
            if (t != null) {
                tile.put("transcript", t.getText());
            }
            VisionEvidence v = e.getValue().getVisionEvidence();
            tile.put(
                    "frameAvailable", v != null && frame(e.getKey(), v.getFrameSequence()) != null);
            sources.add(tile);
        }
        out.put("sources", sources);
        out.put("alerts", alerts.stream().map(DashboardFeed::json).toList());
        List<Long> throughput = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (int i = SECONDS - 1; i >= 0; i--) {
            int slot = (int) ((currentSecond - i) % SECONDS);
            throughput.add(decisionsPerSecond[slot]);
            List<Double> slot99 = latencyPerSecond.get(slot);
            p99.add(slot99.isEmpty() ? null : Stats.percentile(slot99, 99));
        }
        out.put("decisionsPerSecond", throughput);
        out.put("p99LatencyMillis", p99);
        out.put("decisions", decisionCount);
        out.put("undecodable", undecodable.get());
        out.put("forgottenSources", heard.forgotten());
        return out;
    }

    private static Map<String, Object> json(Decision d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.getDecisionId());
        m.put("source", d.getSourceId());
        m.put("eventTime", d.getEventTime().toString());
        m.put("label", d.getLabel());
        m.put("score", d.getScore());
        m.put("action", d.getAction().name());
        m.put("provisional", d.getProvisional());
        m.put("route", d.getRoute().name());
        m.put("model", d.getModel());
        m.put("explanation", d.getExplanation());
        m.put("modalities", d.getModalities());
        m.put("alpha", new TreeMap<>(d.getAlpha()));
        m.put("stageMillis", new TreeMap<>(d.getStageMillis()));
        List<Map<String, Object>> words = new ArrayList<>();
        for (WordEvidence w : d.getWordEvidence()) {
            words.add(
                    Map.of(
                            "modality",
                            w.getModality(),
                            "word",
                            w.getWord(),
                            "weight",
                            w.getWeight()));
        }
        m.put("words", words);
        VisionEvidence v = d.getVisionEvidence();
        if (v != null) {
            Map<String, Object> vision = new LinkedHashMap<>();
            vision.put("frameSequence", v.getFrameSequence());
            vision.put("gridWidth", v.getGridWidth());
            vision.put("gridHeight", v.getGridHeight());
            vision.put("patches", v.getPatches());
            vision.put("heat", v.getHeat());
            m.put("vision", vision);
        }
        return m;
    }

    @Override
    public void close() {
        stopping = true;
        if (!thread.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
