package dev.prefwork.app.ui.compare;

import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Prompt;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.service.CandidateVote;
import dev.prefwork.labeling.service.LabelModelRun;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.Workspace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The Compare view's badges from the labeling pipeline: each LF vote a candidate received (as of the last
 * apply) and the latest label model's P(GOOD), marked when that run is stale. The services are made once per
 * workspace, off the FX thread (badges are fetched in the background).
 */
public final class PipelineBadges implements BadgeProvider, AutoCloseable {

    private final AppPaths paths;
    private Workspace workspace;
    private LabelingService labeling;
    private LabelModelService labelModel;

    public PipelineBadges(AppPaths paths) {
        this.paths = paths;
    }

    @Override
    public synchronized Map<Long, List<Badge>> badges(Workspace ws, Prompt prompt, List<Candidate> candidates) {
        if (ws != workspace) {
            close();
            workspace = ws;
            labeling = AppLabeling.service(ws, paths);
            labelModel = new LabelModelService(ws, labeling);
        }
        Map<Long, List<Badge>> out = new HashMap<>();
        if (labeling.list().isEmpty()) return out;
        Optional<LabelModelRun> run = labelModel.latest();
        for (Candidate c : candidates) {
            List<Badge> badges = new ArrayList<>();
            run.ifPresent(r -> {
                OptionalDouble p = labelModel.pGood(c.id());
                if (p.isPresent()) {
                    double v = p.getAsDouble();
                    badges.add(new Badge("label-model", String.format("P(GOOD) %.2f", v) + (r.stale() ? " (stale)" : ""),
                            "Label model (" + r.kind() + ") probability that this response is GOOD"
                                    + (r.stale() ? "; the run is stale: " + r.staleness().reason() : ""),
                            v >= 0.7 ? Badge.Tone.GOOD : v <= 0.3 ? Badge.Tone.BAD : Badge.Tone.NEUTRAL));
                }
            });
            for (CandidateVote v : labeling.votesFor(c.id(), Progress.NONE)) {
                boolean good = v.vote() == Verdict.GOOD;
                badges.add(new Badge("lf", v.name() + (good ? " ✓" : " ✗"),
                        "LF '" + v.name() + "' (" + v.aspect() + ") votes " + v.vote(), good ? Badge.Tone.GOOD : Badge.Tone.BAD));
            }
            if (!badges.isEmpty()) out.put(c.id(), badges);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (labeling != null) labeling.close();
        labeling = null;
        labelModel = null;
        workspace = null;
    }
}
