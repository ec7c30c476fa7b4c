package io.fusionline.cli;

import java.util.UUID;

/** Job names the commands make when none is given: unique, valid, saying what runs. */
final class JobNames {

    private JobNames() {}

    /** {@code fusionline-<what>-<8 hex digits>}. */
    static String generated(String what) {
        return "fusionline-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
