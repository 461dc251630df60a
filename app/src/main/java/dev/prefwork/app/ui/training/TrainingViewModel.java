package dev.prefwork.app.ui.training;

import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.core.InputException;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.Workspace;
import dev.prefwork.training.CuratedPairs;
import dev.prefwork.training.EnvironmentCheck;
import dev.prefwork.training.GoldPicksPairs;
import dev.prefwork.training.MemoryEstimate;
import dev.prefwork.training.MetricPoint;
import dev.prefwork.training.ModelShape;
import dev.prefwork.training.PairSource;
import dev.prefwork.training.PythonReport;
import dev.prefwork.training.RunStatus;
import dev.prefwork.training.TinyModel;
import dev.prefwork.training.TrainingConfig;
import dev.prefwork.training.TrainingRun;
import dev.prefwork.training.TrainingService;
import dev.prefwork.training.TrlPairFile;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Training step's state: the run setup form (pairs, model, DPO and optimiser settings, with the memory
 * estimate and the environment check beside it), launching in the background, and the run being watched -- its
 * status and progress, every metric point for the charts, the log tail -- with cancel, force stop and resume.
 * No JavaFX nodes here.
 */
public final class TrainingViewModel {

    /** Where the pairs come from. */
    public enum PairChoice {
        /** a TRL JSONL file (e.g. one exported under the workspace's exports/) */
        FILE,
        /** the expert's best vs worst picks */
        GOLD,
        /** a pair set saved in Curate & export */
        PAIR_SET
    }

    /** A saved DPO pair set, as the chooser lists it. */
    public record PairSetChoice(long id, String label) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** Lines of log kept for the tail. */
    static final int LOG_LINES = 400;

    private final TrainingSession session;
    private final TaskExecutor executor;
    private final Notifier notifier;

    // ---- the form ----
    private final ObjectProperty<PairChoice> pairChoice = new SimpleObjectProperty<>(this, "pairChoice", PairChoice.FILE);
    private final ObjectProperty<Path> pairFile = new SimpleObjectProperty<>(this, "pairFile");
    private final ObservableList<PairSetChoice> pairSets = FXCollections.observableArrayList();
    private final ObjectProperty<PairSetChoice> pairSet = new SimpleObjectProperty<>(this, "pairSet");
    private final ReadOnlyStringWrapper pairsStatus = new ReadOnlyStringWrapper(this, "pairsStatus", "");
    private final ReadOnlyBooleanWrapper pairsOk = new ReadOnlyBooleanWrapper(this, "pairsOk");
    private final ReadOnlyBooleanWrapper pairsError = new ReadOnlyBooleanWrapper(this, "pairsError");
    private final ObjectProperty<Path> modelFolder = new SimpleObjectProperty<>(this, "modelFolder");
    private final ReadOnlyStringWrapper modelStatus = new ReadOnlyStringWrapper(this, "modelStatus", "");
    private final ReadOnlyObjectWrapper<ModelShape> modelShape = new ReadOnlyObjectWrapper<>(this, "modelShape");
    private final StringProperty name = new SimpleStringProperty(this, "name", "");
    private final StringProperty method = new SimpleStringProperty(this, "method");
    private final IntegerProperty loraR = new SimpleIntegerProperty(this, "loraR");
    private final DoubleProperty loraAlpha = new SimpleDoubleProperty(this, "loraAlpha");
    private final BooleanProperty mergeAdapter = new SimpleBooleanProperty(this, "mergeAdapter");
    private final StringProperty lossType = new SimpleStringProperty(this, "lossType");
    private final DoubleProperty beta = new SimpleDoubleProperty(this, "beta");
    private final DoubleProperty learningRate = new SimpleDoubleProperty(this, "learningRate");
    private final DoubleProperty warmupRatio = new SimpleDoubleProperty(this, "warmupRatio");
    private final DoubleProperty epochs = new SimpleDoubleProperty(this, "epochs");
    private final IntegerProperty batchSize = new SimpleIntegerProperty(this, "batchSize");
    private final IntegerProperty gradAccum = new SimpleIntegerProperty(this, "gradAccum");
    private final IntegerProperty maxLength = new SimpleIntegerProperty(this, "maxLength");
    private final IntegerProperty maxPromptLength = new SimpleIntegerProperty(this, "maxPromptLength");
    private final StringProperty precision = new SimpleStringProperty(this, "precision");
    private final BooleanProperty gradientCheckpointing = new SimpleBooleanProperty(this, "gradientCheckpointing");
    private final BooleanProperty precomputeReference = new SimpleBooleanProperty(this, "precomputeReference");
    private final IntegerProperty seed = new SimpleIntegerProperty(this, "seed");
    private final DoubleProperty evalFraction = new SimpleDoubleProperty(this, "evalFraction");
    private final IntegerProperty loggingSteps = new SimpleIntegerProperty(this, "loggingSteps");
    private final IntegerProperty evalSteps = new SimpleIntegerProperty(this, "evalSteps");
    private final DoubleProperty plannedSizeB = new SimpleDoubleProperty(this, "plannedSizeB", 7.0);
    /** Settings the form does not show, kept from the defaults (or the tiny model's). */
    private TrainingConfig hidden = TrainingConfig.defaults();

