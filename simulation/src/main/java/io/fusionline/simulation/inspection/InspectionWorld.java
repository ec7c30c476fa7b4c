package io.fusionline.simulation.inspection;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The factory-line world: parts coming off {@code lines} machining lines, one every {@code
 * intervalMillis} per line, each with a camera image, a machine-log line, sometimes an operator's
 * voice note, and the ground truth. Deterministic for a seed.
 *
 * <h2>Generative rules</h2>
 *
 * Evidence is spread so that no single modality is enough:
 *
 * <ol>
 *   <li><b>Machine state drives the defect.</b> Per line, tool wear rises by 0.004–0.012 per part
 *       and resets to 0 at a tool change (at wear ≥ 0.95, or with chance 0.005); temperature and
 *       vibration are random walks (around 65 °C and 2 mm/s) with occasional excursions. The chance
 *       of a defect is {@code 0.12 + 0.35·wear + 0.25·hot + 0.25·shaky} (capped at 0.85), where
 *       {@code hot} and {@code shaky} say how far temperature and vibration are over their normal
 *       bands. Which defect follows the state: wear favours scratch and crack, heat favours stain,
 *       vibration favours dent and crack; missing features are independent of the state. So the log
 *       raises or lowers the odds of each class but never decides it.
 *   <li><b>Vision sees most defects, some barely or not at all.</b> Severity is uniform in 0.1..1
 *       and contrast grows with its square; below about 0.3 a scratch, dent, stain or crack is lost
 *       in the brushing and the noise, and faint dents and stains look alike.
 *   <li><b>The operator talks sometimes and is sometimes wrong.</b> A note comes with 40 % of
 *       defective parts and 15 % of good ones. For a defective part it names the true defect with
 *       chance 0.7, another defect with 0.15, and says the part looks fine with 0.15; for a good
 *       part it says it looks fine with 0.85 and names a defect with 0.15. Notes are more likely
 *       (60 %) when the defect is faint, as people mention what they had to look twice at.
 * </ol>
 */
public final class InspectionWorld {

    /** Phrases that name each defect; the operator picks one. */
    static final Map<Defect, List<String>> NOTES = notes();

    private final int lines;
    private final long intervalMillis;
    private final long seed;
    private final PartRenderer renderer;
    private final Random random;
    private final LineState[] state;
    private long produced;

    /**
     * @param lines number of lines (sources), ≥ 1
     * @param intervalMillis time between parts on one line
     * @param imageSize camera image side in pixels
     * @param seed everything follows from it
     */
    public InspectionWorld(int lines, long intervalMillis, int imageSize, long seed) {
        if (lines < 1 || intervalMillis < 1) {
            throw new IllegalArgumentException(
                    "need at least one line and a positive interval, got "
                            + lines
                            + ", "
                            + intervalMillis);
        }
        this.lines = lines;
        this.intervalMillis = intervalMillis;
        this.seed = seed;
        this.renderer = new PartRenderer(imageSize);
        this.random = new Random(seed);
        this.state = new LineState[lines];
        for (int i = 0; i < lines; i++) {
            state[i] = new LineState(random.nextDouble() * 0.5);
        }
    }

    /** Side of the camera images in pixels. */
    public int imageSize() {
        return renderer.size();
    }

    /** Source id of line {@code i}. */
    public static String lineId(int i) {
        return "line-" + (i + 1);
    }

    /** The next part, lines in turn. */
    public InspectionItem next() {
        int line = (int) (produced % lines);
        long sequence = produced / lines;
        long offset = sequence * intervalMillis + line * intervalMillis / lines;
        produced++;
        LineState s = state[line];
        s.advance(random);
        MachineLog log = s.log();
        Defect defect = defect(s, random);
        double severity = defect == Defect.NONE ? 1.0 : 0.1 + 0.9 * random.nextDouble();
        PartImage image = renderer.render(defect, severity, seed * 1_000_003L + produced);
        Defect claims = null;
        String note = null;
        double noteChance = defect == Defect.NONE ? 0.15 : severity < 0.3 ? 0.6 : 0.4;
        if (random.nextDouble() < noteChance) {
            claims = claim(defect, random);
            List<String> phrases = NOTES.get(claims);
            note = phrases.get(random.nextInt(phrases.size()));
        }
        return new InspectionItem(
                lineId(line), sequence, offset, defect, severity, image, log, note, claims);
    }

