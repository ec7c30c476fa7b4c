/**
 * Publishing camera and image input to Kafka: {@link io.fusionline.cli.ingest.FramePublisher} (an
 * idempotent producer of {@code VideoFrame} records), {@link io.fusionline.cli.ingest.VideoIngest}
 * and {@link io.fusionline.cli.ingest.ImageFolderIngest} (what {@code ./fusionline ingest
 * video|images} runs), and a terminal {@link io.fusionline.cli.ingest.Progress} line.
 */
package io.fusionline.cli.ingest;
