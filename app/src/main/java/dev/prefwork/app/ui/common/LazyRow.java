package dev.prefwork.app.ui.common;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * One row of a {@link PagedList}: its position and id are known at once, its value arrives when its page has
 * been fetched. Table cells observe {@link #valueProperty()}, so a page arriving repaints exactly its rows.
 */
public final class LazyRow<T> {

    private final int index;
    private final long id;
    private final ReadOnlyObjectWrapper<T> value = new ReadOnlyObjectWrapper<>(this, "value");
    private boolean missing;
    final Object owner;

    LazyRow(Object owner, int index, long id) {
        this.owner = owner;
        this.index = index;
        this.id = id;
    }

    public int index() { return index; }

    public long id() { return id; }

    /** The row's data; null while its page is loading (a placeholder row). */
    public ReadOnlyObjectProperty<T> valueProperty() { return value.getReadOnlyProperty(); }

    public T value() { return value.get(); }

    public boolean isLoaded() { return value.get() != null; }

    /** True when the page came back without this id (deleted since the ids were fetched). */
    public boolean isMissing() { return missing; }

    void set(T v) {
        value.set(v);
    }

    void markMissing() {
        missing = true;
    }

    @Override
    public String toString() {
        return "LazyRow[" + index + ", id=" + id + ", " + (isLoaded() ? value.get() : "loading") + "]";
    }
}
