package dev.prefwork.app;

import dev.prefwork.curation.CurationService;
import dev.prefwork.curation.ranking.LabelModelRanking;
import dev.prefwork.curation.ranking.RankingSource;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.Workspace;

import java.util.List;

/**
 * The one place the app (workbench and CLI) decides where pair curation gets its scores. Sources are listed most
 * preferred first: the first that has a ranking is the default — the reward model's scores once one is fitted,
 * the label model's P(GOOD) before that.
 */
public final class AppCuration {

    private AppCuration() {
    }

    public static List<RankingSource> rankingSources(Workspace workspace, LabelModelService labelModel) {
        return List.of(new RewardModelRanking(workspace), new LabelModelRanking(labelModel));
    }

    public static CurationService service(Workspace workspace, LabelingService labeling) {
        LabelModelService labelModel = new LabelModelService(workspace, labeling);
        return new CurationService(workspace, labelModel, rankingSources(workspace, labelModel));
    }

    /** The app's version, as bundles record it. */
    public static String version() {
        String v = AppCuration.class.getPackage().getImplementationVersion();
        return "prefwork " + (v == null ? "dev" : v);
    }
}
