package io.fusionline.operators.fusion;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of {@link AlignmentFunction}.
 *
 * @param span a window holds a source's inputs from its first input's event time {@code s} to
 *     {@code s + span}
 * @param outOfOrderness how far behind its source's latest input an input may arrive (the
 *     watermark's bounded out-of-orderness)
 * @param idleClose processing time without watermark progress after which a source's waiting
 *     windows close anyway
 * @param stateIdleTimeout event time without input after which a source's state is cleared
 * @param provisional whether each input also emits its window as it stands
 * @param maxHold how far a source that keeps sending may be held back by the watermark beyond its
 *     own clock (see {@link AlignmentFunction}); null for no bound
 * @param maxInputs most inputs a source may have waiting; beyond, its oldest window closes early
 * @param maxBytes most bytes of features a source may have waiting; beyond, the same
 */
public record AlignmentOptions(
        Duration span,
        Duration outOfOrderness,
        Duration idleClose,
        Duration stateIdleTimeout,
        boolean provisional,
        Duration maxHold,
        int maxInputs,
        long maxBytes)
        implements Serializable {

    /** Inputs a source may have waiting unless configured: minutes of one camera at 5 fps. */
    public static final int DEFAULT_MAX_INPUTS = 1024;

    /** Bytes a source may have waiting unless configured. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    public AlignmentOptions {
        if (maxInputs < 2) {
            throw new IllegalArgumentException("max waiting inputs must be >= 2, got " + maxInputs);
        }
        if (maxBytes < 1 << 20) {
            throw new IllegalArgumentException(
                    "max waiting bytes must be >= 1 MiB, got " + maxBytes);
        }
    }

    /** The settings of {@code fusion}'s windows, with no hold bound and the default limits. */
    public static AlignmentOptions of(
            FusionOptions fusion, Duration outOfOrderness, Duration stateIdleTimeout) {
        return new AlignmentOptions(
                fusion.span(),
                outOfOrderness,
                fusion.idleClose(),
                stateIdleTimeout,
                fusion.provisionalAlerts(),
                null,
                DEFAULT_MAX_INPUTS,
                DEFAULT_MAX_BYTES);
    }

    public AlignmentOptions withMaxHold(Duration hold) {
        return new AlignmentOptions(
                span,
                outOfOrderness,
                idleClose,
                stateIdleTimeout,
                provisional,
                hold,
                maxInputs,
                maxBytes);
    }

    /** What a source may have waiting: inputs and bytes. */
    public AlignmentOptions withBufferLimits(int inputs, long bytes) {
        return new AlignmentOptions(
                span,
                outOfOrderness,
                idleClose,
                stateIdleTimeout,
                provisional,
                maxHold,
                inputs,
                bytes);
    }
}
