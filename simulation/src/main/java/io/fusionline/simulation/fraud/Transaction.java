package io.fusionline.simulation.fraud;

import java.util.Locale;
import java.util.Map;

/**
 * A card payment as the payment system reports it.
 *
 * @param amount in EUR
 * @param merchantCategory e.g. groceries, electronics, gift_cards
 * @param country ISO country of the merchant
 * @param newDevice whether the device was first seen on this account
 * @param velocity10m payments on the account in the last ten minutes, this one included
 */
public record Transaction(
        double amount,
        String merchantCategory,
        String country,
        boolean newDevice,
        int velocity10m) {

    /**
     * The event as table-to-sequence text, e.g. {@code amount 1890.00 EUR; merchant electronics;
     * country BR; device new; 5 payments in 10 min}.
     */
    public String text() {
        return String.format(
                Locale.ROOT,
                "amount %.2f EUR; merchant %s; country %s; device %s; %d payments in 10 min",
                amount,
                merchantCategory.replace('_', ' '),
                country,
                newDevice ? "new" : "known",
                velocity10m);
    }

    /** String attributes of the event. */
    public Map<String, String> attributes() {
        return Map.of(
                "merchant",
                merchantCategory,
                "country",
                country,
                "device",
                newDevice ? "new" : "known");
    }

    /** Numeric features of the event. */
    public Map<String, Double> features() {
        return Map.of("amount", amount, "velocity10m", (double) velocity10m);
    }
}