    private static Defect defect(LineState s, Random random) {
        double hot = Math.max(0, (s.temperature - 72) / 10);
        double shaky = Math.max(0, (s.vibration - 3) / 2);
        double p = Math.min(0.85, 0.12 + 0.35 * s.wear + 0.25 * hot + 0.25 * shaky);
        if (random.nextDouble() >= p) {
            return Defect.NONE;
        }
        Map<Defect, Double> weight = new EnumMap<>(Defect.class);
        weight.put(Defect.SCRATCH, 0.5 + 2.0 * s.wear);
        weight.put(Defect.CRACK, 0.3 + 1.0 * s.wear + 1.0 * shaky);
        weight.put(Defect.DENT, 0.5 + 2.0 * shaky);
        weight.put(Defect.STAIN, 0.5 + 2.5 * hot);
        weight.put(Defect.MISSING_FEATURE, 0.6);
        double total = weight.values().stream().mapToDouble(Double::doubleValue).sum();
        double pick = random.nextDouble() * total;
        for (Map.Entry<Defect, Double> w : weight.entrySet()) {
            pick -= w.getValue();
            if (pick < 0) {
                return w.getKey();
            }
        }
        return Defect.MISSING_FEATURE;
    }

    private static Defect claim(Defect truth, Random random) {
        double r = random.nextDouble();
        if (truth == Defect.NONE) {
            return r < 0.85 ? Defect.NONE : anyDefect(random);
        }
        if (r < 0.7) {
            return truth;
        }
        if (r < 0.85) {
            Defect other;
            do {
                other = anyDefect(random);
            } while (other == truth);
            return other;
        }
        return Defect.NONE;
    }

    private static Defect anyDefect(Random random) {
        Defect[] all = Defect.values();
        return all[1 + random.nextInt(all.length - 1)];
    }

    private static Map<Defect, List<String>> notes() {
        Map<Defect, List<String>> notes = new EnumMap<>(Defect.class);
        notes.put(
                Defect.NONE,
                List.of(
                        "the surface looks clean",
                        "this part looks fine",
                        "no problem with this one"));
        notes.put(
                Defect.SCRATCH,
                List.of(
                        "deep scratch on the left edge",
                        "there is a scratch near the hole",
                        "small scratch on the surface"));
        notes.put(
                Defect.DENT,
                List.of(
                        "there is a dent on this part",
                        "small dent near the corner",
                        "the plate is dented"));
        notes.put(
                Defect.STAIN,
                List.of(
                        "oil stain on the surface",
                        "there is a stain on this one",
                        "dark stain near the edge"));
        notes.put(
                Defect.CRACK,
                List.of(
                        "hairline crack by the corner",
                        "this part is cracked",
                        "i see a crack near the hole"));
        notes.put(
                Defect.MISSING_FEATURE,
                List.of(
                        "one hole is missing",
                        "the corner hole is missing",
                        "a hole was not drilled"));
        return notes;
    }

    /** A line's machine: tool wear, temperature, vibration. */
    private static final class LineState {
        double wear;
        double temperature = 65;
        double vibration = 2;

        LineState(double wear) {
            this.wear = wear;
        }

        void advance(Random random) {
            wear += 0.004 + 0.008 * random.nextDouble();
            if (wear >= 0.95 || random.nextDouble() < 0.005) {
                wear = 0;
            }
            temperature += (65 - temperature) * 0.1 + random.nextGaussian() * 1.5;
            if (random.nextDouble() < 0.02) {
                temperature += 8 + random.nextDouble() * 10; // coolant hiccup
            }
            vibration += (2 - vibration) * 0.15 + random.nextGaussian() * 0.25;
            if (random.nextDouble() < 0.02) {
                vibration += 2 + random.nextDouble() * 3; // loose fixture
            }
            vibration = Math.max(0.3, vibration);
        }

        MachineLog log() {
            return new MachineLog(temperature, vibration, wear);
        }
    }
}
