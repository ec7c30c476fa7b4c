package io.fusionline.multimodal.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageHeaderTest {

    @Test
    void shouldReadSizeFromJpegAndPngHeaders() throws Exception {
        assertThat(ImageHeader.read(TestImages.jpeg(37, 21, TestImages::gradient)))
                .isEqualTo(new ImageHeader(ImageCodec.JPEG, 37, 21));
        assertThat(ImageHeader.read(TestImages.png(5, 300, TestImages::gradient)))
                .isEqualTo(new ImageHeader(ImageCodec.PNG, 5, 300));
    }

    @Test
    void shouldReadAPngBombsSizeWithoutDecodingIt() throws Exception {
        byte[] bomb = pngHeader(100_000, 100_000);

        ImageHeader header = ImageHeader.read(bomb);

        assertThat(header.pixels()).isEqualTo(10_000_000_000L);
    }

    @Test
    void shouldRejectPayloadsThatAreNotImages() {
        assertThatThrownBy(() -> ImageHeader.read(new byte[0])).hasMessage("empty image payload");
        assertThatThrownBy(() -> ImageHeader.read("GIF89a....".getBytes()))
                .hasMessage("image payload is neither JPEG nor PNG (unknown magic bytes)");
        byte[] jpeg = TestImages.jpeg(8, 8, TestImages::gradient);
        assertThatThrownBy(() -> ImageHeader.read(Arrays.copyOf(jpeg, 6)))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("JPEG");
        assertThatThrownBy(() -> ImageHeader.read(Arrays.copyOf(pngHeader(1, 1), 20)))
                .hasMessage("PNG without an IHDR header chunk");
        assertThatThrownBy(() -> ImageHeader.read(pngHeader(0, 10)))
                .hasMessage("PNG header declares an impossible size 0x10");
    }

    /** PNG signature + IHDR chunk declaring the size, nothing else. */
    static byte[] pngHeader(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(33);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13).put("IHDR".getBytes()).putInt(width).putInt(height);
        b.put(new byte[] {8, 2, 0, 0, 0}).putInt(0);
        return b.array();
    }
}
