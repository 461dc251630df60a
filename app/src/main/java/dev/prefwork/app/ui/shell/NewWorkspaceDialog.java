package dev.prefwork.app.ui.shell;

import atlantafx.base.theme.Styles;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** New workspace…: a name and the folder to make it in; answers the new workspace's folder. */
final class NewWorkspaceDialog {

    private NewWorkspaceDialog() {
    }

    static Optional<Path> show(Window owner, Path defaultParent, String stylesheet) {
        Dialog<Path> dialog = new Dialog<>();
        dialog.initOwner(owner);
        dialog.setTitle("New workspace");
        dialog.setHeaderText("Create a new, empty workspace");
        if (stylesheet != null) dialog.getDialogPane().getStylesheets().add(stylesheet);
        ButtonType create = new ButtonType("Create", ButtonBar.ButtonData.OK_DONE);
        dialog.getDialogPane().getButtonTypes().addAll(create, ButtonType.CANCEL);

        TextField name = new TextField();
        name.setPromptText("e.g. support-answers-q3");
        name.setId("new-workspace-name");
        TextField parent = new TextField(defaultParent.toString());
        HBox.setHgrow(parent, Priority.ALWAYS);
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Where to create the workspace");
            File initial = new File(parent.getText());
            if (initial.isDirectory()) chooser.setInitialDirectory(initial);
            File chosen = chooser.showDialog(dialog.getDialogPane().getScene().getWindow());
            if (chosen != null) parent.setText(chosen.getAbsolutePath());
        });
        HBox parentRow = new HBox(8, parent, browse);
        Label target = new Label();
        target.getStyleClass().add(Styles.TEXT_MUTED);
        target.setWrapText(true);

        StringBinding problem = Bindings.createStringBinding(() -> problem(name.getText(), parent.getText()),
                name.textProperty(), parent.textProperty());
        target.textProperty().bind(Bindings.createStringBinding(() -> {
            String p = problem.get();
            if (p != null) return p;
            return "Will create " + Path.of(parent.getText().strip()).resolve(name.getText().strip());
        }, problem));
        target.pseudoClassStateChanged(Styles.STATE_DANGER, false);
        problem.addListener((o, a, b) -> target.pseudoClassStateChanged(Styles.STATE_DANGER, b != null && !name.getText().isBlank()));

        GridPane grid = new GridPane();
        grid.setHgap(12);
        grid.setVgap(10);
        ColumnConstraints c0 = new ColumnConstraints();
        ColumnConstraints c1 = new ColumnConstraints();
        c1.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().addAll(c0, c1);
        grid.addRow(0, new Label("Name"), name);
        grid.addRow(1, new Label("Create in"), parentRow);
        grid.add(target, 1, 2);
        grid.getStyleClass().add("form-grid");
        dialog.getDialogPane().setContent(grid);

        Node createButton = dialog.getDialogPane().lookupButton(create);
        createButton.disableProperty().bind(problem.isNotNull());
        dialog.setOnShown(e -> name.requestFocus());
        dialog.setResultConverter(bt -> bt == create ? Path.of(parent.getText().strip()).resolve(name.getText().strip()) : null);
        return dialog.showAndWait();
    }

    /** Why these inputs cannot make a workspace, or null when they can. */
    static String problem(String name, String parent) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty()) return "Give the workspace a name.";
        if (n.contains("/") || n.contains("\\") || n.contains(";") || n.equals(".") || n.equals("..")) {
            return "A name may not contain / \\ or ; characters.";
        }
        if (parent == null || parent.isBlank()) return "Choose a folder to create it in.";
        try {
            Path target = Path.of(parent.strip()).resolve(n);
            if (Files.isRegularFile(target)) return target + " is a file.";
            if (Files.isDirectory(target) && !isEmpty(target)) return target + " exists and is not empty.";
        } catch (InvalidPathException e) {
            return "That is not a valid folder name.";
        }
        return null;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
