package dev.prefwork.app.ui.lfstudio;

import atlantafx.base.theme.Styles;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.LfSpec;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.util.List;

/**
 * The window where the expert writes a comparative LF or a model-judge LF without code: a kind chooser, the
 * template picker of the LF builder for the condition, the question template with insert buttons, the server,
 * the answer type and threshold; "Preview on 20", "Estimate" and "Apply to workspace" run in the background.
 */
final class PairJudgeLfDialog {

    private static Stage open;

    private PairJudgeLfDialog() {
    }

    /** Shows the window (one at a time; a second click brings it to the front). */
    static void show(PairJudgeLfViewModel vm, Window owner) {
        if (open != null && open.isShowing()) {
            open.toFront();
            return;
        }
        Stage stage = new Stage();
        stage.initOwner(owner);
        stage.setTitle("Comparative or model-judge LF");
        Scene scene = new Scene(build(vm), 980, Math.min(860, owner == null ? 860 : owner.getHeight() - 40));
        if (owner != null && owner.getScene() != null) scene.getStylesheets().setAll(owner.getScene().getStylesheets());
        stage.setScene(scene);
        open = stage;
        stage.show();
    }

    static ScrollPane build(PairJudgeLfViewModel vm) {
        GridPane head = grid();
        ChoiceBox<PairJudgeLfViewModel.Mode> mode = new ChoiceBox<>();
        mode.setId("pj-mode");
        mode.getItems().setAll(PairJudgeLfViewModel.Mode.values());
        mode.valueProperty().bindBidirectional(vm.modeProperty());
        TextField name = new TextField();
        name.setId("pj-name");
        name.setPromptText("e.g. Prefers the answer over the refusal");
        name.textProperty().bindBidirectional(vm.nameProperty());
        ComboBox<String> aspect = new ComboBox<>();
        aspect.setId("pj-aspect");
        aspect.setEditable(true);
        aspect.getItems().setAll(LfSpec.BUILT_IN_ASPECTS);
        aspect.valueProperty().bindBidirectional(vm.aspectProperty());
        TextArea scope = new TextArea();
        scope.setId("pj-scope");
        scope.setPrefRowCount(1);
        scope.setPromptText("Optional: only prompts containing one of these words (one per line), e.g. json");
        scope.textProperty().bindBidirectional(vm.scopeKeywordsProperty());
        row(head, 0, "Kind", mode);
        row(head, 1, "Name", name);
        row(head, 2, "Aspect", aspect);
        row(head, 3, "Prompts", scope);

        // vote: its words depend on the kind
        ToggleGroup voteGroup = new ToggleGroup();
        ToggleButton good = new ToggleButton();
        good.setId("pj-vote-good");
        ToggleButton bad = new ToggleButton();
        bad.setId("pj-vote-bad");
        good.setToggleGroup(voteGroup);
        bad.setToggleGroup(voteGroup);
        good.setSelected(vm.voteProperty().get() == Verdict.GOOD);
        bad.setSelected(vm.voteProperty().get() == Verdict.BAD);
        voteGroup.selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) a.setSelected(true); // one is always chosen
            else vm.voteProperty().set(b == good ? Verdict.GOOD : Verdict.BAD);
        });
        good.getStyleClass().add(Styles.LEFT_PILL);
        bad.getStyleClass().add(Styles.RIGHT_PILL);
        HBox vote = new HBox(good, bad);

        // comparative by a condition: the builder's templates
        VBox conditionBox = new VBox(8);
        ChoiceBox<ConditionNode.Template> templ = new ChoiceBox<>();
        templ.setId("pj-template-type");
        templ.getItems().setAll(ConditionNode.TEMPLATES.stream().filter(t -> !t.type().equals("category")).toList());
        templ.setValue(ConditionNode.template(vm.conditionProperty().get().type()));
        VBox fields = new VBox(6);
        Runnable showFields = () -> fields.getChildren().setAll(fieldEditors(vm.conditionProperty().get()));
        templ.valueProperty().addListener((o, a, b) -> {
            if (b == null) return;
            vm.conditionProperty().set(new ConditionNode(b.type()));
            showFields.run();
        });
        showFields.run();
        Label condHelp = muted("Prefer the candidate that matches this over another candidate of the same prompt that does not "
                + "(or the other way round); when both or neither match, the LF abstains.");
        conditionBox.getChildren().addAll(condHelp, labelled("Condition", templ), fields);

        // comparative by length
        GridPane lengthBox = grid();
        ChoiceBox<String> unit = new ChoiceBox<>();
        unit.getItems().setAll("words", "chars");
        unit.valueProperty().bindBidirectional(vm.ratioUnitProperty());
        TextField ratio = new TextField();
        ratio.setId("pj-ratio");
        ratio.textProperty().bindBidirectional(vm.ratioMinProperty());
        row(lengthBox, 0, "Unit", unit);
        row(lengthBox, 1, "At least × as long", ratio);

        // judge
        GridPane judgeBox = grid();
        TextField url = new TextField();
        url.setId("pj-url");
        url.textProperty().bindBidirectional(vm.baseUrlProperty());
        Button fromGenerate = new Button("Use the Generate server");
        fromGenerate.setId("pj-use-generate");
        fromGenerate.setOnAction(e -> vm.useGenerateServer());
        HBox urlRow = new HBox(8, url, fromGenerate);
        HBox.setHgrow(url, Priority.ALWAYS);
        TextField model = new TextField();
        model.setId("pj-model");
        model.setPromptText("the model name the server knows");
        model.textProperty().bindBidirectional(vm.modelProperty());
        TextField keyEnv = new TextField();
        keyEnv.setId("pj-key-env");
        keyEnv.setPromptText("environment variable holding the key");
        keyEnv.textProperty().bindBidirectional(vm.apiKeyEnvProperty());
        PasswordField key = new PasswordField();
        key.setId("pj-key");
        key.setPromptText("or a key for this session only");
        key.textProperty().bindBidirectional(vm.apiKeyProperty());
        HBox keys = new HBox(8, keyEnv, key);
        HBox.setHgrow(keyEnv, Priority.ALWAYS);
        HBox.setHgrow(key, Priority.ALWAYS);
        TextArea template = new TextArea();
        template.setId("pj-question");
        template.setPrefRowCount(5);
        template.setWrapText(true);
        template.textProperty().bindBidirectional(vm.templateProperty());
        HBox inserts = new HBox(6);
        for (String ph : List.of("{prompt}", "{response}", "{response_a}", "{response_b}")) {
            Button b = new Button("Insert " + ph);
            b.setMnemonicParsing(false); // "_" in {response_a} is not a shortcut
            b.setId("pj-insert-" + ph.substring(1, ph.length() - 1));
            b.getStyleClass().add(Styles.SMALL);
            b.setOnAction(e -> {
                template.insertText(template.getCaretPosition(), ph);
                template.requestFocus();
            });
            inserts.getChildren().add(b);
        }
        ChoiceBox<LfSpec.Answer> answer = new ChoiceBox<>();
        answer.setId("pj-answer");
        answer.getItems().setAll(LfSpec.Answer.values());
        answer.setConverter(new javafx.util.StringConverter<>() {
            @Override public String toString(LfSpec.Answer a) {
                return a == null ? "" : switch (a) {
                    case YES_NO -> "yes / no";
                    case SCORE -> "a score from 1 to 10";
                    case AB -> "A or B (two responses, asked in both orders)";
                };
            }
            @Override public LfSpec.Answer fromString(String s) { return null; }
        });
        answer.valueProperty().bindBidirectional(vm.answerProperty());
        TextField min = new TextField();
        min.setId("pj-min");
        min.setPrefColumnCount(5);
        min.textProperty().bindBidirectional(vm.minProperty());
        TextField max = new TextField();
        max.setId("pj-max");
        max.setPrefColumnCount(5);
        max.textProperty().bindBidirectional(vm.maxProperty());
        Label thresholdHelp = muted("");
        HBox threshold = new HBox(8, new Label("at least"), min, new Label("at most"), max, thresholdHelp);
        threshold.setAlignment(Pos.CENTER_LEFT);
        threshold.visibleProperty().bind(vm.answerProperty().isNotEqualTo(LfSpec.Answer.AB));
        threshold.managedProperty().bind(threshold.visibleProperty());
        row(judgeBox, 0, "Server", urlRow);
        row(judgeBox, 1, "Model", model);
        row(judgeBox, 2, "API key", keys);
        row(judgeBox, 3, "Question", new VBox(6, template, inserts));
        row(judgeBox, 4, "Answer", answer);
        row(judgeBox, 5, "Vote when", threshold);

        GridPane voteGrid = grid();
        row(voteGrid, 0, "Vote", vote);

        Runnable kindChanged = () -> {
            PairJudgeLfViewModel.Mode m = vm.modeProperty().get();
            conditionBox.setVisible(m == PairJudgeLfViewModel.Mode.COMPARE_CONDITION);
            lengthBox.setVisible(m == PairJudgeLfViewModel.Mode.COMPARE_LENGTH);
            judgeBox.setVisible(m == PairJudgeLfViewModel.Mode.JUDGE);
            boolean ab = vm.answerProperty().get() == LfSpec.Answer.AB;
            switch (m) {
                case COMPARE_CONDITION -> {
                    good.setText("Prefer the one that matches");
                    bad.setText("Prefer the one that does not");
                }
                case COMPARE_LENGTH -> {
                    good.setText("Prefer the shorter");
                    bad.setText("Prefer the longer");
                }
                case JUDGE -> {
                    good.setText(ab ? "Prefer the one the model picks" : "GOOD");
                    bad.setText(ab ? "Prefer the other one" : "BAD");
                }
            }
            thresholdHelp.setText(vm.answerProperty().get() == LfSpec.Answer.YES_NO ? "(1 = yes, 0 = no)" : "(1–10)");
        };
        for (Node n : List.of(conditionBox, lengthBox, judgeBox)) n.managedProperty().bind(n.visibleProperty());
        vm.modeProperty().addListener((o, a, b) -> kindChanged.run());
        vm.answerProperty().addListener((o, a, b) -> kindChanged.run());
        kindChanged.run();

        // actions and results
        Button preview = new Button("Preview on 20");
        preview.setId("pj-preview");
        preview.setTooltip(new Tooltip("Comparative: the pairs it votes on. Judge: ask the model about 20 candidates and show its answers."));
        preview.setOnAction(e -> vm.preview());
        Button estimate = new Button("Estimate");
        estimate.setId("pj-estimate");
        estimate.setOnAction(e -> vm.estimate());
        estimate.visibleProperty().bind(vm.modeProperty().isEqualTo(PairJudgeLfViewModel.Mode.JUDGE));
        estimate.managedProperty().bind(estimate.visibleProperty());
        Button apply = new Button("Apply to workspace");
        apply.setId("pj-apply");
        apply.getStyleClass().add(Styles.ACCENT);
        apply.setOnAction(e -> vm.applyToWorkspace());
        Button cancel = new Button("Cancel");
        cancel.setId("pj-cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.busyProperty().not());
        for (Button b : List.of(preview, estimate, apply)) b.disableProperty().bind(vm.busyProperty());
        HBox actions = new HBox(8, preview, estimate, apply, cancel);
        actions.setAlignment(Pos.CENTER_LEFT);

        Label errors = new Label();
        errors.setId("pj-errors");
        errors.getStyleClass().add("field-error");
        errors.setWrapText(true);
        errors.textProperty().bind(Bindings.createStringBinding(() -> String.join("\n", vm.errors()), vm.errors()));
        errors.visibleProperty().bind(Bindings.isNotEmpty(vm.errors()));
        errors.managedProperty().bind(errors.visibleProperty());
        Label status = new Label();
        status.setId("pj-status");
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());
        Label est = new Label();
        est.setId("pj-estimate-text");
        est.setWrapText(true);
        est.getStyleClass().add(Styles.TEXT_MUTED);
        est.textProperty().bind(vm.estimateProperty());
        ListView<String> results = new ListView<>(vm.previewLines());
        results.setId("pj-preview-list");
        results.setPrefHeight(230);
        results.setPlaceholder(muted("Preview to see what the LF does before applying it."));
        vm.previewLines().addListener((ListChangeListener<String>) c -> results.scrollTo(0));

        Label title = new Label("A comparative or model-judge LF");
        title.getStyleClass().add(Styles.TITLE_3);
        VBox form = new VBox(14, title, head, conditionBox, lengthBox, judgeBox, voteGrid, actions, errors, status, est, results);
        form.setPadding(new Insets(18));
        VBox.setVgrow(results, Priority.ALWAYS);
        ScrollPane scroll = new ScrollPane(form);
        scroll.setFitToWidth(true);
        scroll.setId("pj-form");
        return scroll;
    }

    /** One editor per field of a condition template, writing into the node (as the builder does). */
    private static List<Node> fieldEditors(ConditionNode node) {
        ConditionNode.Template t = ConditionNode.template(node.type());
        if (t == null) return List.of();
        GridPane g = grid();
        int r = 0;
        for (ConditionNode.Field f : t.fields()) {
            Node editor;
            String value = node.get(f.key());
            switch (f.kind()) {
                case LINES -> {
                    TextArea a = new TextArea(value);
                    a.setPrefRowCount(3);
                    a.setId("pj-when-" + f.key());
                    a.textProperty().addListener((o, x, y) -> node.set(f.key(), y));
                    editor = a;
                }
                case BOOLEAN -> {
                    CheckBox c = new CheckBox();
                    c.setSelected(Boolean.parseBoolean(value));
                    c.setId("pj-when-" + f.key());
                    c.selectedProperty().addListener((o, x, y) -> node.set(f.key(), Boolean.toString(y)));
                    editor = c;
                }
                case CHOICE -> {
                    ChoiceBox<String> c = new ChoiceBox<>();
                    c.getItems().setAll(f.choices());
                    c.setValue(value);
                    c.setId("pj-when-" + f.key());
                    c.valueProperty().addListener((o, x, y) -> node.set(f.key(), y));
                    editor = c;
                }
                default -> {
                    TextField tf = new TextField(value);
                    tf.setId("pj-when-" + f.key());
                    tf.textProperty().addListener((o, x, y) -> node.set(f.key(), y));
                    editor = tf;
                }
            }
            row(g, r++, f.label(), editor);
        }
        return List.of(g);
    }

    private static GridPane grid() {
        GridPane g = new GridPane();
        g.setHgap(12);
        g.setVgap(8);
        ColumnConstraints label = new ColumnConstraints(150);
        ColumnConstraints field = new ColumnConstraints();
        field.setHgrow(Priority.ALWAYS);
        field.setFillWidth(true);
        g.getColumnConstraints().setAll(label, field);
        return g;
    }

    private static void row(GridPane g, int r, String label, Node field) {
        Label l = new Label(label);
        l.getStyleClass().add(Styles.TEXT_MUTED);
        g.add(l, 0, r);
        g.add(field, 1, r);
    }

    private static HBox labelled(String label, Node field) {
        Label l = new Label(label);
        l.setMinWidth(150);
        l.getStyleClass().add(Styles.TEXT_MUTED);
        HBox h = new HBox(12, l, field);
        h.setAlignment(Pos.CENTER_LEFT);
        return h;
    }

    private static Label muted(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.getStyleClass().add(Styles.TEXT_MUTED);
        return l;
    }
}
