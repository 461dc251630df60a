package dev.prefwork.app.ui.shell;

import atlantafx.base.controls.Spacer;
import atlantafx.base.theme.Styles;
import atlantafx.base.theme.Tweaks;
import dev.prefwork.app.ui.common.Icons;
import dev.prefwork.app.ui.task.TaskMonitor;
import dev.prefwork.app.ui.workspace.ImportViewModel;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import org.controlsfx.control.StatusBar;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The main window: top bar (workspace switcher, Import…, theme, About), navigation by pipeline step on the
 * left, the step's view in the centre, and the status bar with the workspace's counts and the task list.
 */
public final class MainWindow implements WorkbenchActions {

    public static final String STYLESHEET = MainWindow.class.getResource("/dev/prefwork/app/app.css").toExternalForm();
    static final String LAST_IMPORT_DIR = "lastImportDir";
    /** The step shown last (the workbench reopens on it). */
    public static final String LAST_STEP = "lastStep";

    private final Stage stage;
    private final MainViewModel vm;
    private final WorkspaceService workspaces;
    private final ImportViewModel importVm;
    private final SettingsStore settings;
    private final List<Step> steps;
    private final Map<String, Step.StepView> views = new HashMap<>();
    private Step.StepView shownView;
    /** The navigation shows icons only (more room for the Compare step's columns). Remembered. */
    private final javafx.beans.property.BooleanProperty navCollapsed = new javafx.beans.property.SimpleBooleanProperty(this, "navCollapsed");
    static final String NAV_COLLAPSED = "navCollapsed";
    private static final javafx.css.PseudoClass COLLAPSED = javafx.css.PseudoClass.getPseudoClass("collapsed");

    private final BorderPane root = new BorderPane();
    private final StackPane content = new StackPane();
    private final VBox toastLayer = new VBox();
    private final ListView<Step> nav = new ListView<>();
    private final TaskStatusView taskStatus;
    private final StatusBar statusBar = new StatusBar();
    /** Items other steps add to the workspace menu (e.g. Import bundle…), below its own. */
    private final List<MenuItem> extraMenuItems = new java.util.ArrayList<>();

    public MainWindow(Stage stage, MainViewModel vm, ImportViewModel importVm, TaskMonitor monitor, SettingsStore settings,
                      List<Step> steps) {
        this.stage = stage;
        this.vm = vm;
        this.workspaces = vm.workspaces();
        this.importVm = importVm;
        this.settings = settings;
        this.steps = List.copyOf(steps);
        this.taskStatus = new TaskStatusView(monitor);

        root.getStyleClass().add("workbench");
        root.setTop(topBar());
        root.setLeft(navigation());
        toastLayer.getStyleClass().add("toast-layer");
        toastLayer.setPickOnBounds(false);
        toastLayer.setAlignment(Pos.BOTTOM_RIGHT);
        toastLayer.setMaxSize(Double.MAX_VALUE, Double.MAX_VALUE);
        content.getStyleClass().add("step-content");
        StackPane centre = new StackPane(content, toastLayer);
        root.setCenter(centre);
        root.setBottom(statusBar(monitor));
        nav.getSelectionModel().select(0);
    }

