package dev.prefwork.app.ui.compare;

import atlantafx.base.controls.Spacer;
import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.common.Fmt;
import dev.prefwork.app.ui.common.Icons;
import dev.prefwork.app.ui.compare.PromptBundle.CandidateView;
import dev.prefwork.app.ui.markdown.MarkdownPane;
import dev.prefwork.app.ui.markdown.TextSelection;
import dev.prefwork.core.Preference;
import dev.prefwork.core.Verdict;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One candidate in the Compare view: a header with its number and the expert's marks (best and worst colour the whole
 * header, GOOD/BAD, rating and preferences are chips), its length and (when revealed) its model, the badge slot, the
 * response in a scroll pane of its own, and the judgment buttons. Every button is also a key (see the shortcuts
 * overlay); none of them takes the keyboard focus, so the keys keep working after a click.
 */
final class CandidateCard extends VBox {

    static final PseudoClass FOCUSED = PseudoClass.getPseudoClass("current");
    static final PseudoClass BEST = PseudoClass.getPseudoClass("best");
    static final PseudoClass WORST = PseudoClass.getPseudoClass("worst");
    static final PseudoClass GOOD = PseudoClass.getPseudoClass("good");
    static final PseudoClass BAD = PseudoClass.getPseudoClass("bad");

    private final CompareViewModel vm;
    private int index;
    private CandidateView candidate;

    private final Label number = new Label();
    private final Label headline = new Label();
    private final Label verdict = new Label();
    /** Preference chips and badges: a row of its own, shown when there are any. */
    private final FlowPane marks = new FlowPane();
    private final Label length = new Label();
    private final Label model = new Label();
    private final FlowPane badges = new FlowPane();
    private final MarkdownPane body = new MarkdownPane();
    private final ScrollPane scroll = new ScrollPane(body);
    private final TextSelection selection = new TextSelection(body);
    private final ToggleButton good = toggle("Good", Icons.CHECK, "card-good");
    private final ToggleButton bad = toggle("Bad", Icons.CLOSE, "card-bad");
    private final ToggleButton best = toggle("Best", Icons.STAR, "card-best");
    private final ToggleButton worst = toggle("Worst", Icons.ARROW_DOWN, "card-worst");
    private final ToggleButton[] stars = new ToggleButton[5];
    private final MenuButton prefer = new MenuButton("Prefer\u2026");
    private boolean showingRaw;

