package io.fusionline.multimodal.audio;

/** Word-level edit distance (substitutions + insertions + deletions) for WER. */
final class WordErrorRate {

    private WordErrorRate() {}

    static int edits(String reference, String hypothesis) {
        String[] ref = reference.trim().isEmpty() ? new String[0] : reference.trim().split("\\s+");
        String[] hyp =
                hypothesis.trim().isEmpty() ? new String[0] : hypothesis.trim().split("\\s+");
        int[][] d = new int[ref.length + 1][hyp.length + 1];
        for (int i = 0; i <= ref.length; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= hyp.length; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= ref.length; i++) {
            for (int j = 1; j <= hyp.length; j++) {
                int same = ref[i - 1].equalsIgnoreCase(hyp[j - 1]) ? 0 : 1;
                d[i][j] =
                        Math.min(
                                Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + same);
            }
        }
        return d[ref.length][hyp.length];
    }
}