    // ---- derived ----
    private final ReadOnlyStringWrapper memoryText = new ReadOnlyStringWrapper(this, "memoryText", "");
    private final ReadOnlyStringWrapper memoryFit = new ReadOnlyStringWrapper(this, "memoryFit", "");
    private final ReadOnlyStringWrapper plannedMemoryText = new ReadOnlyStringWrapper(this, "plannedMemoryText", "");
    private final ReadOnlyStringWrapper settingsProblem = new ReadOnlyStringWrapper(this, "settingsProblem", "");
    private final ReadOnlyBooleanWrapper launching = new ReadOnlyBooleanWrapper(this, "launching");
    private final ReadOnlyBooleanWrapper canLaunch = new ReadOnlyBooleanWrapper(this, "canLaunch");
    private final ReadOnlyBooleanWrapper makingTiny = new ReadOnlyBooleanWrapper(this, "makingTiny");
    private final ReadOnlyStringWrapper environmentText = new ReadOnlyStringWrapper(this, "environmentText", "Not checked yet.");
    private final ObservableList<PythonReport.Advice> advice = FXCollections.observableArrayList();
    private final ObservableList<PythonReport> interpreters = FXCollections.observableArrayList();

    // ---- the run watched ----
    private final ReadOnlyObjectWrapper<TrainingRun> run = new ReadOnlyObjectWrapper<>(this, "run");
    private final ObservableList<MetricPoint> points = FXCollections.observableArrayList();
    private final ObservableList<String> log = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper runText = new ReadOnlyStringWrapper(this, "runText", "No run yet.");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyBooleanWrapper canCancel = new ReadOnlyBooleanWrapper(this, "canCancel");
    private final ReadOnlyBooleanWrapper canResume = new ReadOnlyBooleanWrapper(this, "canResume");
    private final ReadOnlyBooleanWrapper cancelling = new ReadOnlyBooleanWrapper(this, "cancelling");
    private int pairsGeneration;
    private int modelGeneration;

