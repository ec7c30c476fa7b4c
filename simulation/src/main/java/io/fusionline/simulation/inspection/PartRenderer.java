package io.fusionline.simulation.inspection;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;

import java.util.Random;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Renders machined plates on a conveyor, as a line camera above it sees them: brushed metal with
 * four drilled holes, pose jitter (shift, rotation, scale), a lighting gradient and sensor noise,
 * and at most one defect with its pixel mask.
 *
 * <ul>
 *   <li>{@code SCRATCH}: a thin straight line, lighter or darker than the metal, 25–90 px long.
 *   <li>{@code DENT}: an elliptical hollow, shaded dark on one side and lit on the other.
 *   <li>{@code STAIN}: an irregular brownish blob, semi-transparent.
 *   <li>{@code CRACK}: a dark jagged polyline, sometimes branched.
 *   <li>{@code MISSING_FEATURE}: one of the four holes not drilled (the mask marks where it should
 *       be).
 * </ul>
 *
 * Deterministic: the same seed and defect give the same bytes. Sizes from 96 px up; 224 px is the
 * default model input.
 */
public final class PartRenderer {

    private final int size;

    public PartRenderer(int size) {
        if (size < 96 || size > 1024) {
            throw new IllegalArgumentException("part image size must be 96..1024, got " + size);
        }
        this.size = size;
    }

    /** Side of the rendered images in pixels. */
    public int size() {
        return size;
    }

    /** Renders one part showing {@code defect} at full severity. */
    public PartImage render(Defect defect, long seed) {
        return render(defect, 1.0, seed);
    }

    /**
     * Renders one part showing {@code defect}, all randomness drawn from {@code seed}.
     *
     * @param severity 0.1 (faint: a short scratch a few grey levels off the metal, a barely shaded
     *     dent, a faint tint, a short hairline crack; below about 0.3 hard to tell from the
     *     brushing) to 1 (plain to see); contrast grows with its square. A missing hole is missing
     *     at any severity
     */
    public PartImage render(Defect defect, double severity, long seed) {
        if (!(severity >= 0.1 && severity <= 1)) {
            throw new IllegalArgumentException("severity must be 0.1..1, got " + severity);
        }
        double sev = severity;
        Random random = new Random(seed);
        int s = size;
        double u = s / 224.0; // unit: sizes below are for 224 px
        byte[] base = new byte[s * s * 3];
        int margin = (int) Math.round((30 + random.nextInt(12)) * u);
        int metal = 150 + random.nextInt(40);
        paintBackground(base, random);
        paintPlate(base, margin, metal, random);

        try (Mat image = new Mat(s, s, CV_8UC3);
                Mat mask = new Mat(s, s, CV_8UC1, new Scalar(0))) {
            image.data().put(base, 0, base.length);
            int hole = (int) Math.round(9 * u);
            int inset = margin + (int) Math.round(22 * u);
            int[][] holes = {
                {inset, inset}, {s - inset, inset}, {inset, s - inset}, {s - inset, s - inset}
            };
            int missing = defect == Defect.MISSING_FEATURE ? random.nextInt(4) : -1;
            for (int h = 0; h < holes.length; h++) {
                try (Point centre = new Point(holes[h][0], holes[h][1])) {
                    if (h == missing) {
                        circle(mask, centre, hole + 2, 255, -1);
                    } else {
                        circle(image, centre, hole + 2, metal + 40, 2);
                        circle(image, centre, hole, 25, -1);
                    }
                }
            }
            switch (defect) {
                case SCRATCH -> scratch(image, mask, margin, metal, u, sev, random);
                case DENT -> dent(image, mask, margin, u, sev, random);
                case STAIN -> stain(image, mask, margin, u, sev, random);
                case CRACK -> crack(image, mask, margin, metal, u, sev, random);
                case NONE, MISSING_FEATURE -> {}
            }
            byte[] bgr = new byte[s * s * 3];
            byte[] maskBytes = new byte[s * s];
            pose(image, mask, random, bgr, maskBytes);
            light(bgr, random);
            return new PartImage(bgr, maskBytes, s, defect);
        }
    }

