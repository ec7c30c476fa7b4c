package io.fusionline.cli.demo;

import io.fusionline.schema.text.TextEvent;
import io.fusionline.schema.text.TextKind;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic (for a seed) sample text events from both users: two inspection stations (operator
 * notes and machine logs) and three fraud-desk calls (transactions, caller remarks, document text).
 * Some mention defects or fraud, most do not.
 */
public final class SampleTextEvents {

    private static final List<String> STATIONS = List.of("line-1", "line-2");
    private static final List<String> CALLS = List.of("call-101", "call-102", "call-103");

    private static final List<String> NOTES =
            List.of(
                    "surface looks clean, edges fine",
                    "small scratch near the mounting hole",
                    "part dented on the left flange",
                    "oil stain on the top face",
                    "hairline crack along the weld",
                    "drill hole missing on corner",
                    "all good, next batch",
                    "label printed fine");
    private static final List<String> REMARKS =
            List.of(
                    "customer asks about card limit",
                    "caller says they didn't make the purchase",
                    "wants to dispute the electronics payment",
                    "caller asks for the verification code to be resent, urgent",
                    "address change request",
                    "thanks the agent, no issue");
    private static final List<String> MERCHANTS =
            List.of("grocery", "electronics", "travel", "fuel", "gift cards");
    private static final List<String> COUNTRIES = List.of("DE", "FR", "BR", "NG", "US");

    private final SplittableRandom random;
    private long clock;

    public SampleTextEvents(long seed, Instant start) {
        this.random = new SplittableRandom(seed);
        this.clock = start.toEpochMilli();
    }

    /** The next event; event time advances 100-400 ms per event. */
    public TextEvent next() {
        clock += 100 + random.nextInt(300);
        return random.nextBoolean() ? inspection() : fraud();
    }

    private TextEvent inspection() {
        String station = pick(STATIONS);
        if (random.nextInt(3) == 0) {
            double temperature = 60 + random.nextInt(35);
            double wear = random.nextInt(100) / 100.0;
            return event(
                    station,
                    TextKind.MACHINE_LOG,
                    String.format(
                            "spindle temperature %.0f C, vibration %.1f mm/s, tool wear %.2f",
                            temperature, 1 + random.nextInt(60) / 10.0, wear),
                    Map.of("machine", "cnc-" + station.substring(5)),
                    Map.of("temperature", temperature, "tool_wear", wear));
        }
        return event(station, TextKind.OPERATOR_NOTE, pick(NOTES), Map.of(), Map.of());
    }

    private TextEvent fraud() {
        String call = pick(CALLS);
        if (random.nextBoolean()) {
            double amount = Math.round(random.nextDouble() * 250000) / 100.0;
            double velocity = random.nextInt(7);
            boolean newDevice = random.nextInt(4) == 0;
            String merchant = pick(MERCHANTS);
            String country = pick(COUNTRIES);
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("merchant", merchant);
            attributes.put("country", country);
            attributes.put("device", newDevice ? "new" : "known");
            return event(
                    call,
                    TextKind.TRANSACTION,
                    String.format(
                            "amount %.2f EUR; merchant %s; country %s; device %s; %.0f payments in 10 min",
                            amount, merchant, country, newDevice ? "new" : "known", velocity),
                    attributes,
                    Map.of(
                            "amount", amount,
                            "velocity_10m", velocity,
                            "new_device", newDevice ? 1.0 : 0.0));
        }
        return event(call, TextKind.OPERATOR_NOTE, pick(REMARKS), Map.of(), Map.of());
    }

    private TextEvent event(
            String source,
            TextKind kind,
            String text,
            Map<String, String> attributes,
            Map<String, Double> features) {
        return TextEvent.newBuilder()
                .setSourceId(source)
                .setEventTime(Instant.ofEpochMilli(clock))
                .setKind(kind)
                .setText(text)
                .setAttributes(attributes)
                .setFeatures(features)
                .build();
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
