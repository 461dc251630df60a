package dev.prefwork.training;

import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.export.Exporter;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.Workspace;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A pair set saved in Curate &amp; export as a run's pairs, written into the run folder in TRL standard form by the
 * same code as its TRL export (so a run trains on exactly what an export of the set would hold). The set's id is
 * recorded with the run through {@link #description()}.
 */
public final class CuratedPairs implements PairSource {

    private final Workspace workspace;
    private final long setId;

    public CuratedPairs(Workspace workspace, long setId) {
        this.workspace = workspace;
        this.setId = setId;
    }

    /** The newest saved DPO pair set of the workspace. */
    public static CuratedPairs latest(Workspace workspace) {
        StoredPairSet set = workspace.pairSets().latest(dev.prefwork.store.PairSetRepository.PAIRS)
                .orElseThrow(() -> new InputException("the workspace has no saved pair set yet; make one in Curate & export "
                        + "(or `prefwork pairs <workspace>`)"));
        return new CuratedPairs(workspace, set.id());
    }

    private StoredPairSet set() {
        StoredPairSet set = workspace.pairSets().get(setId)
                .orElseThrow(() -> new InputException("there is no pair set #" + setId + " in this workspace (`prefwork pairs <workspace> --list`)"));
        if (set.sft()) {
            throw new InputException("pair set #" + setId + " is an SFT set (one response per prompt, no rejected side); DPO needs a pair set");
        }
        if (set.pairs() == 0) throw new InputException("pair set #" + setId + " holds no pairs");
        return set;
    }

    @Override
    public String description() {
        return workspace.pairSets().get(setId)
                .map(s -> String.format(Locale.ROOT, "pair set #%d \"%s\" (%s, %,d pairs)", s.id(), s.name(), s.strategy(), s.pairs()))
                .orElse("pair set #" + setId);
    }

    @Override
    public PairSummary check() {
        return new PairSummary(set().pairs(), 0);
    }

    @Override
    public PairSummary writeTo(Path target) {
        Exporter.Result r = Exporter.trlFile(workspace, set(), target, Progress.NONE);
        return new PairSummary(r.rows(), 0);
    }
}