    private void paintBackground(byte[] bgr, Random random) {
        int belt = 45 + random.nextInt(20);
        int[] stripes = new int[size];
        for (int x = 0; x < size; x++) {
            stripes[x] = (x / 6) % 2 == 0 ? 0 : 6;
        }
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int v = clamp(belt + stripes[x] + (int) (random.nextGaussian() * 4));
                int at = (y * size + x) * 3;
                bgr[at] = (byte) v;
                bgr[at + 1] = (byte) v;
                bgr[at + 2] = (byte) clamp(v + 4);
            }
        }
    }

    /** Brushed metal: a per-row offset (the brushing), smoothed, plus fine noise. */
    private void paintPlate(byte[] bgr, int margin, int metal, Random random) {
        double[] rows = new double[size];
        double previous = 0;
        for (int y = 0; y < size; y++) {
            previous = 0.7 * previous + 0.3 * random.nextGaussian() * 10;
            rows[y] = previous;
        }
        for (int y = margin; y < size - margin; y++) {
            for (int x = margin; x < size - margin; x++) {
                int v = clamp((int) (metal + rows[y] + random.nextGaussian() * 3));
                int at = (y * size + x) * 3;
                bgr[at] = (byte) clamp(v + 3);
                bgr[at + 1] = (byte) v;
                bgr[at + 2] = (byte) clamp(v - 2);
            }
        }
    }

    /**
     * How much of a defect shows at {@code severity}: its square, so faint defects fade into the
     * brushing and the sensor noise (severity 0.3 shows at 9 %, a scratch 7.5 grey levels off the
     * metal), while severe ones are plain.
     */
    static double visibility(double severity) {
        return severity * severity;
    }

    private void scratch(
            Mat image, Mat mask, int margin, int metal, double u, double sev, Random random) {
        double length = (15 + (10 + random.nextInt(65)) * sev) * u;
        double angle = random.nextDouble() * Math.PI;
        int[] a = inside(margin, (int) (length / 2) + (int) (6 * u), random);
        int dx = (int) Math.round(Math.cos(angle) * length / 2);
        int dy = (int) Math.round(Math.sin(angle) * length / 2);
        int contrast = (int) Math.round(3 + 50 * visibility(sev));
        int value = random.nextBoolean() ? clamp(metal + contrast) : clamp(metal - contrast);
        int thickness = Math.max(1, (int) Math.round((1 + random.nextInt(2)) * u));
        try (Point p = new Point(a[0] - dx, a[1] - dy);
                Point q = new Point(a[0] + dx, a[1] + dy)) {
            line(image, p, q, value, thickness);
            line(mask, p, q, 255, thickness + 2);
        }
    }

    private void dent(Mat image, Mat mask, int margin, double u, double sev, Random random) {
        int rx = (int) Math.round((8 + random.nextInt(10)) * u);
        int ry = (int) Math.round((6 + random.nextInt(8)) * u);
        int[] c = inside(margin, Math.max(rx, ry) + (int) (4 * u), random);
        double angle = random.nextInt(180);
        double light = random.nextDouble() * 2 * Math.PI;
        try (Mat hollow = new Mat(size, size, CV_8UC1, new Scalar(0));
                Point centre = new Point(c[0], c[1]);
                Size axes = new Size(rx, ry);
                Scalar on = new Scalar(255)) {
            opencv_imgproc.ellipse(hollow, centre, axes, angle, 0, 360, on, -1, LINE_8, 0);
            opencv_imgproc.ellipse(mask, centre, axes, angle, 0, 360, on, -1, LINE_8, 0);
            byte[] inside = new byte[size * size];
            hollow.data().get(inside);
            byte[] px = new byte[size * size * 3];
            image.data().get(px);
            double lx = Math.cos(light);
            double ly = Math.sin(light);
            double r = Math.max(rx, ry);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    if (inside[y * size + x] == 0) {
                        continue;
                    }
                    // a bowl: the side facing the light is lit, the far side in shadow
                    double shade =
                            ((x - c[0]) * lx + (y - c[1]) * ly) / r * (2 + 43 * visibility(sev))
                                    - (1 + 19 * visibility(sev));
                    int at = (y * size + x) * 3;
                    for (int k = 0; k < 3; k++) {
                        px[at + k] = (byte) clamp((px[at + k] & 0xff) + (int) shade);
                    }
                }
            }
            image.data().put(px, 0, px.length);
        }
    }

    private void stain(Mat image, Mat mask, int margin, double u, double sev, Random random) {
        int reach = (int) Math.round(16 * u);
        int[] c = inside(margin, reach + (int) (6 * u), random);
        try (Mat blob = new Mat(size, size, CV_8UC1, new Scalar(0))) {
            int parts = 3 + random.nextInt(4);
            for (int i = 0; i < parts; i++) {
                int r = (int) Math.round((4 + random.nextInt(8)) * u);
                try (Point p =
                        new Point(
                                c[0] + (int) (random.nextGaussian() * reach / 2),
                                c[1] + (int) (random.nextGaussian() * reach / 2))) {
                    circle(blob, p, r, 255, -1);
                    circle(mask, p, r, 255, -1);
                }
            }
            byte[] inside = new byte[size * size];
            blob.data().get(inside);
            byte[] px = new byte[size * size * 3];
            image.data().get(px);
            int[] colour = {
                30 + random.nextInt(20), 60 + random.nextInt(25), 95 + random.nextInt(30)
            };
            double alpha = 0.02 + 0.55 * visibility(sev) + random.nextDouble() * 0.05;
            for (int i = 0; i < inside.length; i++) {
                if (inside[i] != 0) {
                    for (int k = 0; k < 3; k++) {
                        int v = px[i * 3 + k] & 0xff;
                        px[i * 3 + k] = (byte) clamp((int) (v * (1 - alpha) + colour[k] * alpha));
                    }
                }
            }
            image.data().put(px, 0, px.length);
        }
    }

    private void crack(
            Mat image, Mat mask, int margin, int metal, double u, double sev, Random random) {
        int steps = 3 + (int) Math.round((3 + random.nextInt(6)) * sev);
        int value = clamp(metal - (int) Math.round(4 + 131 * visibility(sev)));
        double stepLength = 6 * u;
        int[] start = inside(margin, (int) (steps * stepLength / 2), random);
        walk(
                image,
                mask,
                start[0],
                start[1],
                random.nextDouble() * 2 * Math.PI,
                steps,
                stepLength,
                value,
                random,
                true);
    }

    private void walk(
            Mat image,
            Mat mask,
            double x,
            double y,
            double heading,
            int steps,
            double stepLength,
            int value,
            Random random,
            boolean mayBranch) {
        for (int i = 0; i < steps; i++) {
            heading += random.nextGaussian() * 0.5;
            double nx = x + Math.cos(heading) * stepLength;
            double ny = y + Math.sin(heading) * stepLength;
            try (Point p = new Point((int) x, (int) y);
                    Point q = new Point((int) nx, (int) ny)) {
                line(image, p, q, value, 1);
                line(mask, p, q, 255, 3);
            }
            if (mayBranch && i == steps / 2 && random.nextBoolean()) {
                walk(
                        image,
                        mask,
                        nx,
                        ny,
                        heading + 0.9,
                        steps / 3 + 1,
                        stepLength,
                        value,
                        random,
                        false);
            }
            x = nx;
            y = ny;
        }
    }

    /** Shift, rotate and scale image and mask alike; fills uncovered corners with belt grey. */
    private void pose(Mat image, Mat mask, Random random, byte[] bgrOut, byte[] maskOut) {
        double angle = random.nextGaussian() * 4;
        double scale = 1 + random.nextGaussian() * 0.03;
        double tx = random.nextGaussian() * size * 0.02;
        double ty = random.nextGaussian() * size * 0.02;
        try (Point2f centre = new Point2f(size / 2f, size / 2f);
                Mat affine = opencv_imgproc.getRotationMatrix2D(centre, angle, scale);
                DoubleIndexer m = affine.createIndexer();
                Mat posed = new Mat();
                Mat posedMask = new Mat();
                Size dims = new Size(size, size);
                Scalar belt = new Scalar(55, 55, 59, 0);
                Scalar none = new Scalar(0)) {
            m.put(0, 2, m.get(0, 2) + tx);
            m.put(1, 2, m.get(1, 2) + ty);
            opencv_imgproc.warpAffine(
                    image, posed, affine, dims, INTER_LINEAR, BORDER_CONSTANT, belt);
            opencv_imgproc.warpAffine(
                    mask, posedMask, affine, dims, INTER_NEAREST, BORDER_CONSTANT, none);
            posed.data().get(bgrOut);
            posedMask.data().get(maskOut);
        }
    }

    /** A linear lighting gradient in a random direction, then Gaussian sensor noise. */
    private void light(byte[] bgr, Random random) {
        double direction = random.nextDouble() * 2 * Math.PI;
        double strength = 0.15 + random.nextDouble() * 0.2;
        double noise = 2 + random.nextDouble() * 4;
        double cx = Math.cos(direction) / size;
        double cy = Math.sin(direction) / size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double gain = 1 + strength * ((x - size / 2.0) * cx + (y - size / 2.0) * cy) * 2;
                int at = (y * size + x) * 3;
                for (int k = 0; k < 3; k++) {
                    int v = bgr[at + k] & 0xff;
                    bgr[at + k] =
                            (byte)
                                    clamp(
                                            (int)
                                                    Math.round(
                                                            v * gain
                                                                    + random.nextGaussian()
                                                                            * noise));
                }
            }
        }
    }

    /** A random point at least {@code clearance} inside the plate. */
    private int[] inside(int margin, int clearance, Random random) {
        int lo = margin + clearance;
        int hi = size - margin - clearance;
        if (hi <= lo) {
            return new int[] {size / 2, size / 2};
        }
        return new int[] {lo + random.nextInt(hi - lo), lo + random.nextInt(hi - lo)};
    }

    private static void circle(Mat target, Point centre, int radius, int value, int thickness) {
        try (Scalar colour = new Scalar(value, value, value, 0)) {
            opencv_imgproc.circle(target, centre, radius, colour, thickness, LINE_AA, 0);
        }
    }

    private static void line(Mat target, Point from, Point to, int value, int thickness) {
        try (Scalar colour = new Scalar(value, value, value, 0)) {
            opencv_imgproc.line(target, from, to, colour, thickness, LINE_AA, 0);
        }
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
