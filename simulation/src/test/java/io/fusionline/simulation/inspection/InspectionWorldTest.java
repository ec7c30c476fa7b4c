package io.fusionline.simulation.inspection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InspectionWorldTest {

    private static List<InspectionItem> items;

    @BeforeAll
    static void generate() {
        InspectionWorld world = new InspectionWorld(3, 500, 96, 11);
        items = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            items.add(world.next());
        }
    }

    @Test
    void shouldGenerateTheSameWorldForTheSameSeed() {
        InspectionWorld again = new InspectionWorld(3, 500, 96, 11);
        for (int i = 0; i < 30; i++) {
            InspectionItem a = items.get(i);
            InspectionItem b = again.next();
            assertThat(b.defect()).isEqualTo(a.defect());
            assertThat(b.log()).isEqualTo(a.log());
            assertThat(b.voiceNote()).isEqualTo(a.voiceNote());
            assertThat(b.image().bgr()).isEqualTo(a.image().bgr());
        }
        assertThat(new InspectionWorld(3, 500, 96, 12).next().log())
                .isNotEqualTo(items.get(0).log());
    }

    @Test
    void shouldNumberPartsPerLineInTime() {
        assertThat(items.subList(0, 6))
                .extracting(InspectionItem::lineId)
                .containsExactly("line-1", "line-2", "line-3", "line-1", "line-2", "line-3");
        assertThat(items.get(3).sequence()).isEqualTo(1);
        assertThat(items.get(3).offsetMillis()).isEqualTo(500);
        assertThat(items.get(4).offsetMillis()).isEqualTo(666);
    }

    @Test
    void shouldShowEveryDefectAtAPlausibleRate() {
        long defective = items.stream().filter(i -> i.defect() != Defect.NONE).count();
        assertThat(defective / 900.0).isBetween(0.2, 0.65);
        for (Defect d : Defect.values()) {
            assertThat(items.stream().filter(i -> i.defect() == d).count())
                    .as("%s", d)
                    .isGreaterThan(20);
        }
    }

    @Test
    void shouldMakeTheLogInformativeButNotDecisive() {
        double wearScratch = meanWear(Defect.SCRATCH);
        double wearMissing = meanWear(Defect.MISSING_FEATURE);
        double wearNone = meanWear(Defect.NONE);
        assertThat(wearScratch).isGreaterThan(wearNone + 0.05);
        assertThat(wearScratch).isGreaterThan(wearMissing);
        // heat and stains go together
        assertThat(meanTemperature(Defect.STAIN)).isGreaterThan(meanTemperature(Defect.NONE));
    }

    @Test
    void shouldMakeNotesUsefulButFallible() {
        List<InspectionItem> noted =
                items.stream()
                        .filter(i -> i.voiceNote() != null && i.defect() != Defect.NONE)
                        .toList();
        long right = noted.stream().filter(i -> i.noteClaims() == i.defect()).count();
        assertThat(noted.size()).isGreaterThan(60);
        assertThat((double) right / noted.size()).isBetween(0.55, 0.85);
        assertThat(items.stream().filter(i -> i.voiceNote() == null).count()).isGreaterThan(450);
        assertThat(items)
                .filteredOn(i -> i.voiceNote() != null)
                .allSatisfy(
                        i ->
                                assertThat(InspectionWorld.NOTES.get(i.noteClaims()))
                                        .contains(i.voiceNote()));
    }

    private static double meanWear(Defect d) {
        return items.stream()
                .filter(i -> i.defect() == d)
                .mapToDouble(i -> i.log().toolWear())
                .average()
                .orElseThrow();
    }

    private static double meanTemperature(Defect d) {
        return items.stream()
                .filter(i -> i.defect() == d)
                .mapToDouble(i -> i.log().temperature())
                .average()
                .orElseThrow();
    }
}
