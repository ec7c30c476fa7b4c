package io.fusionline.operators.vision;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.multimodal.ocr.TextImages;
import io.fusionline.multimodal.ocr.TextRecognizer;
import io.fusionline.multimodal.vision.ImageHeader;
import io.fusionline.multimodal.vision.ImageLimits;
import io.fusionline.operators.DeadLetters;
import io.fusionline.schema.media.FrameFormat;
import io.fusionline.schema.media.VideoFrame;
import io.fusionline.schema.serde.SingleObjectWireFormat;
import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class OcrFunctionTest {

    @Test
    void shouldTurnFramesOfConfiguredSourcesIntoOcrTextEvents() throws Exception {
        OcrFunction ocr =
                new OcrFunction(
                        Set.of("id-scanner"),
                        TextRecognizer.Layout.SINGLE_LINE,
                        ImageLimits.DEFAULT,
                        SingleObjectWireFormat.INSTANCE,
                        "frames");
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(ocr))) {
            h.open();
            VideoFrame id = frame("id-scanner", 4, "PASSPORT X1234567");
            h.processElement(new StreamRecord<>(id, 1_000));
            h.processElement(new StreamRecord<>(frame("cam-line", 1, "IGNORED"), 1_000));
            VideoFrame broken = frame("id-scanner", 5, "X");
            broken.setPayload(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
            h.processElement(new StreamRecord<>(broken, 1_001));

            List<TextEvent> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            TextEvent e = out.get(0);
            assertThat(e.getKind()).isEqualTo(TextKind.OCR);
            assertThat(e.getSourceId()).isEqualTo("id-scanner");
            assertThat(e.getEventTime()).isEqualTo(id.getEventTime());
            assertThat(e.getText()).isEqualTo("PASSPORT X1234567");
            assertThat(e.getAttributes()).containsEntry("frame", "4");
            assertThat(h.getSideOutput(DeadLetters.TAG)).hasSize(1);
            assertThat(h.getSideOutput(DeadLetters.TAG).peek().getValue().getStage())
                    .isEqualTo("ocr");
        }
    }

    private static VideoFrame frame(String source, long sequence, String text) throws Exception {
        byte[] png = TextImages.png(text, 26);
        ImageHeader header = ImageHeader.read(png);
        return VideoFrame.newBuilder()
                .setSourceId(source)
                .setSequence(sequence)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + sequence))
                .setWidth(header.width())
                .setHeight(header.height())
                .setFormat(FrameFormat.PNG)
                .setPayload(ByteBuffer.wrap(png))
                .build();
    }
}
