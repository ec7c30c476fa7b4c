package io.fusionline.cli.ingest;

import io.fusionline.multimodal.vision.EncodedImage;
import io.fusionline.multimodal.vision.ImageEncoder;
import io.fusionline.multimodal.vision.ImageFormatException;
import io.fusionline.multimodal.vision.ImageHeader;
import io.fusionline.schema.media.FrameFormat;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A folder of images → Kafka, in file-name order. JPEG and PNG files are published as they are
 * (their headers give the size); other formats OpenCV reads (BMP, TIFF, WebP, ...) are converted to
 * JPEG. Files that are not images are listed on {@code warnings} and counted, not published. Image
 * {@code i} gets event time {@code start + i * interval}.
 */
public final class ImageFolderIngest {

    /** What a folder ingest did. */
    public record Result(long published, long skipped) {}

    private ImageFolderIngest() {}

    public static Result run(
            Path folder,
            Instant start,
            Duration interval,
            int jpegQuality,
            FramePublisher publisher,
            Progress.Factory progress,
            PrintStream warnings)
            throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("image folder " + folder + " does not exist");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        Progress bar = progress.create(files.size());
        long published = 0;
        long skipped = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            Instant time = start.plus(interval.multipliedBy(published));
            try {
                ImageHeader header = ImageHeader.read(bytes);
                publisher.publish(
                        bytes,
                        header.codec() == io.fusionline.multimodal.vision.ImageCodec.PNG
                                ? FrameFormat.PNG
                                : FrameFormat.JPEG,
                        header.width(),
                        header.height(),
                        time);
                published++;
            } catch (ImageFormatException notJpegOrPng) {
                byte[] jpeg = convert(bytes, jpegQuality);
                if (jpeg == null) {
                    warnings.println("skipped " + file.getFileName() + ": not an image");
                    skipped++;
                } else {
                    try {
                        EncodedImage image = EncodedImage.of(jpeg);
                        publisher.publish(
                                jpeg,
                                FrameFormat.JPEG,
                                image.declaredWidth(),
                                image.declaredHeight(),
                                time);
                        published++;
                    } catch (ImageFormatException e) {
                        warnings.println("skipped " + file.getFileName() + ": " + e.getMessage());
                        skipped++;
                    }
                }
            }
            bar.update(published + skipped);
        }
        bar.done(published + skipped);
        return new Result(published, skipped);
    }

    /** Any image OpenCV can read, as JPEG; null when it cannot. */
    private static byte[] convert(byte[] bytes, int quality) {
        if (bytes.length == 0) {
            return null;
        }
        try (Mat buffer = new Mat(bytes);
                Mat image = opencv_imgcodecs.imdecode(buffer, opencv_imgcodecs.IMREAD_COLOR)) {
            if (image == null || image.empty()) {
                return null;
            }
            return ImageEncoder.jpeg(image, quality);
        }
    }
}
