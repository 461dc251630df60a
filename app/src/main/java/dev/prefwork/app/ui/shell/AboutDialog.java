package dev.prefwork.app.ui.shell;

import atlantafx.base.theme.Styles;
import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.io.InputStream;
import java.util.List;

/** Help ▸ About: name, version, runtime versions, the open workspace and the third-party licences. */
final class AboutDialog {

    /** Component, licence. */
    static final List<String[]> LICENCES = List.of(
            new String[]{"OpenJFX (JavaFX)", "GPL v2 with the Classpath Exception"},
            new String[]{"ControlsFX", "BSD 3-Clause"},
            new String[]{"AtlantaFX", "MIT"},
            new String[]{"H2 Database", "MPL 2.0 or EPL 1.0"},
            new String[]{"Flyway", "Apache 2.0"},
            new String[]{"Jackson", "Apache 2.0"},
            new String[]{"picocli", "Apache 2.0"},
            new String[]{"Apache Commons CSV", "Apache 2.0"},
            new String[]{"Deep Java Library (DJL)", "Apache 2.0"},
            new String[]{"ONNX Runtime", "MIT"},
            new String[]{"SLF4J", "MIT"});

    private AboutDialog() {
    }

    static String version() {
        String v = AboutDialog.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }

    static void show(Window owner, String workspacePath, String stylesheet) {
        Dialog<Void> dialog = new Dialog<>();
        dialog.initOwner(owner);
        dialog.setTitle("About Prefwork");
        dialog.getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
        dialog.getDialogPane().getStyleClass().add("about-dialog");
        if (stylesheet != null) dialog.getDialogPane().getStylesheets().add(stylesheet);

        Label name = new Label("Prefwork");
        name.getStyleClass().add(Styles.TITLE_2);
        Label version = new Label("Version " + version());
        version.getStyleClass().add(Styles.TEXT_MUTED);
        version.setId("about-version");
        Label tagline = new Label("The preference workbench: turn an expert's judgment into preference data for DPO.");
        tagline.setWrapText(true);
        VBox titles = new VBox(name, version, tagline);
        titles.setSpacing(2);
        HBox.setHgrow(titles, Priority.ALWAYS);
        HBox header = new HBox(titles);
        header.setSpacing(16);
        Image logo = loadLogo();
        if (logo != null) {
            ImageView iv = new ImageView(logo);
            iv.setFitWidth(64);
            iv.setFitHeight(64);
            iv.setPreserveRatio(true);
            iv.setSmooth(true);
            header.getChildren().add(0, iv);
        }

        GridPane facts = grid();
        addRow(facts, 0, "Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor", "") + ")");
        addRow(facts, 1, "JavaFX", System.getProperty("javafx.runtime.version", "unknown"));
        addRow(facts, 2, "Workspace", workspacePath == null || workspacePath.isBlank() ? "none open" : workspacePath);

        Label libsTitle = new Label("Third-party software");
        libsTitle.getStyleClass().add(Styles.TEXT_BOLD);
        GridPane libs = grid();
        for (int i = 0; i < LICENCES.size(); i++) addRow(libs, i, LICENCES.get(i)[0], LICENCES.get(i)[1]);
        ScrollPane libsScroll = new ScrollPane(libs);
        libsScroll.setFitToWidth(true);
        libsScroll.getStyleClass().add("about-licences");

        VBox content = new VBox(header, new Separator(), facts, new Separator(), libsTitle, libsScroll);
        content.setSpacing(12);
        content.setPadding(new Insets(4, 0, 0, 0));
        content.getStyleClass().add("about-content");
        dialog.getDialogPane().setContent(content);
        dialog.setResizable(true);
        dialog.show();
    }

    private static Image loadLogo() {
        try (InputStream in = AboutDialog.class.getResourceAsStream("/dev/prefwork/app/icons/prefwork-128.png")) {
            return in == null ? null : new Image(in);
        } catch (Exception e) {
            return null;
        }
    }

    private static GridPane grid() {
        GridPane g = new GridPane();
        g.setHgap(16);
        g.setVgap(4);
        ColumnConstraints c0 = new ColumnConstraints();
        c0.setHalignment(HPos.LEFT);
        ColumnConstraints c1 = new ColumnConstraints();
        c1.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().addAll(c0, c1);
        return g;
    }

    private static void addRow(GridPane g, int row, String key, String value) {
        Label k = new Label(key);
        k.getStyleClass().add(Styles.TEXT_MUTED);
        Label v = new Label(value);
        v.setWrapText(true);
        g.addRow(row, k, v);
    }
}
