package dev.prefwork.app.ui.shell;

import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.common.Em;
import dev.prefwork.app.ui.common.Icons;
import dev.prefwork.app.ui.task.TaskMonitor;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PopOver;
import org.controlsfx.control.TaskProgressView;

/**
 * The status bar's end: a busy spinner and a button naming the running task; the button opens the task list
 * (ControlsFX TaskProgressView: title, message with ETA, progress bar, cancel button per task).
 */
final class TaskStatusView extends HBox {

    private final TaskProgressView<Task<?>> taskView = new TaskProgressView<>();
    private final Button button = new Button();
    private PopOver popOver;

    TaskStatusView(TaskMonitor monitor) {
        getStyleClass().add("task-status");
        setAlignment(Pos.CENTER_RIGHT);
        setSpacing(6);

        ProgressIndicator busy = new ProgressIndicator(-1);
        busy.getStyleClass().add("busy-indicator");
        busy.visibleProperty().bind(monitor.activeProperty().greaterThan(0));
        busy.managedProperty().bind(busy.visibleProperty());

        button.setGraphic(Icons.of(Icons.TASKS));
        button.getStyleClass().addAll(Styles.FLAT, Styles.SMALL, "task-button");
        button.setId("task-button");
        button.textProperty().bind(Bindings.createStringBinding(() -> {
            int n = monitor.tasks().size();
            Task<?> current = monitor.currentProperty().get();
            if (n == 0 || current == null) return "No tasks running";
            return current.getTitle() + (n > 1 ? "  (+" + (n - 1) + " more)" : "");
        }, monitor.tasks(), monitor.currentProperty()));
        button.setTooltip(new Tooltip("Background tasks: progress, time left, cancel"));
        button.setOnAction(e -> toggle());

        // Mirror the monitor's list (TaskProgressView removes finished tasks itself; removal here is by object).
        monitor.tasks().forEach(taskView.getTasks()::add);
        monitor.tasks().addListener((ListChangeListener<Task<?>>) c -> {
            while (c.next()) {
                c.getRemoved().forEach(taskView.getTasks()::remove);
                c.getAddedSubList().forEach(t -> {
                    if (!taskView.getTasks().contains(t)) taskView.getTasks().add(t);
                });
            }
        });
        getChildren().addAll(busy, button);
    }

    private void toggle() {
        if (popOver != null && popOver.isShowing()) {
            popOver.hide();
            return;
        }
        if (popOver == null) {
            Label title = new Label("Background tasks");
            title.getStyleClass().add(Styles.TEXT_BOLD);
            Label empty = new Label("Nothing is running. Imports and other long jobs show here with their progress.");
            empty.setWrapText(true);
            empty.getStyleClass().add(Styles.TEXT_MUTED);
            empty.visibleProperty().bind(Bindings.isEmpty(taskView.getTasks()));
            empty.managedProperty().bind(empty.visibleProperty());
            taskView.visibleProperty().bind(empty.visibleProperty().not());
            taskView.managedProperty().bind(taskView.visibleProperty());
            taskView.getStyleClass().add("task-list");
            StackPane body = new StackPane(taskView, empty);
            body.getStyleClass().add("task-popover-body");
            VBox box = new VBox(title, body);
            box.getStyleClass().add("task-popover");
            // a popup does not inherit the window's root font size: carry it over so em sizes match
            box.setStyle("-fx-font-size: " + Em.base() + "px;");
            popOver = new PopOver(box);
            popOver.setArrowLocation(PopOver.ArrowLocation.BOTTOM_RIGHT);
            popOver.setDetachable(false);
            popOver.setAnimated(false);
        }
        popOver.show(button);
    }

    TaskProgressView<Task<?>> taskView() {
        return taskView;
    }
}