    CandidateCard(CompareViewModel vm) {
        this.vm = vm;
        getStyleClass().add("candidate-card");
        setFillWidth(true);
        setMinWidth(0);

        number.getStyleClass().add("card-number");
        number.setMinWidth(Region.USE_PREF_SIZE);
        headline.getStyleClass().add("card-headline");
        headline.setMinWidth(Region.USE_PREF_SIZE);
        headline.managedProperty().bind(headline.visibleProperty());
        verdict.getStyleClass().add("mark-chip");
        verdict.setMinWidth(Region.USE_PREF_SIZE);
        verdict.managedProperty().bind(verdict.visibleProperty());
        HBox header = new HBox(number, headline, new Spacer(), verdict);
        header.setAlignment(Pos.CENTER_LEFT);
        header.getStyleClass().add("card-header");
        marks.getStyleClass().add("card-marks");
        marks.setHgap(4);
        marks.setVgap(3);
        marks.setMinWidth(0);
        marks.managedProperty().bind(marks.visibleProperty());

        length.getStyleClass().add("card-length");
        length.setMinWidth(Region.USE_PREF_SIZE);
        model.getStyleClass().add("card-model");
        model.setMinWidth(0);
        model.setTextOverrun(javafx.scene.control.OverrunStyle.ELLIPSIS);
        HBox meta = new HBox(8, length, new Spacer(), model);
        meta.setAlignment(Pos.CENTER_LEFT);
        meta.getStyleClass().add("card-meta");

        badges.getStyleClass().add("card-badges");
        badges.setHgap(4);
        badges.setVgap(4);
        badges.managedProperty().bind(badges.visibleProperty());
        badges.setMinWidth(0);

        scroll.getStyleClass().add("card-body");
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.setVbarPolicy(ScrollPane.ScrollBarPolicy.AS_NEEDED);
        scroll.setFocusTraversable(false);
        scroll.setMinHeight(0);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        body.setMinWidth(0);
        MenuItem makeLf = new MenuItem();
        makeLf.setId("make-lf-from-selection");
        makeLf.setOnAction(e -> vm.makeLfFrom(selection.selected()));
        MenuItem copy = new MenuItem("Copy");
        copy.setOnAction(e -> copySelection());
        ContextMenu menu = new ContextMenu(makeLf, copy);
        menu.setOnShowing(e -> {
            String sel = selection.selected();
            makeLf.setText(sel.isEmpty() ? "Make an LF from selected text (drag across a phrase first)"
                    : "Make an LF from \u201c" + abbreviate(sel, 40) + "\u201d");
            makeLf.setDisable(sel.isEmpty());
            copy.setDisable(sel.isEmpty());
        });
        scroll.setContextMenu(menu);

        good.setOnAction(e -> vm.toggleLabel(index, Verdict.GOOD));
        bad.setOnAction(e -> vm.toggleLabel(index, Verdict.BAD));
        best.setOnAction(e -> vm.toggleBest(index));
        worst.setOnAction(e -> vm.toggleWorst(index));
        HBox verdictRow = row(good, bad);
        HBox pickRow = row(best, worst);

        HBox starBox = new HBox();
        starBox.getStyleClass().add("card-stars");
        for (int i = 0; i < 5; i++) {
            int r = i + 1;
            ToggleButton s = new ToggleButton(String.valueOf(r));
            s.getStyleClass().addAll("card-star", Styles.SMALL);
            s.setFocusTraversable(false);
            s.setMinWidth(Region.USE_PREF_SIZE);
            s.setOnAction(e -> vm.rate(index, r));
            stars[i] = s;
            starBox.getChildren().add(s);
        }
        prefer.getStyleClass().addAll("card-prefer", Styles.SMALL, Styles.FLAT, "no-arrow");
        prefer.setFocusTraversable(false);
        prefer.setMinWidth(Region.USE_PREF_SIZE);
        prefer.setOnShowing(e -> fillPreferMenu());
        prefer.getItems().add(new MenuItem("…"));
        HBox rateRow = new HBox(4, starBox, new Spacer(), prefer);
        rateRow.setAlignment(Pos.CENTER_LEFT);
        rateRow.getStyleClass().add("card-rate-row");

        VBox footer = new VBox(verdictRow, pickRow, rateRow);
        footer.getStyleClass().add("card-footer");

        lazyTip(length, () -> candidate == null ? null : Fmt.count(candidate.chars(), "character") + ", " + Fmt.count(candidate.words(), "word"));
        lazyTip(good, () -> "GOOD: this response is acceptable (g on the focused candidate)");
        lazyTip(bad, () -> "BAD: this response is not acceptable (b on the focused candidate)");
        lazyTip(best, () -> "The best response of the prompt (" + (index + 1) + ")");
        lazyTip(worst, () -> "The worst response of the prompt (Shift+" + (index + 1) + ")");
        lazyTip(prefer, () -> "Prefer this response over another one (p, then the other's number)");
        for (int i = 0; i < 5; i++) {
            int r = i + 1;
            lazyTip(stars[i], () -> "Rate " + r + " of 5 (r, then " + r + "; again clears)");
        }

        VBox top = new VBox(header, meta, marks, badges);
        top.getStyleClass().add("card-top");
        getChildren().setAll(top, scroll, footer);
    }

    private static HBox row(ToggleButton a, ToggleButton b) {
        HBox.setHgrow(a, Priority.ALWAYS);
        HBox.setHgrow(b, Priority.ALWAYS);
        a.setMaxWidth(Double.MAX_VALUE);
        b.setMaxWidth(Double.MAX_VALUE);
        HBox row = new HBox(a, b);
        row.getStyleClass().add("card-button-row");
        return row;
    }

