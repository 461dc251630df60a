package dev.prefwork.curation.export;

import dev.prefwork.core.InputException;

/** What a pair set can be exported as (DESIGN §4). */
public enum ExportFormat {
    /** TRL standard preference JSONL: prompt/chosen/rejected strings plus provenance */
    TRL("trl", "TRL JSONL (prompt / chosen / rejected)", ".jsonl"),
    /** TRL conversational preference JSONL: role/content message lists plus provenance */
    TRL_CHAT("trl-chat", "TRL conversational JSONL (messages)", ".jsonl"),
    /** SFT prompt/completion JSONL (a pair set's chosen side, or an SFT set's picks) */
    SFT("sft", "SFT JSONL (prompt / completion)", ".jsonl"),
    /** SFT conversational JSONL: a messages list per line */
    SFT_CHAT("sft-chat", "SFT conversational JSONL (messages)", ".jsonl"),
    /** one row per pair (or pick), RFC 4180 */
    CSV("csv", "CSV", ".csv"),
    /** a Hugging Face dataset folder: data/train.jsonl, data/test.jsonl and a README.md dataset card */
    HF("hf", "Hugging Face dataset folder", "");

    private final String cliName;
    private final String title;
    private final String extension;

    ExportFormat(String cliName, String title, String extension) {
        this.cliName = cliName;
        this.title = title;
        this.extension = extension;
    }

    public String cliName() {
        return cliName;
    }

    public String title() {
        return title;
    }

    /** The file name ending ("" for a folder). */
    public String extension() {
        return extension;
    }

    public boolean folder() {
        return this == HF;
    }

    public static ExportFormat parse(String s) {
        for (ExportFormat f : values()) if (f.cliName.equalsIgnoreCase(s)) return f;
        throw new InputException(null, 0, "format", "unknown format '" + s + "'; choose trl, trl-chat, sft, sft-chat, csv or hf");
    }
}
