package io.fusionline.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sources the dashboard holds state for: at most {@code max}, none not heard of for {@code
 * expiryMillis}. Not thread-safe.
 */
final class RecentSources {

    private final int max;
    private final long expiryMillis;
    private final LinkedHashMap<String, Long> heard = new LinkedHashMap<>(16, 0.75f, true);
    private long forgotten;

    RecentSources(int max, long expiryMillis) {
        this.max = max;
        this.expiryMillis = expiryMillis;
    }

    /**
     * Notes that {@code source} was heard of at {@code now}; returns the sources to forget: those
     * heard of longest ago beyond the maximum, and those not heard of within the expiry.
     */
    List<String> heardOf(String source, long now) {
        heard.put(source, now);
        List<String> forget = new ArrayList<>();
        var eldest = heard.entrySet().iterator();
        while (eldest.hasNext()) {
            Map.Entry<String, Long> e = eldest.next();
            if (heard.size() <= max && now - e.getValue() < expiryMillis) {
                break;
            }
            eldest.remove();
            forget.add(e.getKey());
        }
        forgotten += forget.size();
        return forget;
    }

    int size() {
        return heard.size();
    }

    /** Sources forgotten so far. */
    long forgotten() {
        return forgotten;
    }
}
