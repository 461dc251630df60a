package dev.prefwork.app.ui.shell;

import javafx.scene.Node;

import java.util.Objects;
import java.util.function.Function;

/**
 * One pipeline step in the left navigation (DESIGN §11): its title, one-line summary (the tooltip), icon and the
 * factory of its view; adding a step means adding one in the composition root ({@code Workbench}).
 */
public record Step(String id, String title, String summary, String icon, Function<WorkbenchActions, StepView> view) {

    public Step {
        Objects.requireNonNull(id);
        Objects.requireNonNull(title);
        Objects.requireNonNull(summary);
        Objects.requireNonNull(icon);
        Objects.requireNonNull(view);
    }

    public static Step available(String id, String title, String summary, String icon,
                                 Function<WorkbenchActions, StepView> view) {
        return new Step(id, title, summary, icon, Objects.requireNonNull(view));
    }

    /** The view a step shows in the main window's centre; built once, on first visit, with the window's actions. */
    public interface StepView {
        Node node();

        /** Whether the step has a search field for Ctrl+F (elsewhere Ctrl+F goes to the Prompts step's). */
        default boolean hasSearch() {
            return false;
        }

        /** Ctrl+F: put the cursor in the step's search field, where it has one. */
        default void focusSearch() {
        }

        /** The step was just shown (its node is in the window): a place to take the keyboard focus. */
        default void shown() {
        }

        /** Another step is shown instead. */
        default void hidden() {
        }
    }
}
