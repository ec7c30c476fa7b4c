/**
 * Audio and speech recognition, no Flink.
 *
 * <ul>
 *   <li>Pre-processing: {@link io.fusionline.multimodal.audio.PcmDecoder} (bytes to 16-bit mono),
 *       {@link io.fusionline.multimodal.audio.Resampler} (any rate to the model's 16 kHz).
 *   <li>Model: {@link io.fusionline.multimodal.audio.VoskModelLocator} (the model bundled by the
 *       build, or an external folder; checksums verified), {@link
 *       io.fusionline.multimodal.audio.SharedSpeechModel} (one loaded model per JVM, reference
 *       counted), {@link io.fusionline.multimodal.audio.SpeechRecognizer} (one stream).
 *   <li>Post-processing: {@link io.fusionline.multimodal.audio.VoskResultParser} turns Vosk's JSON
 *       into {@link io.fusionline.multimodal.audio.Utterance}s with event times from a {@link
 *       io.fusionline.multimodal.audio.StreamTimeline}.
 * </ul>
 */
package io.fusionline.multimodal.audio;
