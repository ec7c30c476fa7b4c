package io.fusionline.multimodal.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusionline.multimodal.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoskModelLocatorTest {

    @TempDir Path tmp;

    @Test
    void shouldExtractAndVerifyTheBundledModel() {
        Path dir = VoskModelLocator.bundled();

        assertThat(dir.resolve("am/final.mdl")).isRegularFile();
        assertThat(dir.resolve("graph/HCLr.fst")).isRegularFile();
        assertThat(VoskModelLocator.bundled()).isEqualTo(dir);
    }

    @Test
    void shouldRejectExternalModelWhoseFileDoesNotMatchItsChecksum() throws Exception {
        Files.createDirectories(tmp.resolve("am"));
        Files.writeString(tmp.resolve("am/final.mdl"), "not the model");
        Files.writeString(
                tmp.resolve("SHA256SUMS"),
                "75370a0137f9daf8f469dedd7daa4513ae7a621f03240c6e512e2b50b656a7b6  am/final.mdl\n");

        assertThatThrownBy(() -> VoskModelLocator.external(tmp, false))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith(
                        "speech model file "
                                + tmp.resolve("am/final.mdl")
                                + " is corrupt (sha256 ");
    }

    @Test
    void shouldLoadAnExternalModelWithoutChecksumsOnlyWhenToldTo() throws Exception {
        Files.createDirectories(tmp.resolve("am"));
        Files.writeString(tmp.resolve("am/final.mdl"), "a model nobody vouched for");

        assertThatThrownBy(() -> VoskModelLocator.external(tmp, false))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        "speech model folder "
                                + tmp
                                + " has no SHA256SUMS: add one (sha256sum of every file) or load"
                                + " it unchecked with fusionline.speech.model-unverified=true");
        assertThat(VoskModelLocator.external(tmp, true)).isEqualTo(tmp);
    }

    @Test
    void shouldRefuseAChecksumListThatNamesFilesOutsideTheFolder() throws Exception {
        Files.createDirectories(tmp.resolve("model/am"));
        Files.writeString(tmp.resolve("model/am/final.mdl"), "x");
        Files.writeString(tmp.resolve("secret"), "not the model's");
        Files.writeString(
                tmp.resolve("model/SHA256SUMS"),
                "75370a0137f9daf8f469dedd7daa4513ae7a621f03240c6e512e2b50b656a7b6  ../secret\n");

        assertThatThrownBy(() -> VoskModelLocator.external(tmp.resolve("model"), false))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage(
                        "speech model checksum list names ../secret, outside "
                                + tmp.resolve("model"));
    }

    @Test
    void shouldNameWhatIsWrongWithAnExternalFolder() throws Exception {
        assertThatThrownBy(() -> VoskModelLocator.external(tmp.resolve("nope"), false))
                .hasMessage("speech model folder " + tmp.resolve("nope") + " does not exist");
        assertThatThrownBy(() -> VoskModelLocator.external(tmp, false))
                .hasMessage(
                        "speech model folder " + tmp + " has no am/final.mdl: not a Vosk model");
    }
}
