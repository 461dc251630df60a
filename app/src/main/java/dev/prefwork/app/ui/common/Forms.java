package dev.prefwork.app.ui.common;

import atlantafx.base.theme.Styles;
import javafx.beans.property.IntegerProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.util.StringConverter;

import java.util.function.Function;

/** The small building blocks the settings panes share, so every step's form looks and lines up the same. */
public final class Forms {

    private Forms() {
    }

    /** Label–field rows; labels never shrink below their text, fields take the rest of the width. */
    public static GridPane form(String[] labels, Node... fields) {
        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(6);
        for (int i = 0; i < labels.length; i++) {
            Label l = new Label(labels[i]);
            l.setMinWidth(Region.USE_PREF_SIZE);
            g.add(l, 0, i);
            g.add(fields[i], 1, i);
            GridPane.setHgrow(fields[i], Priority.ALWAYS);
            if (fields[i] instanceof Region r) r.setMaxWidth(Double.MAX_VALUE);
        }
        return g;
    }

    /** A section title inside a settings pane. */
    public static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.TITLE_4);
        l.setPadding(new Insets(8, 0, 0, 0));
        return l;
    }

    /** Small grey explanatory text that wraps. */
    public static Label muted(String text) {
        Label l = new Label(text);
        l.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        l.setWrapText(true);
        return l;
    }

    /** An editable whole-number spinner kept in step with {@code property} both ways. */
    public static Spinner<Integer> intSpinner(IntegerProperty property, int min, int max, int step) {
        Spinner<Integer> s = new Spinner<>(min, max, Math.max(min, Math.min(max, property.get())), step);
        s.setEditable(true);
        s.getValueFactory().valueProperty().addListener((o, a, b) -> {
            if (b != null) property.set(b);
        });
        property.addListener((o, a, b) -> s.getValueFactory().setValue(b.intValue()));
        s.setMaxWidth(Double.MAX_VALUE);
        return s;
    }

    /** A display-only converter for choice boxes and combo boxes (null shows as nothing). */
    public static <T> StringConverter<T> converter(Function<T, String> label) {
        return new StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : label.apply(t);
            }

            @Override
            public T fromString(String s) {
                return null;
            }
        };
    }
}
