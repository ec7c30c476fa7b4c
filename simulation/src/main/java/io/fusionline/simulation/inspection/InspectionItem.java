package io.fusionline.simulation.inspection;

/**
 * One part on one line, with everything the line's sensors say about it and the truth.
 *
 * @param lineId the line (also the camera, microphone and controller source id)
 * @param sequence per-line part number, from 0
 * @param offsetMillis when the part passes the camera, from the start of the world
 * @param defect ground truth
 * @param severity how visible the defect is, 0.1..1 (1 for a good part)
 * @param image what the camera sees, with the defect mask
 * @param log the machine's state when the part was made
 * @param voiceNote what the operator says about the part, or null when they say nothing
 * @param noteClaims the defect the note names ({@link Defect#NONE} for "looks fine"), or null
 *     without a note; it can be wrong
 */
public record InspectionItem(
        String lineId,
        long sequence,
        long offsetMillis,
        Defect defect,
        double severity,
        PartImage image,
        MachineLog log,
        String voiceNote,
        Defect noteClaims) {}
