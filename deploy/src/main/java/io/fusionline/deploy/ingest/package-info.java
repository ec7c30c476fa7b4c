/**
 * Publishing camera and image input to Kafka: {@link io.fusionline.deploy.ingest.FramePublisher}
 * (an idempotent producer of {@code VideoFrame} records), {@link
 * io.fusionline.deploy.ingest.VideoIngest} and {@link
 * io.fusionline.deploy.ingest.ImageFolderIngest} (what {@code ./fusionline ingest video|images}
 * runs), and a terminal {@link io.fusionline.deploy.ingest.Progress} line.
 */
package io.fusionline.deploy.ingest;
