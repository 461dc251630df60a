package dev.prefwork.app.ui.shell;

import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.common.Icons;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/** The page of a pipeline step that a later release brings: what it will do, in one line. */
final class ComingSoonPage implements Step.StepView {

    private final VBox root;

    ComingSoonPage(Step step) {
        StackPane badgeIcon = new StackPane(Icons.of(step.icon(), "icon-xl"));
        badgeIcon.getStyleClass().add("coming-soon-icon");
        Label title = new Label(step.title());
        title.getStyleClass().add(Styles.TITLE_2);
        Label badge = new Label("Coming in a later release");
        badge.getStyleClass().add("soon-badge");
        Label summary = new Label(step.summary());
        summary.setWrapText(true);
        summary.getStyleClass().add("coming-soon-summary");
        Label hint = new Label("Meanwhile, browse and filter your data under Prompts.");
        hint.getStyleClass().add(Styles.TEXT_MUTED);
        root = new VBox(badgeIcon, title, badge, summary, hint);
        root.setAlignment(Pos.CENTER);
        root.getStyleClass().add("coming-soon");
        root.setId("coming-soon-" + step.id());
    }

    @Override
    public Node node() {
        return root;
    }
}
