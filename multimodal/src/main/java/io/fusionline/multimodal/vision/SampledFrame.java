package io.fusionline.multimodal.vision;

/**
 * One frame taken from a video at the sampling rate.
 *
 * @param jpeg the frame, JPEG-encoded
 * @param width width in pixels
 * @param height height in pixels
 * @param offsetMicros time since the start of the video (its own clock)
 * @param index 0-based number among the sampled frames
 */
public record SampledFrame(byte[] jpeg, int width, int height, long offsetMicros, long index) {}
