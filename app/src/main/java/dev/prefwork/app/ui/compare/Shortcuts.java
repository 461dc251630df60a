package dev.prefwork.app.ui.compare;

import java.util.List;

/** The Compare step's keys, as the ? overlay lists them (the user guide has the same table). */
final class Shortcuts {

    record Shortcut(String keys, String what) {
    }

    record Group(String title, List<Shortcut> shortcuts) {
    }

    static final List<Group> GROUPS = List.of(
            new Group("Move", List.of(
                    new Shortcut("j  or  \u2192", "Next prompt"),
                    new Shortcut("k  or  \u2190", "Previous prompt"),
                    new Shortcut("Home / End", "First / last prompt of the queue"),
                    new Shortcut("Tab / Shift+Tab", "Focus the next / previous candidate"),
                    new Shortcut("Space / Shift+Space", "Scroll the focused candidate down / up"),
                    new Shortcut("\u2193 / \u2191", "Scroll the focused candidate a little"),
                    new Shortcut("/", "Search prompts in the queue (Enter: next match)"))),
            new Group("Judge", List.of(
                    new Shortcut("1 \u2026 5", "Candidate N is the best (again: clear)"),
                    new Shortcut("Shift+1 \u2026 5", "Candidate N is the worst (again: clear)"),
                    new Shortcut("g / b", "GOOD / BAD on the focused candidate"),
                    new Shortcut("r, then 1 \u2026 5", "Rate the focused candidate (r 0 clears)"),
                    new Shortcut("p, then N", "The focused candidate is better than N"),
                    new Shortcut("n", "Write a note on the prompt (Enter saves)"),
                    new Shortcut("drag, then l", "Make an LF from the selected phrase (LF studio)"),
                    new Shortcut("u  or  Ctrl+Z", "Undo the last judgment"))),
            new Group("View", List.of(
                    new Shortcut("m", "Rendered markdown / raw text"),
                    new Shortcut("v", "Reveal / hide the models (blind by default)"),
                    new Shortcut("s", "Scroll all candidates together"),
                    new Shortcut("q", "Choose the queue"),
                    new Shortcut("?", "This list"),
                    new Shortcut("Esc", "Close this list, leave a field, cancel r / p"))));

    private Shortcuts() {
    }
}
