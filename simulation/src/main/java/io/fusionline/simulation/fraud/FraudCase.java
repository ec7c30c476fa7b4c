package io.fusionline.simulation.fraud;

/**
 * One payment on one account, with what else the desk sees about it and the truth.
 *
 * @param accountId the account (the source id of every record of the case)
 * @param sequence per-account case number, from 0
 * @param offsetMillis when the payment happens, from the start of the world
 * @param fraud ground truth
 * @param transaction the payment
 * @param callRemark what the caller says in a call about the account, or null when there is no call
 * @param document an ID document presented with the case, or null
 */
public record FraudCase(
        String accountId,
        long sequence,
        long offsetMillis,
        boolean fraud,
        Transaction transaction,
        String callRemark,
        IdDocument document) {}
