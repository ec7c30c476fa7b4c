package io.fusionline.multimodal.vision;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Encoded image → model input tensor, as an {@link ImageInputSpec} says: decode ({@link
 * ImageDecoder}, with its checks), optional crop to a region of interest, resize (stretch,
 * letterbox or centre crop), channel order, {@code (pixel / scale - mean) / std}, NCHW or NHWC
 * float.
 *
 * <p>Stateless and thread-safe; every native buffer it creates is closed before it returns.
 */
public final class FramePreprocessor {

    private final ImageInputSpec spec;
    private final ImageLimits limits;

    public FramePreprocessor(ImageInputSpec spec, ImageLimits limits) {
        this.spec = spec;
        this.limits = limits;
    }

    /** The spec this pre-processor follows. */
    public ImageInputSpec spec() {
        return spec;
    }

    /** One image's tensor as a new array of {@link ImageInputSpec#tensorSize()} floats. */
    public float[] toTensor(EncodedImage image, Crop crop) throws ImageFormatException {
        float[] out = new float[spec.tensorSize()];
        toTensor(image, crop, out, 0);
        return out;
    }

    /**
     * Writes one image's tensor into {@code out} at {@code offset} (a slot of a batch buffer).
     *
     * @param crop region of interest to cut out first, or null for the whole image
     */
    public void toTensor(EncodedImage image, Crop crop, float[] out, int offset)
            throws ImageFormatException {
        try (Mat sized = sized(image, crop)) {
            writeTensor(sized, out, offset);
        }
    }

    /**
     * The same image as {@link #toTensor} sees it, before normalization: {@code width × height × 3}
     * bytes, B, G, R per pixel, row by row. The training kit trains on these, so its tensors and
     * the job's are the same to the last bit.
     */
    public byte[] toPixels(EncodedImage image, Crop crop) throws ImageFormatException {
        try (Mat sized = sized(image, crop)) {
            byte[] pixels = new byte[spec.width() * spec.height() * 3];
            sized.data().get(pixels);
            return pixels;
        }
    }

    private Mat sized(EncodedImage image, Crop crop) throws ImageFormatException {
        ImageHeader header = ImageDecoder.check(image, limits);
        int reduction = crop == null && header.codec() == ImageCodec.JPEG ? reduction(header) : 1;
        try (Mat decoded = ImageDecoder.decodeChecked(image, header, reduction);
                Mat source = crop == null ? null : ImageDecoder.view(decoded, crop)) {
            return fit(source == null ? decoded : source);
        }
    }

    /**
     * The largest JPEG decode reduction (8, 4, 2 or 1) that still leaves at least as many pixels as
     * the resize keeps, so reduced decoding never costs quality: a 1920×1080 frame for a 224×224
     * letterbox decodes at 1/4 (480×270), a 640×480 one at 1/2.
     */
    int reduction(ImageHeader header) {
        double w = header.width();
        double h = header.height();
        double scale =
                switch (spec.resize()) {
                    case STRETCH -> Math.max(spec.width() / w, spec.height() / h);
                    case LETTERBOX -> Math.min(spec.width() / w, spec.height() / h);
                    case CENTER_CROP -> Math.max(spec.width() / w, spec.height() / h);
                };
        int factor = 8;
        while (factor > 1 && (w / factor < w * scale || h / factor < h * scale)) {
            factor /= 2;
        }
        return factor;
    }

    /** Resizes a BGR image to the spec's size; the result is continuous and owned by the caller. */
    Mat fit(Mat image) {
        int w = spec.width();
        int h = spec.height();
        int iw = image.cols();
        int ih = image.rows();
        switch (spec.resize()) {
            case STRETCH:
                return resized(image, w, h);
            case LETTERBOX:
                {
                    double scale = Math.min((double) w / iw, (double) h / ih);
                    int nw = Math.max(1, Math.min(w, (int) Math.round(iw * scale)));
                    int nh = Math.max(1, Math.min(h, (int) Math.round(ih * scale)));
                    try (Mat inner = resized(image, nw, nh)) {
                        int top = (h - nh) / 2;
                        int left = (w - nw) / 2;
                        Mat out = new Mat();
                        int v = spec.padValue();
                        try (Scalar pad = new Scalar(v, v, v, 0)) {
                            copyMakeBorder(
                                    inner,
                                    out,
                                    top,
                                    h - nh - top,
                                    left,
                                    w - nw - left,
                                    BORDER_CONSTANT,
                                    pad);
                        }
                        return out;
                    }
                }
            case CENTER_CROP:
                {
                    // Crop the source region that fills the output, then resize it: resizing the
                    // whole image first would amplify a thin image (40000x1 → 8960000x224).
                    double scale = Math.max((double) w / iw, (double) h / ih);
                    int cw = Math.max(1, Math.min(iw, (int) Math.round(w / scale)));
                    int ch = Math.max(1, Math.min(ih, (int) Math.round(h / scale)));
                    try (Rect centre = new Rect((iw - cw) / 2, (ih - ch) / 2, cw, ch);
                            Mat view = image.apply(centre)) {
                        return resized(view, w, h);
                    }
                }
            default:
                throw new IllegalStateException("unknown resize mode " + spec.resize());
        }
    }

    private static Mat resized(Mat image, int w, int h) {
        Mat out = new Mat();
        if (image.cols() == w && image.rows() == h) {
            image.copyTo(out);
            return out;
        }
        boolean shrinking = w < image.cols() || h < image.rows();
        try (Size size = new Size(w, h)) {
            resize(image, out, size, 0, 0, shrinking ? INTER_AREA : INTER_LINEAR);
        }
        return out;
    }

    private void writeTensor(Mat bgr, float[] out, int offset) {
        int w = spec.width();
        int h = spec.height();
        int plane = w * h;
        byte[] pixels = new byte[plane * 3];
        bgr.data().get(pixels);
        boolean rgb = spec.channels() == ChannelOrder.RGB;
        boolean planar = spec.layout() == TensorLayout.NCHW;
        for (int c = 0; c < 3; c++) {
            // (p / scale - mean) / std  ==  p * mul + add, per model channel c
            float mul = 1f / (spec.scale() * spec.std()[c]);
            float add = -spec.mean()[c] / spec.std()[c];
            int source = rgb ? 2 - c : c; // OpenCV pixels are B, G, R
            if (planar) {
                int base = offset + c * plane;
                for (int i = 0, p = source; i < plane; i++, p += 3) {
                    out[base + i] = (pixels[p] & 0xff) * mul + add;
                }
            } else {
                for (int i = 0, p = source, o = offset + c; i < plane; i++, p += 3, o += 3) {
                    out[o] = (pixels[p] & 0xff) * mul + add;
                }
            }
        }
    }
}
