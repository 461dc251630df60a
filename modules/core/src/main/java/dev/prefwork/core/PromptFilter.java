package dev.prefwork.core;

/**
 * A filter over the workspace's prompts. Null or blank parts match everything.
 *
 * @param search   case-insensitive substring of the prompt text or its source id
 * @param category exact category
 * @param datasetId restrict to one dataset
 * @param gold     labelled state
 */
public record PromptFilter(String search, String category, Long datasetId, GoldState gold) {

    public enum GoldState { ANY, LABELLED, UNLABELLED }

    public static final PromptFilter ALL = new PromptFilter(null, null, null, GoldState.ANY);

    public PromptFilter {
        gold = gold == null ? GoldState.ANY : gold;
    }

    public PromptFilter withSearch(String s) { return new PromptFilter(s, category, datasetId, gold); }
    public PromptFilter withCategory(String c) { return new PromptFilter(search, c, datasetId, gold); }
    public PromptFilter withGold(GoldState g) { return new PromptFilter(search, category, datasetId, g); }
}