    /** Puts the window's content in a scene on the stage, with shortcuts, title and icons. */
    public Scene install(double width, double height) {
        Scene scene = new Scene(root, width, height);
        scene.getStylesheets().add(STYLESHEET);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN), this::openWorkspace);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.I, KeyCombination.SHORTCUT_DOWN), this::importFile);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
                this::newWorkspace);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), this::focusSearch);
        stage.setScene(scene);
        stage.titleProperty().bind(Bindings.createStringBinding(() -> {
            String name = vm.workspaceNameProperty().get();
            return workspaces.workspace() == null ? "Prefwork" : name + " — Prefwork";
        }, vm.workspaceNameProperty()));
        stage.getIcons().setAll(icons());
        return scene;
    }

    public Parent root() {
        return root;
    }

    public Stage stage() {
        return stage;
    }

    /** The corner where toasts appear. */
    public VBox toastLayer() {
        return toastLayer;
    }

    // ---- top bar ----------------------------------------------------------------------------------------------

    private HBox topBar() {
        HBox brand = new HBox(8);
        brand.setAlignment(Pos.CENTER_LEFT);
        Image logo = icon(32);
        if (logo != null) {
            ImageView iv = new ImageView(logo);
            iv.setFitWidth(24);
            iv.setFitHeight(24);
            iv.setSmooth(true);
            brand.getChildren().add(iv);
        }
        Label appName = new Label("Prefwork");
        appName.getStyleClass().add("app-name");
        brand.getChildren().add(appName);

        MenuButton switcher = new MenuButton();
        switcher.setId("workspace-switcher");
        switcher.getStyleClass().addAll("workspace-switcher", Styles.FLAT);
        switcher.setGraphic(Icons.of(Icons.FOLDER));
        switcher.textProperty().bind(vm.workspaceNameProperty());
        Tooltip pathTip = new Tooltip();
        pathTip.textProperty().bind(Bindings.createStringBinding(() -> {
            String p = vm.workspacePathProperty().get();
            return p.isEmpty() ? "No workspace is open" : "Workspace folder: " + p;
        }, vm.workspacePathProperty()));
        switcher.setTooltip(pathTip);
        switcher.setOnShowing(e -> fillSwitcher(switcher));
        fillSwitcher(switcher);

        Label divider = new Label("/");
        divider.getStyleClass().add("brand-divider");

        Button importButton = new Button("Import…", Icons.of(Icons.IMPORT));
        importButton.setId("import-button");
        importButton.getStyleClass().add(Styles.ACCENT);
        importButton.setTooltip(new Tooltip("Import prompts and candidates from a JSONL or CSV file (Ctrl+I)"));
        importButton.disableProperty().bind(importVm.canImportProperty().not());
        importButton.setOnAction(e -> importFile());

        Button theme = new Button();
        theme.setId("theme-toggle");
        theme.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT);
        theme.graphicProperty().bind(Bindings.createObjectBinding(
                () -> Icons.of(vm.isDark() ? Icons.SUN : Icons.MOON), vm.themeProperty()));
        Tooltip themeTip = new Tooltip();
        themeTip.textProperty().bind(Bindings.createStringBinding(
                () -> vm.isDark() ? "Switch to the light theme" : "Switch to the dark theme", vm.themeProperty()));
        theme.setTooltip(themeTip);
        theme.setOnAction(e -> vm.toggleTheme());

        Button about = new Button(null, Icons.of(Icons.INFO));
        about.setId("about-button");
        about.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT);
        about.setTooltip(new Tooltip("About Prefwork"));
        about.setOnAction(e -> showAbout());

        HBox bar = new HBox(brand, divider, switcher, new Spacer(), importButton, theme, about);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("top-bar");
        return bar;
    }

    private void fillSwitcher(MenuButton switcher) {
        MenuItem create = new MenuItem("New workspace…");
        create.setAccelerator(new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
        create.setOnAction(e -> newWorkspace());
        MenuItem open = new MenuItem("Open workspace…");
        open.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        open.setOnAction(e -> openWorkspace());
        Menu recent = new Menu("Recent");
        recent.setId("recent-menu");
        Path current = workspaces.workspace() == null ? null : workspaces.workspace().dir();
        for (Path p : workspaces.recent()) {
            MenuItem item = new MenuItem(WorkspaceService.displayName(p) + "  —  " + p);
            item.setMnemonicParsing(false);
            item.setDisable(p.equals(current));
            item.setOnAction(e -> {
                if (Files.isDirectory(p)) workspaces.openExisting(p);
                else {
                    workspaces.forgetRecent(p);
                    workspaces.openExisting(p); // reports that the folder is gone
                }
            });
            recent.getItems().add(item);
        }
        if (recent.getItems().isEmpty()) {
            MenuItem none = new MenuItem("No recent workspaces");
            none.setDisable(true);
            recent.getItems().add(none);
        } else {
            MenuItem clear = new MenuItem("Clear recent");
            clear.setOnAction(e -> workspaces.clearRecent());
            recent.getItems().addAll(new SeparatorMenuItem(), clear);
        }
        MenuItem demo = new MenuItem("Open demo workspace");
        demo.setOnAction(e -> openDemoWorkspace());
        switcher.getItems().setAll(create, open, recent, new SeparatorMenuItem(), demo);
        if (!extraMenuItems.isEmpty()) {
            switcher.getItems().add(new SeparatorMenuItem());
            switcher.getItems().addAll(extraMenuItems);
        }
    }

    // ---- navigation -------------------------------------------------------------------------------------------

    private VBox navigation() {
        Label caption = new Label("PIPELINE");
        caption.getStyleClass().add("nav-caption");
        caption.visibleProperty().bind(navCollapsed.not());
        caption.managedProperty().bind(caption.visibleProperty());
        nav.setId("step-nav");
        nav.getItems().setAll(steps);
        nav.getStyleClass().addAll("step-nav", Tweaks.EDGE_TO_EDGE);
        nav.setCellFactory(lv -> new StepCell());
        nav.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null) show(b);
            else if (a != null) nav.getSelectionModel().select(a);
        });
        VBox.setVgrow(nav, Priority.ALWAYS);
        Button collapse = new Button();
        collapse.setId("nav-collapse");
        collapse.getStyleClass().addAll(Styles.FLAT, Styles.SMALL, "nav-collapse");
        collapse.setFocusTraversable(false);
        collapse.graphicProperty().bind(Bindings.createObjectBinding(
                () -> Icons.of(navCollapsed.get() ? Icons.CHEVRON_RIGHT : Icons.CHEVRON_LEFT, "icon-sm"), navCollapsed));
        collapse.textProperty().bind(Bindings.when(navCollapsed).then("").otherwise("Collapse"));
        Tooltip collapseTip = new Tooltip();
        collapseTip.textProperty().bind(Bindings.when(navCollapsed).then("Show the step names").otherwise("Icons only: more room for the steps"));
        collapse.setTooltip(collapseTip);
        collapse.setOnAction(e -> navCollapsed.set(!navCollapsed.get()));
        VBox box = new VBox(caption, nav, collapse);
        box.getStyleClass().add("nav-pane");
        navCollapsed.set(Boolean.parseBoolean(settings.get(NAV_COLLAPSED)));
        box.pseudoClassStateChanged(COLLAPSED, navCollapsed.get());
        navCollapsed.addListener((o, a, b) -> {
            box.pseudoClassStateChanged(COLLAPSED, b);
            settings.put(NAV_COLLAPSED, String.valueOf(b));
            nav.refresh();
        });
        return box;
    }

    private final class StepCell extends ListCell<Step> {
        StepCell() {
            setPrefWidth(0); // fill the list's width: no horizontal scroll bar
        }

        @Override
        protected void updateItem(Step step, boolean empty) {
            super.updateItem(step, empty);
            if (empty || step == null) {
                setText(null);
                setGraphic(null);
                setTooltip(null);
                return;
            }
            Label title = new Label(step.title());
            title.getStyleClass().add("nav-title");
            title.setVisible(!navCollapsed.get());
            title.setManaged(!navCollapsed.get());
            HBox row = new HBox(Icons.of(step.icon(), "nav-icon"), title);
            row.setAlignment(Pos.CENTER_LEFT);
            row.getStyleClass().add("nav-row");
            setText(null);
            setGraphic(row);
            String summary = step.summary();
            Tooltip tip = new Tooltip(navCollapsed.get() ? step.title() + ": " + summary : summary);
            tip.setWrapText(true);
            tip.getStyleClass().add("wide-tooltip");
            setTooltip(tip);
        }
    }

    private void show(Step step) {
        Step.StepView view = views.computeIfAbsent(step.id(), id -> step.view().apply(this));
        if (shownView != null && shownView != view) shownView.hidden();
        shownView = view;
        content.getChildren().setAll(view.node());
        settings.put(LAST_STEP, step.id());
        view.shown();
    }

    /** The view of a step, built on first use (tests and the composition root reach into it). */
    public Step.StepView view(String stepId) {
        for (Step s : steps) {
            if (s.id().equals(stepId)) {
                return views.computeIfAbsent(stepId, id -> s.view().apply(this));
            }
        }
        return null;
    }

    /** Adds an item to the workspace menu (the switcher), below its own items. */
    public void addWorkspaceMenuItem(String text, Runnable action) {
        MenuItem item = new MenuItem(text);
        item.setOnAction(e -> action.run());
        extraMenuItems.add(item);
    }

    /** Adds a node to the status bar, left of the task list (e.g. the labelling session summary). */
    public void addStatusItem(Node item) {
        statusBar.getRightItems().add(0, item);
    }

    @Override
    public void showStep(String stepId) {
        for (Step s : steps) {
            if (s.id().equals(stepId)) {
                nav.getSelectionModel().select(s);
                return;
            }
        }
    }

    /** The step shown now. */
    public Step currentStep() {
        return nav.getSelectionModel().getSelectedItem();
    }

    private void focusSearch() {
        Step current = currentStep();
        Step.StepView view = current == null ? null : views.get(current.id());
        if (view == null || !view.hasSearch()) { // a step without a search field: Ctrl+F searches the prompts
            showStep(steps.get(0).id());
            view = views.get(steps.get(0).id());
        }
        if (view != null) view.focusSearch();
    }

    // ---- status bar -------------------------------------------------------------------------------------------

    private StatusBar statusBar(TaskMonitor monitor) {
        statusBar.setId("status-bar");
        statusBar.textProperty().bind(vm.countsTextProperty());
        statusBar.getRightItems().add(taskStatus);
        monitor.currentProperty().addListener((o, a, b) -> bindProgress(b));
        monitor.tasks().addListener((ListChangeListener<Task<?>>) c -> bindProgress(monitor.currentProperty().get()));
        return statusBar;
    }

    private void bindProgress(Task<?> task) {
        statusBar.progressProperty().unbind();
        if (task == null) statusBar.setProgress(0);
        else statusBar.progressProperty().bind(task.progressProperty());
    }

    // ---- actions ----------------------------------------------------------------------------------------------

    @Override
    public void openWorkspace() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open a workspace folder");
        Path start = workspaces.workspace() != null ? workspaces.workspace().dir().getParent() : workspaces.paths().home();
        if (start != null && Files.isDirectory(start)) chooser.setInitialDirectory(start.toFile());
        File dir = chooser.showDialog(stage);
        if (dir != null) workspaces.openExisting(dir.toPath());
    }

    @Override
    public void newWorkspace() {
        NewWorkspaceDialog.show(stage, workspaces.paths().home().resolve("workspaces"), STYLESHEET)
                .ifPresent(workspaces::create);
    }

    @Override
    public void openDemoWorkspace() {
        workspaces.openDemo();
    }

    @Override
    public BooleanBinding canImport() {
        return importVm.canImportProperty();
    }

    @Override
    public void importFile() {
        if (!importVm.canImportProperty().get()) return;
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Import prompts and candidates");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Prompt files (*.jsonl, *.ndjson, *.json, *.csv, *.tsv)",
                        "*.jsonl", "*.ndjson", "*.json", "*.csv", "*.tsv"),
                new FileChooser.ExtensionFilter("All files", "*"));
        String last = settings.get(LAST_IMPORT_DIR);
        if (last != null && Files.isDirectory(Path.of(last))) chooser.setInitialDirectory(new File(last));
        File file = chooser.showOpenDialog(stage);
        if (file == null) return;
        if (file.getParentFile() != null) settings.put(LAST_IMPORT_DIR, file.getParentFile().getAbsolutePath());
        importVm.importFile(file.toPath());
    }

    /** The Prompts step published "open this prompt": the view model tells its listeners (the Compare step). */
    public void promptOpened(long promptId) {
        vm.promptOpened(promptId);
    }

    /** Applies the light or dark theme to the whole application. */
    public static void applyTheme(String theme) {
        Themes.apply(theme);
    }

    void showAbout() {
        AboutDialog.show(stage, vm.workspacePathProperty().get(), STYLESHEET);
    }

    // ---- icons ------------------------------------------------------------------------------------------------

    static final int[] ICON_SIZES = {16, 32, 48, 64, 128, 256, 512};

    static List<Image> icons() {
        List<Image> out = new java.util.ArrayList<>();
        for (int size : ICON_SIZES) {
            Image img = icon(size);
            if (img != null) out.add(img);
        }
        return out;
    }

    static Image icon(int size) {
        try (InputStream in = MainWindow.class.getResourceAsStream("/dev/prefwork/app/icons/prefwork-" + size + ".png")) {
            return in == null ? null : new Image(in);
        } catch (Exception e) {
            return null;
        }
    }

    /** For tests: a value that follows the status bar's text. */
    ObservableValue<String> statusText() {
        return statusBar.textProperty();
    }
}
