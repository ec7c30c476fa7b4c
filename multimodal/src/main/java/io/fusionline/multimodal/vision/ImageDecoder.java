package io.fusionline.multimodal.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * Checks and decodes an {@link EncodedImage} to an 8-bit BGR OpenCV {@link Mat}.
 *
 * <p>Checks run in order of cost, and everything but the last runs before any pixel is decoded:
 * payload size; header readable and of the declared codec; declared size equal to the header's;
 * header pixel count within {@link ImageLimits}; then the decode itself, which rejects corrupt
 * data. Each failure is an {@link ImageFormatException} with a one-line reason.
 *
 * <p>OpenCV's own worker threads are set to one per calling thread on first use: a stream job gets
 * its parallelism from subtasks, and nested thread pools would oversubscribe the cores.
 */
public final class ImageDecoder {

    static {
        opencv_core.setNumThreads(1);
    }

    private ImageDecoder() {}

    /**
     * Header-only checks: everything {@link #decode} checks except corrupt pixel data. Returns the
     * verified size.
     */
    public static ImageHeader check(EncodedImage image, ImageLimits limits)
            throws ImageFormatException {
        byte[] payload = image.payload();
        if (payload == null || payload.length == 0) {
            throw new ImageFormatException("empty image payload");
        }
        if (image.codec() == ImageCodec.RAW_BGR) {
            int w = image.declaredWidth();
            int h = image.declaredHeight();
            if (w <= 0 || h <= 0) {
                throw new ImageFormatException(
                        "raw BGR image needs a declared size, got " + w + "x" + h);
            }
            limits.check(payload.length, (long) w * h, w, h);
            if ((long) w * h * 3 != payload.length) {
                throw new ImageFormatException(
                        "raw BGR "
                                + w
                                + "x"
                                + h
                                + " needs "
                                + (long) w * h * 3
                                + " bytes, payload has "
                                + payload.length);
            }
            return new ImageHeader(ImageCodec.RAW_BGR, w, h);
        }
        limits.check(payload.length, 0, 0, 0);
        ImageHeader header = ImageHeader.read(payload);
        if (image.codec() != null && image.codec() != header.codec()) {
            throw new ImageFormatException(
                    "payload declared " + image.codec() + " but is " + header.codec());
        }
        boolean declared = image.declaredWidth() > 0 || image.declaredHeight() > 0;
        if (declared
                && (image.declaredWidth() != header.width()
                        || image.declaredHeight() != header.height())) {
            throw new ImageFormatException(
                    "declared size "
                            + image.declaredWidth()
                            + "x"
                            + image.declaredHeight()
                            + " differs from the "
                            + header.codec()
                            + " header's "
                            + header.width()
                            + "x"
                            + header.height());
        }
        limits.check(payload.length, header.pixels(), header.width(), header.height());
        return header;
    }

    /** Checks, then decodes to a new 8-bit 3-channel BGR {@link Mat} that the caller closes. */
    public static Mat decode(EncodedImage image, ImageLimits limits) throws ImageFormatException {
        return decode(image, limits, 1);
    }

    /**
     * As {@link #decode(EncodedImage, ImageLimits)}, but a JPEG is decoded at {@code 1/reduction}
     * of its size (1, 2, 4 or 8) by libjpeg's DCT scaling, which skips most of the decode work when
     * the image is far larger than it needs to be. Other codecs ignore {@code reduction}.
     */
    public static Mat decode(EncodedImage image, ImageLimits limits, int reduction)
            throws ImageFormatException {
        return decodeChecked(image, check(image, limits), reduction);
    }

    /**
     * The region {@code crop} of {@code image} as a view sharing its pixels (the caller closes it),
     * after checking that it lies inside.
     */
    public static Mat view(Mat image, Crop crop) throws ImageFormatException {
        crop.requireInside(image.cols(), image.rows());
        try (Rect rect = new Rect(crop.x(), crop.y(), crop.width(), crop.height())) {
            return image.apply(rect);
        }
    }

    /** Decodes an image whose {@code header} {@link #check} already returned. */
    static Mat decodeChecked(EncodedImage image, ImageHeader header, int reduction)
            throws ImageFormatException {
        if (reduction != 1 && reduction != 2 && reduction != 4 && reduction != 8) {
            throw new IllegalArgumentException("reduction must be 1, 2, 4 or 8, got " + reduction);
        }
        byte[] payload = image.payload();
        if (header.codec() == ImageCodec.RAW_BGR) {
            Mat mat = new Mat(header.height(), header.width(), CV_8UC3);
            mat.data().put(payload, 0, payload.length);
            return mat;
        }
        int factor = header.codec() == ImageCodec.JPEG ? reduction : 1;
        int flags =
                switch (factor) {
                    case 2 -> IMREAD_REDUCED_COLOR_2;
                    case 4 -> IMREAD_REDUCED_COLOR_4;
                    case 8 -> IMREAD_REDUCED_COLOR_8;
                    default -> IMREAD_COLOR;
                };
        Mat decoded;
        try (BytePointer bytes = new BytePointer(payload);
                Mat buffer = new Mat(1, payload.length, opencv_core.CV_8UC1, bytes)) {
            decoded = imdecode(buffer, flags);
        } catch (RuntimeException e) {
            throw new ImageFormatException(
                    "corrupt " + header.codec() + " data: " + firstLine(e.getMessage()));
        }
        if (decoded == null || decoded.empty()) {
            if (decoded != null) {
                decoded.close();
            }
            throw new ImageFormatException(
                    "corrupt " + header.codec() + " data: the decoder produced no image");
        }
        int expectedWidth = (header.width() + factor - 1) / factor;
        int expectedHeight = (header.height() + factor - 1) / factor;
        if (decoded.cols() != expectedWidth || decoded.rows() != expectedHeight) {
            int w = decoded.cols();
            int h = decoded.rows();
            decoded.close();
            throw new ImageFormatException(
                    "decoded "
                            + w
                            + "x"
                            + h
                            + " but the header said "
                            + header.width()
                            + "x"
                            + header.height());
        }
        return decoded;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        String line = message.strip().lines().findFirst().orElse("no detail");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
