package io.fusionline.simulation.inspection;

import java.util.Locale;
import java.util.Map;

/**
 * The machine's state when a part was made, as its controller logs it.
 *
 * @param temperature spindle temperature, °C
 * @param vibration spindle vibration, mm/s RMS
 * @param toolWear wear of the cutting tool, 0 (new) to 1 (due for change)
 */
public record MachineLog(double temperature, double vibration, double toolWear) {

    /** The log line, e.g. {@code spindle temp 71.3 C vibration 2.4 mm/s tool wear 0.62}. */
    public String text() {
        return String.format(
                Locale.ROOT,
                "spindle temp %.1f C vibration %.1f mm/s tool wear %.2f",
                temperature,
                vibration,
                toolWear);
    }

    /** Numeric features as a text event carries them. */
    public Map<String, Double> features() {
        return Map.of("temperature", temperature, "vibration", vibration, "toolWear", toolWear);
    }
}
