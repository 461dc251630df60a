package dev.prefwork.labeling.judge;

import dev.prefwork.labeling.lf.LfSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What decides a judge's answer — model, template, answer type and answer length — as a short hash: the cache key
 * of {@code judge_verdict}. The server address and API key are left out (the same model behind another port or a
 * renewed key answers the same), so are the threshold and the vote (editing them re-asks nothing).
 */
public final class JudgeKey {

    private JudgeKey() {
    }

    public static String of(LfSpec.Judge j) {
        String s = "model=" + j.model().strip() + "\nanswer=" + j.answer() + "\nmax_tokens=" + j.maxTokens() + "\ntemplate=" + j.template();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