    public TrainingViewModel(TrainingSession session) {
        this.session = session;
        this.executor = session.executor();
        this.notifier = session.notifier();
        apply(TrainingConfig.defaults());
        method.addListener((o, a, b) -> {
            // switching LoRA <-> full: move the learning rate to the new method's default when it was the old one's
            if (a != null && learningRate.get() == TrainingConfig.defaultLearningRate(a)) {
                learningRate.set(TrainingConfig.defaultLearningRate(b));
            }
        });
        Observable[] settings = {method, loraR, loraAlpha, lossType, beta, learningRate, warmupRatio, epochs, batchSize,
                gradAccum, maxLength, maxPromptLength, precision, gradientCheckpointing, precomputeReference, seed,
                evalFraction, loggingSteps, evalSteps, modelShape, plannedSizeB, pairsOk, launching, modelStatus};
        for (Observable o : settings) o.addListener(x -> recompute());
        pairChoice.addListener((o, a, b) -> checkPairs());
        pairFile.addListener((o, a, b) -> checkPairs());
        pairSet.addListener((o, a, b) -> checkPairs());
        modelFolder.addListener((o, a, b) -> readModel());
        session.environmentProperty().addListener((o, a, b) -> showEnvironment(b));
        session.serviceProperty().addListener((o, a, b) -> {
            showRun(null);
            refreshPairSets();
            checkPairs();
        });
        session.addListener(new TrainingSession.Listener() {
            @Override
            public void runChanged(TrainingRun r) {
                if (run.get() != null && run.get().id() == r.id()) updateRun(r);
            }

            @Override
            public void metrics(long runId, List<MetricPoint> ps) {
                if (run.get() != null && run.get().id() == runId) points.addAll(ps);
            }

            @Override
            public void log(long runId, List<String> lines) {
                if (run.get() != null && run.get().id() == runId) appendLog(lines);
            }
        });
        readModel();
        checkPairs();
        recompute();
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public ObjectProperty<PairChoice> pairChoiceProperty() { return pairChoice; }
    public ObjectProperty<Path> pairFileProperty() { return pairFile; }
    /** The workspace's saved DPO pair sets, newest first ({@link #refreshPairSets()} re-reads them). */
    public ObservableList<PairSetChoice> pairSets() { return pairSets; }
    public ObjectProperty<PairSetChoice> pairSetProperty() { return pairSet; }
    public ReadOnlyStringProperty pairsStatusProperty() { return pairsStatus.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty pairsOkProperty() { return pairsOk.getReadOnlyProperty(); }
    /** The pairs were checked and have a problem (the status says which, with file, line and field). */
    public ReadOnlyBooleanProperty pairsErrorProperty() { return pairsError.getReadOnlyProperty(); }
    public ObjectProperty<Path> modelFolderProperty() { return modelFolder; }
    public ReadOnlyStringProperty modelStatusProperty() { return modelStatus.getReadOnlyProperty(); }
    public StringProperty nameProperty() { return name; }
    public StringProperty methodProperty() { return method; }
    public IntegerProperty loraRProperty() { return loraR; }
    public DoubleProperty loraAlphaProperty() { return loraAlpha; }
    /** LoRA: also write the adapter merged into the model's weights. */
    public BooleanProperty mergeAdapterProperty() { return mergeAdapter; }
    public StringProperty lossTypeProperty() { return lossType; }
    public DoubleProperty betaProperty() { return beta; }
    public DoubleProperty learningRateProperty() { return learningRate; }
    public DoubleProperty warmupRatioProperty() { return warmupRatio; }
    public DoubleProperty epochsProperty() { return epochs; }
    public IntegerProperty batchSizeProperty() { return batchSize; }
    public IntegerProperty gradAccumProperty() { return gradAccum; }
    public IntegerProperty maxLengthProperty() { return maxLength; }
    public IntegerProperty maxPromptLengthProperty() { return maxPromptLength; }
    public StringProperty precisionProperty() { return precision; }
    public BooleanProperty gradientCheckpointingProperty() { return gradientCheckpointing; }
    public BooleanProperty precomputeReferenceProperty() { return precomputeReference; }
    public IntegerProperty seedProperty() { return seed; }
    public DoubleProperty evalFractionProperty() { return evalFraction; }
    public IntegerProperty loggingStepsProperty() { return loggingSteps; }
    public IntegerProperty evalStepsProperty() { return evalSteps; }
    /** The model size (billions of parameters) of the second memory estimate, for planning a bigger run. */
    public DoubleProperty plannedSizeBProperty() { return plannedSizeB; }

    public ReadOnlyStringProperty memoryTextProperty() { return memoryText.getReadOnlyProperty(); }
    public ReadOnlyStringProperty memoryFitProperty() { return memoryFit.getReadOnlyProperty(); }
    public ReadOnlyStringProperty plannedMemoryTextProperty() { return plannedMemoryText.getReadOnlyProperty(); }
    public ReadOnlyStringProperty settingsProblemProperty() { return settingsProblem.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty launchingProperty() { return launching.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty canLaunchProperty() { return canLaunch.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty makingTinyProperty() { return makingTiny.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty checkingProperty() { return session.checkingProperty(); }
    public StringProperty pythonSettingProperty() { return session.pythonSettingProperty(); }
    public ReadOnlyStringProperty environmentTextProperty() { return environmentText.getReadOnlyProperty(); }
    public ObservableList<PythonReport.Advice> advice() { return advice; }
    public ObservableList<PythonReport> interpreters() { return interpreters; }

    public ReadOnlyObjectProperty<TrainingRun> runProperty() { return run.getReadOnlyProperty(); }
    /** Every metric point of the run watched, in order (train and eval). */
    public ObservableList<MetricPoint> points() { return points; }
    public ObservableList<String> log() { return log; }
    public ReadOnlyStringProperty runTextProperty() { return runText.getReadOnlyProperty(); }
    /** Step / total steps of the run watched (0..1). */
    public ReadOnlyDoubleProperty progressProperty() { return progress.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty canCancelProperty() { return canCancel.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty canResumeProperty() { return canResume.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty cancellingProperty() { return cancelling.getReadOnlyProperty(); }

    // ---- the settings -------------------------------------------------------------------------------------------

    /** The settings the form describes (hidden ones from the defaults). */
    public TrainingConfig config() {
        TrainingConfig.Builder b = hidden.toBuilder();
        b.method = method.get();
        b.loraR = loraR.get();
        b.loraAlpha = loraAlpha.get();
        b.mergeAdapter = mergeAdapter.get();
        b.lossType = lossType.get();
        b.beta = beta.get();
        b.learningRate = learningRate.get();
        b.warmupRatio = warmupRatio.get();
        b.epochs = epochs.get();
        b.batchSize = batchSize.get();
        b.gradAccum = gradAccum.get();
        b.maxLength = maxLength.get();
        b.maxPromptLength = maxPromptLength.get();
        b.precision = precision.get();
        b.gradientCheckpointing = gradientCheckpointing.get();
        b.precomputeReference = precomputeReference.get();
        b.seed = seed.get();
        b.evalFraction = evalFraction.get();
        b.loggingSteps = loggingSteps.get();
        b.evalSteps = evalSteps.get();
        return b.build();
    }

    /** Fills the form from {@code c} (the defaults, the tiny model's settings, a run to repeat). */
    public void apply(TrainingConfig c) {
        hidden = c;
        method.set(c.method());
        loraR.set(c.loraR());
        loraAlpha.set(c.loraAlpha());
        mergeAdapter.set(c.mergeAdapter());
        lossType.set(c.lossType());
        beta.set(c.beta());
        learningRate.set(c.learningRate());
        warmupRatio.set(c.warmupRatio());
        epochs.set(c.epochs());
        batchSize.set(c.batchSize());
        gradAccum.set(c.gradAccum());
        maxLength.set(c.maxLength());
        maxPromptLength.set(c.maxPromptLength());
        precision.set(c.precision());
        gradientCheckpointing.set(c.gradientCheckpointing());
        precomputeReference.set(c.precomputeReference());
        seed.set(c.seed());
        evalFraction.set(c.evalFraction());
        loggingSteps.set(c.loggingSteps());
        evalSteps.set(c.evalSteps());
    }

    /** Back to LoRA r 16, β 0.1, lr 5e-6, one epoch, max length 1024. */
    public void resetSettings() {
        apply(TrainingConfig.defaults());
    }

    private void recompute() {
        TrainingConfig c = config();
        List<String> problems = c.problems();
        settingsProblem.set(problems.isEmpty() ? "" : problems.get(0));
        double gpu = gpuMemory();
        ModelShape shape = modelShape.get();
        if (shape != null) {
            MemoryEstimate m = MemoryEstimate.of(shape, c);
            memoryText.set("For " + shape.describe() + ": " + m.summary());
            memoryFit.set(m.fit(gpu));
        } else {
            memoryText.set("Choose a model folder for its estimate.");
            memoryFit.set("");
        }
        if (plannedSizeB.get() > 0) {
            MemoryEstimate planned = MemoryEstimate.of(ModelShape.ofSize(plannedSizeB.get()), c);
            plannedMemoryText.set(String.format(Locale.ROOT, "A %.1fB model with these settings needs %s", plannedSizeB.get(),
                    planned.summary()));
        }
        canLaunch.set(problems.isEmpty() && pairsOk.get() && shape != null && !launching.get() && session.service() != null);
    }

    private double gpuMemory() {
        EnvironmentCheck.Report r = session.environmentProperty().get();
        return r == null || r.chosen() == null ? 0 : r.chosen().gpuMemoryGb();
    }

    // ---- pairs and model ----------------------------------------------------------------------------------------

    /** The pair source the form describes, or null (no file chosen, no workspace). */
    public PairSource pairSource() {
        TrainingService s = session.service();
        if (pairChoice.get() == PairChoice.GOLD) return s == null ? null : new GoldPicksPairs(s.workspace());
        if (pairChoice.get() == PairChoice.PAIR_SET) {
            return s == null || pairSet.get() == null ? null : new CuratedPairs(s.workspace(), pairSet.get().id());
        }
        return pairFile.get() == null ? null : new TrlPairFile(pairFile.get());
    }

    /** Re-reads the saved pair sets (the Training step calls it when shown: sets are saved in Curate & export). */
    public void refreshPairSets() {
        TrainingService s = session.service();
        if (s == null) {
            pairSets.clear();
            pairSet.set(null);
            return;
        }
        executor.execute(BackgroundTask.of("Reading the pair sets", p -> s.workspace().pairSets().list()).quiet()
                .onSuccess(list -> {
                    if (s != session.service()) return;
                    Long selected = pairSet.get() == null ? null : pairSet.get().id();
                    List<PairSetChoice> choices = list.stream().filter(x -> !x.sft())
                            .sorted(java.util.Comparator.comparingLong(StoredPairSet::id).reversed())
                            .map(x -> new PairSetChoice(x.id(), String.format(Locale.ROOT, "#%d %s — %,d pairs (%s)", x.id(), x.name(),
                                    x.pairs(), x.strategy())))
                            .toList();
                    pairSets.setAll(choices);
                    // a curated set is what a run is for: offer it unless the expert already picked a file
                    if (!choices.isEmpty() && pairChoice.get() == PairChoice.FILE && pairFile.get() == null) pairChoice.set(PairChoice.PAIR_SET);
                    pairSet.set(choices.stream().filter(c -> selected != null && c.id() == selected).findFirst()
                            .orElse(choices.isEmpty() ? null : choices.get(0)));
                }));
    }

    /** The folder a pair file chooser opens first: the workspace's exports/. */
    public Path exportsDir() {
        TrainingService s = session.service();
        return s == null ? null : s.workspace().exportsDir();
    }

    private void checkPairs() {
        PairSource source = pairSource();
        int gen = ++pairsGeneration;
        pairsOk.set(false);
        pairsError.set(false);
        if (source == null) {
            pairsStatus.set(session.service() == null ? "Open a workspace first."
                    : pairChoice.get() == PairChoice.FILE ? "Choose a TRL pair file (JSONL with prompt, chosen, rejected)."
                    : "No pair set saved yet: make one in Curate & export.");
            return;
        }
        pairsStatus.set("Checking the pairs…");
        executor.execute(BackgroundTask.of("Checking the pairs", p -> source.check()).quiet()
                .onSuccess(summary -> {
                    if (gen != pairsGeneration) return;
                    pairsOk.set(true);
                    pairsStatus.set(String.format(Locale.ROOT, "%,d pairs%s, all well-formed.", summary.pairs(),
                            summary.conversational() > 0 ? " (" + summary.conversational() + " conversations)" : ""));
                })
                .onFailure(e -> {
                    if (gen != pairsGeneration) return;
                    pairsError.set(true);
                    pairsStatus.set(e instanceof InputException ? e.getMessage() : "Cannot read the pairs: " + e.getMessage());
                }));
    }

    private void readModel() {
        Path folder = modelFolder.get();
        int gen = ++modelGeneration;
        modelShape.set(null);
        if (folder == null) {
            modelStatus.set("Choose a model folder (a transformers model, or the tiny test model).");
            return;
        }
        executor.execute(BackgroundTask.of("Reading the model folder", p -> ModelShape.read(folder)).quiet()
                .onSuccess(shape -> {
                    if (gen != modelGeneration) return;
                    modelShape.set(shape);
                    modelStatus.set(switch (shape.kind()) {
                        case "prefwork-tiny" -> "The tiny test model: " + shape.describe() + ". It learns the pairs' preference, not language.";
                        case "transformers" -> shape.describe() + "; needs transformers" + ("lora".equals(method.get()) ? " and peft" : "") + ".";
                        default -> shape.describe() + ", estimated from the size of its weight files.";
                    });
                })
                .onFailure(e -> {
                    if (gen != modelGeneration) return;
                    modelStatus.set(e.getMessage());
                }));
    }

    /**
     * "Create a tiny test model": writes the trainer's tiny model into the workspace's models/tiny-dpo (with the
     * interpreter the environment check chose), picks it, and sets the settings that make it learn on a CPU.
     */
    public void createTinyModel() {
        TrainingService s = session.service();
        Path python = session.python();
        if (s == null) return;
        if (python == null) {
            notifier.info("No Python with torch yet", "Check the environment first: the tiny model is made with torch.");
            return;
        }
        Path folder = s.workspace().dir().resolve("models").resolve(TinyModel.FOLDER);
        makingTiny.set(true);
        executor.execute(BackgroundTask.of("Creating the tiny test model", p -> TinyModel.create(python, session.toolsDir(), folder))
                .onSuccess(f -> {
                    modelFolder.set(null);
                    modelFolder.set(f);
                    apply(TrainingConfig.tinyDemo());
                    notifier.success("Tiny test model ready", "Settings set for it: learning rate 5e-3, 8 epochs, "
                            + "max length 256, fp32, logging every step.");
                })
                .onFailure(e -> notifier.error("Creating the tiny test model failed", e))
                .onFinished(() -> makingTiny.set(false)));
    }

    // ---- the environment ----------------------------------------------------------------------------------------

    public void checkEnvironment() {
        session.checkEnvironment();
    }

    private void showEnvironment(EnvironmentCheck.Report r) {
        if (r == null) return;
        interpreters.setAll(r.interpreters());
        advice.setAll(r.advice());
        environmentText.set(r.chosen() == null ? "No Python with torch found (" + r.interpreters().size() + " interpreters asked)."
                : r.chosen().path() + ": " + r.chosen().summary());
        recompute();
    }

    // ---- running ------------------------------------------------------------------------------------------------

    /** Writes the run folder and starts the trainer, in the background; then watches the new run. */
    public void launch() {
        TrainingService s = session.service();
        Path python = session.python();
        PairSource source = pairSource();
        Path model = modelFolder.get();
        if (s == null || source == null || model == null || launching.get()) return;
        if (python == null) {
            notifier.info("No Python with torch", "The environment check found no interpreter with torch; see what to install above.");
            return;
        }
        TrainingService.RunSetup setup = new TrainingService.RunSetup(name.get(), source, model, config());
        launching.set(true);
        executor.execute(BackgroundTask.of("Starting the training run", p -> s.launch(setup, python))
                .onSuccess(r -> {
                    showRun(r);
                    notifier.success("Training started", "Run " + r.id() + ": " + r.name());
                })
                .onFailure(e -> notifier.error("Could not start the training run", e))
                .onFinished(() -> launching.set(false)));
    }

    /** Asks the trainer to stop; it saves a checkpoint (Resume continues from it). */
    public void cancel() {
        TrainingRun r = run.get();
        TrainingService s = session.service();
        if (r == null || s == null || r.status() != RunStatus.RUNNING) return;
        cancelling.set(true);
        executor.execute(BackgroundTask.of("Cancelling run " + r.id(), p -> {
            s.cancel(r.id());
            return null;
        }).quiet().onFailure(e -> notifier.error("Could not cancel the run", e)));
    }

    /** Kills the trainer at once (no new checkpoint). */
    public void forceStop() {
        TrainingRun r = run.get();
        TrainingService s = session.service();
        if (r == null || s == null) return;
        executor.execute(BackgroundTask.of("Stopping run " + r.id(), p -> {
            s.forceStop(r.id());
            return null;
        }).quiet().onFailure(e -> notifier.error("Could not stop the run", e)));
    }

    /** Continues the watched run from its checkpoint. */
    public void resume() {
        TrainingRun r = run.get();
        resume(r == null ? -1 : r.id());
    }

    /** Continues a run from its checkpoint and watches it. */
    public void resume(long id) {
        TrainingService s = session.service();
        Path python = session.python();
        if (s == null || id < 0) return;
        if (python == null) {
            notifier.info("No Python with torch", "Check the environment first.");
            return;
        }
        executor.execute(BackgroundTask.of("Resuming run " + id, p -> {
            TrainingRun resumed = s.resume(id, python);
            return new Loaded(resumed, s.metrics(id), s.logTail(id, LOG_LINES));
        }).onSuccess(this::show).onFailure(e -> notifier.error("Could not resume the run", e)));
    }

    /** Watches run {@code id} (the Runs step's "Watch"): its points so far, then live ones. */
    public void watch(long id) {
        TrainingService s = session.service();
        if (s == null) return;
        executor.execute(BackgroundTask.of("Reading run " + id, p -> new Loaded(s.run(id).orElseThrow(), s.metrics(id),
                s.logTail(id, LOG_LINES))).quiet().onSuccess(this::show)
                .onFailure(e -> notifier.error("Could not read the run", e)));
    }

    private record Loaded(TrainingRun run, List<MetricPoint> points, List<String> log) {
    }

    private void show(Loaded loaded) {
        showRun(loaded.run());
        points.setAll(loaded.points());
        log.setAll(loaded.log().size() > LOG_LINES ? loaded.log().subList(loaded.log().size() - LOG_LINES, loaded.log().size()) : loaded.log());
    }

    private void showRun(TrainingRun r) {
        points.clear();
        log.clear();
        cancelling.set(false);
        run.set(r);
        updateRun(r);
    }

    private void updateRun(TrainingRun r) {
        if (r == null) {
            runText.set("No run yet. Set it up on the left and press Start training.");
            progress.set(0);
            canCancel.set(false);
            canResume.set(false);
            return;
        }
        run.set(r);
        if (r.status() != RunStatus.RUNNING) cancelling.set(false);
        int total = r.totalSteps() == null ? 0 : r.totalSteps();
        progress.set(total > 0 ? Math.min(1.0, (double) r.lastStep() / total) : (r.status() == RunStatus.FINISHED ? 1 : 0));
        canCancel.set(r.status() == RunStatus.RUNNING);
        canResume.set(r.resumable());
        runText.set(describe(r, Instant.now()));
    }

    static String describe(TrainingRun r, Instant now) {
        int total = r.totalSteps() == null ? 0 : r.totalSteps();
        String steps = total > 0 ? String.format(Locale.ROOT, "step %,d of %,d", r.lastStep(), total) : "starting";
        String status = switch (r.status()) {
            case PREPARED -> "prepared, not started";
            case RUNNING -> "running, " + steps;
            case FINISHED -> String.format(Locale.ROOT, "finished, %,d steps", r.lastStep());
            case CANCELLED -> "cancelled at step " + r.lastStep() + (r.resumable() ? ", resumable" : "");
            case FAILED -> "failed" + (r.error() == null ? "" : ": " + firstLine(r.error()));
        };
        return "Run " + r.id() + " · " + r.name() + " · " + status + " · " + duration(r.duration(now));
    }

    static String duration(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%dh %02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60) : s + " s";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private void appendLog(List<String> lines) {
        List<String> all = new ArrayList<>(log);
        all.addAll(lines);
        if (all.size() > LOG_LINES) log.setAll(all.subList(all.size() - LOG_LINES, all.size()));
        else log.addAll(lines);
    }

    /** Whether {@code folder} holds the tiny test model (the view says so). */
    public static boolean isTiny(Path folder) {
        return folder != null && Files.isRegularFile(folder.resolve(TinyModel.CONFIG_FILE));
    }

    /** The workspace the step works on, or null. */
    Workspace workspace() {
        TrainingService s = session.service();
        return s == null ? null : s.workspace();
    }
}
