package io.fusionline.simulation.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusionline.multimodal.ocr.OcrPreprocessor;
import io.fusionline.multimodal.ocr.OcrText;
import io.fusionline.multimodal.ocr.TextRecognizer;
import io.fusionline.multimodal.vision.EncodedImage;
import io.fusionline.multimodal.vision.ImageCodec;
import io.fusionline.multimodal.vision.ImageHeader;
import io.fusionline.multimodal.vision.ImageLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FraudWorldTest {

    private static List<FraudCase> cases;

    @BeforeAll
    static void generate() {
        FraudWorld world = new FraudWorld(20, 1000, 5);
        cases = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            cases.add(world.next());
        }
    }

    @Test
    void shouldGenerateTheSameWorldForTheSameSeed() {
        FraudWorld again = new FraudWorld(20, 1000, 5);
        for (int i = 0; i < 200; i++) {
            FraudCase a = cases.get(i);
            FraudCase b = again.next();
            assertThat(b.fraud()).isEqualTo(a.fraud());
            assertThat(b.transaction()).isEqualTo(a.transaction());
            assertThat(b.callRemark()).isEqualTo(a.callRemark());
            assertThat(b.document() == null ? null : b.document().png())
                    .isEqualTo(a.document() == null ? null : a.document().png());
        }
    }

    @Test
    void shouldMakeFraudRareAndBursty() {
        long fraud = cases.stream().filter(FraudCase::fraud).count();
        assertThat(fraud / 2000.0).isBetween(0.03, 0.25);
        int afterFraud = 0;
        int fraudAfterFraud = 0;
        for (int i = 20; i < cases.size(); i++) {
            if (cases.get(i - 20).fraud()) { // same account, previous payment
                afterFraud++;
                if (cases.get(i).fraud()) {
                    fraudAfterFraud++;
                }
            }
        }
        assertThat((double) fraudAfterFraud / afterFraud).isGreaterThan(0.4);
    }

    @Test
    void shouldLetThePaymentLeanButNotDecide() {
        double newDeviceFraud = rate(true, c -> c.transaction().newDevice());
        double newDeviceOk = rate(false, c -> c.transaction().newDevice());
        double foreignFraud = rate(true, c -> !c.transaction().country().equals("DE"));
        double foreignOk = rate(false, c -> !c.transaction().country().equals("DE"));
        // lean: clearly more often on fraud; not decide: most fraud looks like an ordinary payment
        assertThat(newDeviceFraud).isGreaterThan(newDeviceOk + 0.08).isLessThan(0.4);
        assertThat(foreignFraud).isGreaterThan(foreignOk + 0.08).isLessThan(0.4);
        // overlap: plenty of legitimate payments above the fraud median amount
        assertThat(rate(false, c -> c.transaction().amount() > 150)).isBetween(0.05, 0.5);
    }

    @Test
    void shouldTamperOnlyWithFraudCasesDocuments() {
        List<FraudCase> documented = cases.stream().filter(c -> c.document() != null).toList();
        assertThat(documented.size()).isGreaterThan(200);
        assertThat(documented)
                .filteredOn(c -> c.document().tampering() != Tampering.NONE)
                .isNotEmpty()
                .allSatisfy(c -> assertThat(c.fraud()).isTrue());
        assertThat(rate(true, c -> c.callRemark() != null))
                .isGreaterThan(rate(false, c -> c.callRemark() != null) + 0.15);
        // calls tell: most fraud calls carry a giveaway remark, few legitimate ones do
        assertThat(
                        rate(
                                true,
                                c ->
                                        c.callRemark() != null
                                                && FraudWorld.FRAUD_REMARKS.contains(
                                                        c.callRemark())))
                .isGreaterThan(
                        3
                                * rate(
                                        false,
                                        c ->
                                                c.callRemark() != null
                                                        && FraudWorld.FRAUD_REMARKS.contains(
                                                                c.callRemark())));
    }

    @Test
    void shouldRenderReadableIdCards() throws Exception {
        FraudCase withDocument =
                cases.stream()
                        .filter(
                                c ->
                                        c.document() != null
                                                && c.document().tampering() == Tampering.NONE)
                        .findFirst()
                        .orElseThrow();
        IdDocument doc = withDocument.document();
        assertThat(ImageHeader.read(doc.png()))
                .isEqualTo(new ImageHeader(ImageCodec.PNG, 480, 300));
        try (TextRecognizer ocr = TextRecognizer.english(TextRecognizer.Layout.PAGE)) {
            OcrText text =
                    ocr.read(
                            new OcrPreprocessor(ImageLimits.DEFAULT)
                                    .prepare(EncodedImage.of(doc.png()), null));
            assertThat(text.text()).contains(doc.number()).contains(doc.holder());
        }
    }

    private static double rate(boolean fraud, java.util.function.Predicate<FraudCase> p) {
        List<FraudCase> of = cases.stream().filter(c -> c.fraud() == fraud).toList();
        return (double) of.stream().filter(p).count() / of.size();
    }
}
