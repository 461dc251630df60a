package dev.prefwork.app.ui.shell;

import atlantafx.base.controls.Message;
import atlantafx.base.theme.Styles;
import dev.prefwork.app.ui.common.Icons;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.ErrorMessages;
import javafx.animation.FadeTransition;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import javafx.util.Duration;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;

/**
 * Notifications in the workbench: confirmations as toasts in the corner of the window (they fade after a few
 * seconds), errors as a dialog with the message written for the user (file:line:field for bad input) and, for
 * unexpected errors only, the stack trace under "Show details". The same error is not shown twice at once.
 */
public final class FxNotifier implements Notifier {

    static final Duration TOAST_TIME = Duration.seconds(8);

    private Window owner;
    private Pane toastLayer;
    private String stylesheet;
    private final Set<String> showing = new HashSet<>();

    /** Where to show things, once the main window exists. */
    public void attach(Window owner, Pane toastLayer, String stylesheet) {
        this.owner = owner;
        this.toastLayer = toastLayer;
        this.stylesheet = stylesheet;
    }

    @Override
    public void success(String title, String message) {
        toast(title, message, Icons.CHECK, Styles.SUCCESS);
    }

    @Override
    public void info(String title, String message) {
        toast(title, message, Icons.INFO, Styles.ACCENT);
    }

    private void toast(String title, String message, String icon, String style) {
        runOnFx(() -> {
            if (toastLayer == null) {
                System.err.println("prefwork: " + title + ": " + message);
                return;
            }
            Message toast = new Message(title, message, Icons.of(icon));
            toast.getStyleClass().addAll(style, "toast");
            toast.setOnClose(e -> toastLayer.getChildren().remove(toast));
            toastLayer.getChildren().add(toast);
            PauseTransition wait = new PauseTransition(TOAST_TIME);
            wait.setOnFinished(e -> {
                FadeTransition fade = new FadeTransition(Duration.millis(400), toast);
                fade.setToValue(0);
                fade.setOnFinished(f -> toastLayer.getChildren().remove(toast));
                fade.play();
            });
            wait.play();
        });
    }

    @Override
    public void error(String title, Throwable error) {
        String message = ErrorMessages.userMessage(error);
        boolean expected = ErrorMessages.isExpected(error);
        if (!expected) error.printStackTrace();
        runOnFx(() -> {
            String key = title + "\n" + message;
            if (!showing.add(key)) return;
            Alert alert = new Alert(Alert.AlertType.ERROR);
            if (owner != null && owner.isShowing()) alert.initOwner(owner);
            alert.setTitle("Prefwork");
            alert.setHeaderText(title);
            Label text = new Label(message);
            text.setWrapText(true);
            text.getStyleClass().add("error-message");
            VBox content = new VBox(text);
            alert.getDialogPane().setContent(content);
            alert.getDialogPane().getStyleClass().add("error-dialog");
            if (stylesheet != null) alert.getDialogPane().getStylesheets().add(stylesheet);
            if (!expected) {
                StringWriter trace = new StringWriter();
                error.printStackTrace(new PrintWriter(trace));
                TextArea details = new TextArea(trace.toString());
                details.setEditable(false);
                details.getStyleClass().add("error-details");
                VBox.setVgrow(details, Priority.ALWAYS);
                alert.getDialogPane().setExpandableContent(details);
            }
            alert.setResizable(true);
            alert.setOnHidden(e -> showing.remove(key));
            alert.show();
        });
    }

    private static void runOnFx(Runnable r) {
        if (Platform.isFxApplicationThread()) r.run();
        else Platform.runLater(r);
    }
}
