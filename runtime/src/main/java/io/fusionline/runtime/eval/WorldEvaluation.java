package io.fusionline.runtime.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.jobs.KafkaAccess;
import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.fusion.DecisionMetrics;
import io.fusionline.multimodal.fusion.FusionModelDescriptor;
import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.operators.Profile;
import io.fusionline.operators.fusion.FusionOptions;
import io.fusionline.runtime.kafka.CommittedConsumers;
import io.fusionline.runtime.simulate.WorldSimulator;
import io.fusionline.schema.decision.Decision;
import io.fusionline.schema.ops.DeadLetter;
import io.fusionline.schema.serde.RecordCodec;
import io.fusionline.schema.serde.WireFormat;
import io.fusionline.schema.world.GroundTruth;
import io.fusionline.simulation.fraud.FraudWorld;
import io.fusionline.simulation.inspection.InspectionWorld;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Runs a fresh sample of a world through a running job and scores its committed decisions against
 * the ground truth: inspection macro-F1, fraud AUROC, fused and for each modality alone (the job
 * must run with {@code fusionline.fusion.modality-scores}), next to the model card's test figures.
 *
 * <p>Decisions and truth are matched by source and event time (a decision's window starts at its
 * item's time). Reading stops when every item has its decision or at the deadline.
 */
public final class WorldEvaluation {

    /** Event time between items of one source: longer than a window plus speech. */
    public static final long INTERVAL_MS = 10_000;

    /** One figure: the job's and the card's. */
    public record Row(String name, double measured, double card) {}

    /**
     * What an evaluation found.
     *
     * @param metric {@code macro_f1} or {@code auroc}
     * @param tolerance how far the fused figure may be from the card's
     */
    public record Report(
            String profile,
            String model,
            int items,
            int decided,
            String metric,
            List<Row> rows,
            double tolerance,
            double seconds,
            Map<String, Integer> present,
            long earlyExits,
            long headDecisions,
            Map<String, Integer> deadLetters,
            AlertCounts alerts) {

        /** Whether every item was decided and the fused figure is within tolerance of the card. */
        public boolean matchesCard() {
            return decided == items
                    && Math.abs(rows.get(0).measured() - rows.get(0).card()) <= tolerance;
        }

        /** The report as printed by {@code ./fusionline eval}. */
        public void print(PrintStream out) {
            out.printf(
                    "%s: %d items, %d decided by the running job in %.0f s (model %s)%n",
                    profile, items, decided, seconds, model);
            out.printf("  %-22s %9s %9s%n", metric, "job", "card");
            for (Row r : rows) {
                out.printf("  %-22s %9.4f %9.4f%n", r.name(), r.measured(), r.card());
            }
            out.printf("  windows with each modality: %s%n", present);
            out.printf("  decided without fusion (early exit): %d%n", earlyExits);
            out.printf("  decided by the head (one modality alone): %d%n", headDecisions);
            out.printf("  dead letters by stage: %s%n", deadLetters);
            out.printf(
                    "  alerts: %d decisions stop or block; %d of them alerted provisionally first;"
                            + " %d provisional alerts cleared by their window (%.1f %% of"
                            + " provisional alert ids)%n",
                    alerts.alerting(),
                    alerts.confirmed(),
                    alerts.cleared(),
                    alerts.provisional() == 0
                            ? 0.0
                            : 100.0 * alerts.cleared() / alerts.provisional());
            double gain = rows.get(0).measured() - bestSingle(rows);
            out.printf("  %-22s %+9.4f%n", "fused - best single", gain);
            out.printf(
                    "  fused %s the card's within ±%.2f%n",
                    matchesCard() ? "matches" : "does NOT match", tolerance);
        }

        private static double bestSingle(List<Row> rows) {
            double best = Double.NEGATIVE_INFINITY;
            for (Row r : rows.subList(1, rows.size())) {
                best = Math.max(best, r.measured());
            }
            return best;
        }
    }

    /**
     * What the alerts topic said about the run's decisions.
     *
     * @param alerting decisions that stop the line or block
     * @param provisional decision ids with a provisional alert
     * @param confirmed of those, ids whose decision stops or blocks
     * @param cleared of those, ids whose decision does not (false alarms)
     */
    public record AlertCounts(int alerting, int provisional, int confirmed, int cleared) {

        static AlertCounts of(Collection<Decision> decisions, Set<String> provisionalIds) {
            int alerting = 0;
            int confirmed = 0;
            int cleared = 0;
            for (Decision d : decisions) {
                boolean alert = FusionTranslator.isAlert(d);
                alerting += alert ? 1 : 0;
                if (provisionalIds.contains(d.getDecisionId())) {
                    confirmed += alert ? 1 : 0;
                    cleared += alert ? 0 : 1;
                }
            }
            return new AlertCounts(alerting, provisionalIds.size(), confirmed, cleared);
        }
    }

    private WorldEvaluation() {}

    /**
     * Publishes {@code count} items of the {@code profile}'s world (fresh {@code seed}, 4 sources)
     * to the topics of {@code conf}, waits for the job's decisions, and scores them.
     *
     * @param rate items per second; 0 for as fast as the broker takes them
     */
    public static Report run(
            Configuration conf,
            int count,
            long seed,
            double rate,
            Duration deadline,
            PrintStream progress)
            throws Exception {
        FusionOptions fusion = FusionlineJobOptions.fusion(conf);
        FusionModelDescriptor model = BuiltInModels.resolveFusion(fusion.model());
        WireFormat format = WireFormat.named(conf.get(FusionlineJobOptions.WIRE_FORMAT));
        RecordCodec<Decision> decisions = format.codec(Decision.class);
        RecordCodec<GroundTruth> truths = format.codec(GroundTruth.class);
        String decisionsTopic = conf.get(FusionlineJobOptions.DECISIONS_TOPIC);
        String deadLettersTopic = conf.get(FusionlineJobOptions.DEAD_LETTERS_TOPIC);
        RecordCodec<DeadLetter> deadLetterCodec = format.codec(DeadLetter.class);
        Map<String, Integer> deadLetters = new TreeMap<>();
        Map<String, Decision> decided = new HashMap<>();
        Map<String, GroundTruth> truth = new HashMap<>();
        String alertsTopic = conf.get(FusionlineJobOptions.ALERTS_TOPIC);
        Set<String> provisionalIds = new HashSet<>();
        long started = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(conf)) {
            // "now", before the first item is sent
            CommittedConsumers.assignAtEnd(
                    consumer,
                    List.of(
                            decisionsTopic,
                            deadLettersTopic,
                            alertsTopic,
                            conf.get(FusionlineJobOptions.GROUND_TRUTH_TOPIC)));
            Instant start = Instant.now();
            try (WorldSimulator simulator = new WorldSimulator(conf)) {
                if (fusion.profile() == Profile.FRAUD) {
                    simulator.run(
                            new FraudWorld(4, INTERVAL_MS, seed),
                            count,
                            rate,
                            start,
                            true,
                            n -> {});
                } else {
                    simulator.run(
                            new InspectionWorld(4, INTERVAL_MS, 224, seed),
                            count,
                            rate,
                            start,
                            true,
                            n -> {});
                }
            }
            progress.printf(
                    "published %d items in %.0f s; waiting for their decisions ...%n",
                    count, (System.nanoTime() - started) / 1e9);
            long until = System.nanoTime() + deadline.toNanos();
            long lastReport = System.nanoTime();
            while ((decided.size() < count || truth.size() < count) && System.nanoTime() < until) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(decisionsTopic)) {
                        Decision d = decisions.decode(r.value());
                        decided.put(d.getSourceId() + "@" + d.getEventTime(), d);
                    } else if (r.topic().equals(alertsTopic)) {
                        Decision alert = decisions.decode(r.value());
                        if (alert.getProvisional()) {
                            provisionalIds.add(alert.getDecisionId());
                        }
                    } else if (r.topic().equals(deadLettersTopic)) {
                        DeadLetter dead = deadLetterCodec.decode(r.value());
                        if (deadLetters.merge(dead.getStage(), 1, Integer::sum) <= 3) {
                            progress.printf(
                                    "  dead letter (%s): %s%n", dead.getStage(), dead.getReason());
                        }
                    } else {
                        GroundTruth t = truths.decode(r.value());
                        truth.put(t.getSourceId() + "@" + t.getEventTime(), t);
                    }
                }
                if (System.nanoTime() - lastReport > 10e9) {
                    progress.printf("  %d of %d decided%n", decided.size(), count);
                    lastReport = System.nanoTime();
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return score(
                fusion.profile().toString(),
                model,
                truth,
                decided,
                seconds,
                deadLetters,
                AlertCounts.of(decided.values(), provisionalIds));
    }

    /** Scores {@code decided} against {@code truth} (both by source@eventTime). */
    static Report score(
            String profile,
            FusionModelDescriptor model,
            Map<String, GroundTruth> truth,
            Map<String, Decision> decided,
            double seconds,
            Map<String, Integer> deadLetters,
            AlertCounts alerts)
            throws IOException {
        JsonNode card = card(model);
        boolean fraud = model.positiveLabel() != null;
        String metric = fraud ? "auroc" : "macro_f1";
        List<String> sources = new ArrayList<>();
        sources.add("fused");
        sources.addAll(model.modalities());
        List<Row> rows = new ArrayList<>();
        int matched = 0;
        for (GroundTruth t : truth.values()) {
            if (decided.containsKey(t.getSourceId() + "@" + t.getEventTime())) {
                matched++;
            }
        }
        for (String source : sources) {
            List<double[]> probabilities = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            for (Map.Entry<String, GroundTruth> e : truth.entrySet()) {
                Decision d = decided.get(e.getKey());
                if (d == null) {
                    continue;
                }
                double[] p = probabilities(d, source, model);
                if (p == null) {
                    continue;
                }
                probabilities.add(p);
                labels.add(model.labelIndex(e.getValue().getLabel()));
            }
            double value = metric(probabilities, labels, model);
            String name = source.equals("fused") ? "fused" : source + " alone";
            String key = source.equals("fused") ? "fused" : source + "_alone";
            rows.add(
                    new Row(
                            name,
                            value,
                            card.at("/metrics/test/" + key + "/" + metric).asDouble()));
        }
        Map<String, Integer> present = new java.util.LinkedHashMap<>();
        for (String m : model.modalities()) {
            present.put(
                    m,
                    (int)
                            decided.values().stream()
                                    .filter(d -> d.getModalities().contains(m))
                                    .count());
        }
        return new Report(
                profile,
                model.modelRef(),
                truth.size(),
                matched,
                metric,
                rows,
                fraud ? 0.04 : 0.06,
                seconds,
                present,
                routed(decided.values(), io.fusionline.schema.decision.DecisionRoute.EARLY_EXIT),
                routed(decided.values(), io.fusionline.schema.decision.DecisionRoute.HEAD),
                deadLetters,
                alerts);
    }

    private static long routed(
            java.util.Collection<Decision> decisions,
            io.fusionline.schema.decision.DecisionRoute route) {
        return decisions.stream().filter(d -> d.getRoute() == route).count();
    }

    private static double[] probabilities(Decision d, String source, FusionModelDescriptor model) {
        List<String> labels = model.labels();
        double[] p = new double[labels.size()];
        if (source.equals("fused")) {
            for (int i = 0; i < p.length; i++) {
                p[i] = d.getClassProbabilities().getOrDefault(labels.get(i), 0.0);
            }
            return p;
        }
        List<Double> alone = d.getAloneProbabilities().get(source);
        if (alone == null) {
            return null; // an early exit: no per-modality scores
        }
        for (int i = 0; i < p.length; i++) {
            p[i] = alone.get(i);
        }
        return p;
    }

    private static double metric(
            List<double[]> probabilities, List<Integer> labels, FusionModelDescriptor model) {
        int n = labels.size();
        if (model.positiveLabel() != null) {
            int positive = model.labelIndex(model.positiveLabel());
            double[] score = new double[n];
            boolean[] truth = new boolean[n];
            for (int i = 0; i < n; i++) {
                score[i] = probabilities.get(i)[positive];
                truth[i] = labels.get(i) == positive;
            }
            return DecisionMetrics.auroc(score, truth);
        }
        int[] predicted = new int[n];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            double[] p = probabilities.get(i);
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            predicted[i] = best;
            truth[i] = labels.get(i);
        }
        return DecisionMetrics.macroF1(predicted, truth, model.labels().size());
    }

    private static JsonNode card(FusionModelDescriptor model) throws IOException {
        Path card = model.model().resolveSibling("card.json");
        return Files.exists(card)
                ? new ObjectMapper().readTree(card.toFile())
                : new ObjectMapper().createObjectNode();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Configuration conf) {
        return CommittedConsumers.create(KafkaAccess.of(conf), "fusionline-eval");
    }
}