    private static ToggleButton toggle(String text, String icon, String styleClass) {
        ToggleButton b = new ToggleButton(text, Icons.of(icon, "icon-sm"));
        b.getStyleClass().addAll(styleClass, Styles.SMALL, "card-toggle");
        b.setFocusTraversable(false);
        b.setMinWidth(0);
        b.setContentDisplay(ContentDisplay.LEFT);
        return b;
    }

    ScrollPane scrollPane() {
        return scroll;
    }

    /** The text the expert selected in this candidate ("" when none). */
    TextSelection selection() {
        return selection;
    }

    void copySelection() {
        if (selection.selected().isEmpty()) return;
        javafx.scene.input.ClipboardContent c = new javafx.scene.input.ClipboardContent();
        c.putString(selection.selected());
        javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
    }

    private static String abbreviate(String s, int max) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= max ? one : one.substring(0, max - 1) + "\u2026";
    }

    MarkdownPane body() {
        return body;
    }

    int index() {
        return index;
    }

    /** Shows a candidate (a new prompt): its text is rendered again, the scroll goes back to the top. */
    void show(int index, CandidateView c, boolean raw, boolean revealModel) {
        this.index = index;
        this.candidate = c;
        int n = index + 1;
        setId("candidate-" + n);
        number.setText(String.valueOf(n));
        length.setText(Fmt.count(c.chars(), "char") + " \u00b7 " + Fmt.count(c.words(), "word"));
        updateModel(revealModel);
        badges.getChildren().clear();
        for (Badge b : c.badges()) badges.getChildren().add(badge(b));
        badges.setVisible(!c.badges().isEmpty());
        showingRaw = raw;
        selection.clear();
        body.setDocument(raw ? c.raw() : c.markdown());
        scroll.setVvalue(0);
    }

    void setRaw(boolean raw) {
        if (candidate == null || raw == showingRaw) return;
        showingRaw = raw;
        selection.clear();
        body.setDocument(raw ? candidate.raw() : candidate.markdown());
    }

    void updateModel(boolean reveal) {
        if (candidate == null) return;
        boolean known = candidate.model() != null && !candidate.model().isBlank();
        model.setText(reveal ? (known ? candidate.model() : "model unknown") : "model hidden");
        model.pseudoClassStateChanged(PseudoClass.getPseudoClass("hidden-model"), !reveal);
    }

    void setFocusedCard(boolean focused) {
        pseudoClassStateChanged(FOCUSED, focused);
    }

    /** Shows the expert's marks for this candidate. */
    void updateMarks(Judgments j, PromptBundle bundle) {
        if (candidate == null) return;
        long id = candidate.id();
        boolean isBest = j.isBest(id);
        boolean isWorst = j.isWorst(id);
        Verdict label = j.label(id);
        Integer rating = j.rating(id);
        pseudoClassStateChanged(BEST, isBest);
        pseudoClassStateChanged(WORST, isWorst);
        pseudoClassStateChanged(GOOD, label == Verdict.GOOD);
        pseudoClassStateChanged(BAD, label == Verdict.BAD);
        headline.setText(isBest ? "BEST" : isWorst ? "WORST" : "");
        headline.setGraphic(isBest ? Icons.of(Icons.STAR, "icon-sm") : isWorst ? Icons.of(Icons.ARROW_DOWN, "icon-sm") : null);
        headline.setVisible(isBest || isWorst);
        verdict.setVisible(label != null);
        if (label != null) {
            verdict.setText(label == Verdict.GOOD ? "GOOD" : "BAD");
            verdict.setGraphic(Icons.of(label == Verdict.GOOD ? Icons.CHECK : Icons.CLOSE, "icon-sm"));
            verdict.getStyleClass().removeAll("chip-good", "chip-bad");
            verdict.getStyleClass().add(label == Verdict.GOOD ? "chip-good" : "chip-bad");
        }
        marks.getChildren().clear();
        for (Preference p : j.preferences()) {
            if (p.preferred() == id) {
                int other = bundle.indexOf(p.other());
                if (other >= 0) marks.getChildren().add(chip("\u227b " + (other + 1), "chip-prefer", null));
            } else if (p.other() == id) {
                int other = bundle.indexOf(p.preferred());
                if (other >= 0) marks.getChildren().add(chip("\u227a " + (other + 1), "chip-lose", null));
            }
        }
        marks.setVisible(!marks.getChildren().isEmpty());
        good.setSelected(label == Verdict.GOOD);
        bad.setSelected(label == Verdict.BAD);
        best.setSelected(isBest);
        worst.setSelected(isWorst);
        for (int i = 0; i < 5; i++) stars[i].setSelected(rating != null && rating == i + 1);
        StringBuilder a = new StringBuilder("Candidate ").append(index + 1);
        if (isBest) a.append(", best");
        if (isWorst) a.append(", worst");
        if (label != null) a.append(", ").append(label.name().toLowerCase(Locale.ROOT));
        if (rating != null) a.append(", rated ").append(rating);
        setAccessibleText(a.toString());
    }

    private static Label chip(String text, String styleClass, String icon) {
        Label l = new Label(text);
        if (icon != null) l.setGraphic(Icons.of(icon, "icon-sm"));
        l.getStyleClass().addAll("mark-chip", styleClass);
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private static Label badge(Badge b) {
        Label l = new Label(b.text());
        l.getStyleClass().addAll("candidate-badge", "badge-" + b.tone().name().toLowerCase(Locale.ROOT), "badge-" + b.source());
        if (b.tooltip() != null) lazyTip(l, b::tooltip);
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    static final String TIP_KEY = CandidateCard.class.getName() + ".tip";

    /**
     * Gives {@code node} its tooltip when the pointer first enters it (and refreshes its text on every entry). A
     * Tooltip is a popup window with its own scene and CSS pass: building the dozen a card has on every prompt
     * was most of the time a switch to the next prompt took.
     */
    static void lazyTip(Node node, Supplier<String> text) {
        node.addEventHandler(MouseEvent.MOUSE_ENTERED, e -> {
            String t = text.get();
            if (t == null) return;
            Tooltip tip = (Tooltip) node.getProperties().get(TIP_KEY);
            if (tip == null) {
                tip = tip(t);
                node.getProperties().put(TIP_KEY, tip);
                Tooltip.install(node, tip);
            } else {
                tip.setText(t);
            }
        });
    }

    private static Tooltip tip(String text) {
        Tooltip t = new Tooltip(text);
        t.setShowDelay(Duration.millis(400));
        t.setWrapText(true);
        t.getStyleClass().add("wide-tooltip");
        return t;
    }

    private void fillPreferMenu() {
        PromptBundle bundle = vm.currentProperty().get();
        if (bundle == null || candidate == null) return;
        Judgments j = vm.judgmentsProperty().get();
        List<CandidateView> all = bundle.candidates();
        prefer.getItems().clear();
        for (int i = 0; i < all.size(); i++) {
            if (i == index) continue;
            int other = i;
            Long pref = j.preferred(candidate.id(), all.get(i).id());
            String state = pref == null ? "" : pref == candidate.id() ? "  \u2713" : "  (" + (i + 1) + " is preferred now)";
            MenuItem item = new MenuItem("Better than " + (i + 1) + state);
            item.setOnAction(e -> vm.prefer(index, other));
            prefer.getItems().add(item);
        }
        boolean any = false;
        for (int i = 0; i < all.size(); i++) {
            if (i != index && j.preferred(candidate.id(), all.get(i).id()) != null) any = true;
        }
        if (any) {
            prefer.getItems().add(new SeparatorMenuItem());
            MenuItem clear = new MenuItem("Clear this candidate's preferences");
            clear.setOnAction(e -> {
                for (int i = 0; i < all.size(); i++) if (i != index) vm.clearPreference(index, i);
            });
            prefer.getItems().add(clear);
        }
    }
}
