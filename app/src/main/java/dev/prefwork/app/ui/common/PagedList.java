package dev.prefwork.app.ui.common;

import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import javafx.collections.ObservableListBase;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * A fixed-size, read-only list over an ordered array of ids whose rows are fetched a page at a time, off the UI
 * thread, only when the list is asked for them (a TableView asks for the visible rows). {@link #get} answers
 * at once with a {@link LazyRow} placeholder and queues its page; when the page arrives the rows' values are set
 * and the cells bound to them repaint. Pages are kept in an LRU cache; at most {@code maxConcurrentLoads} pages
 * load at once and, when the user scrolls faster than pages arrive, the most recently asked-for pages go first
 * and stale requests are dropped.
 *
 * <p>Not thread-safe: use it from the UI thread (which is where a TableView calls it).
 */
public final class PagedList<T> extends ObservableListBase<LazyRow<T>> {

    /** Fetches the rows for some ids, in any order; ids it cannot find are simply left out. */
    @FunctionalInterface
    public interface Loader<T> {
        List<T> load(long[] ids) throws Exception;
    }

    private final long[] ids;
    private final int pageSize;
    private final int maxCachedPages;
    private final int maxConcurrentLoads;
    private final int maxPending;
    private final Loader<T> loader;
    private final ToLongFunction<T> idOf;
    private final TaskExecutor executor;
    private final String taskTitle;
    private final LinkedHashMap<Integer, LazyRow<T>[]> pages;
    private final Deque<Integer> pending = new ArrayDeque<>();
    private int loading;
    private long rowsFetched;
    private int pagesFetched;
    private boolean disposed;
    private Consumer<Throwable> onError = e -> { };

    public PagedList(long[] ids, int pageSize, int maxCachedPages, Loader<T> loader, ToLongFunction<T> idOf,
                     TaskExecutor executor, String taskTitle) {
        if (pageSize < 1 || maxCachedPages < 2) throw new IllegalArgumentException("pageSize >= 1, maxCachedPages >= 2");
        this.ids = ids.clone();
        this.pageSize = pageSize;
        this.maxCachedPages = maxCachedPages;
        this.maxConcurrentLoads = 2;
        this.maxPending = Math.max(2, maxCachedPages / 2);
        this.loader = loader;
        this.idOf = idOf;
        this.executor = executor;
        this.taskTitle = taskTitle;
        this.pages = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Called on the UI thread when a page fails to load (the rows stay placeholders). */
    public void setOnError(Consumer<Throwable> handler) {
        this.onError = handler;
    }

    @Override
    public int size() {
        return ids.length;
    }

    @Override
    public LazyRow<T> get(int index) {
        if (index < 0 || index >= ids.length) throw new IndexOutOfBoundsException(index + " of " + ids.length);
        int page = index / pageSize;
        LazyRow<T>[] rows = pages.get(page);
        if (rows == null) {
            rows = newPage(page);
            pages.put(page, rows);
            evict();
            request(page);
        }
        return rows[index - page * pageSize];
    }

    /** The id at {@code index}, without fetching anything. */
    public long idAt(int index) {
        return ids[index];
    }

    /** Position of {@code id} in the list, or -1 (a linear scan of the id array; fetches nothing). */
    public int indexOfId(long id) {
        for (int i = 0; i < ids.length; i++) if (ids[i] == id) return i;
        return -1;
    }

    /** Rows (ids) fetched from the loader so far. */
    public long rowsFetched() {
        return rowsFetched;
    }

    public int pagesFetched() {
        return pagesFetched;
    }

    public int cachedPages() {
        return pages.size();
    }

    /** Stops loading: results still in flight are dropped (the list is being replaced). */
    public void dispose() {
        disposed = true;
        pending.clear();
    }

    // A TableView's selection and focus models look rows up with indexOf/contains: answer from the row itself
    // instead of scanning (which would fetch every page).
    @Override
    public int indexOf(Object o) {
        if (o instanceof LazyRow<?> r && r.owner == this) return r.index();
        return -1;
    }

    @Override
    public int lastIndexOf(Object o) {
        return indexOf(o);
    }

    @Override
    public boolean contains(Object o) {
        return indexOf(o) >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @SuppressWarnings("unchecked")
    private LazyRow<T>[] newPage(int page) {
        int from = page * pageSize;
        int to = Math.min(ids.length, from + pageSize);
        LazyRow<T>[] rows = new LazyRow[to - from];
        for (int i = from; i < to; i++) rows[i - from] = new LazyRow<>(this, i, ids[i]);
        return rows;
    }

    private void evict() {
        Iterator<Map.Entry<Integer, LazyRow<T>[]>> it = pages.entrySet().iterator();
        while (pages.size() > maxCachedPages && it.hasNext()) {
            Map.Entry<Integer, LazyRow<T>[]> e = it.next();
            pending.remove(e.getKey());
            it.remove();
        }
    }

    private void request(int page) {
        pending.remove(page);
        pending.addFirst(page);
        while (pending.size() > maxPending) {
            // the oldest request is for rows long scrolled past: forget the page so it is asked for again if needed
            pages.remove(pending.removeLast());
        }
        pump();
    }

    private void pump() {
        while (!disposed && loading < maxConcurrentLoads && !pending.isEmpty()) {
            int page = pending.removeFirst();
            LazyRow<T>[] rows = pages.get(page);
            if (rows == null) continue;
            load(page, rows);
        }
    }

    private void load(int page, LazyRow<T>[] rows) {
        long[] pageIds = Arrays.copyOfRange(ids, page * pageSize, page * pageSize + rows.length);
        loading++;
        rowsFetched += pageIds.length;
        pagesFetched++;
        executor.execute(BackgroundTask.of(taskTitle, p -> loader.load(pageIds))
                .quiet()
                .onSuccess(values -> fill(rows, values))
                .onFailure(e -> {
                    if (!disposed) {
                        pages.remove(page, rows);
                        onError.accept(e);
                    }
                })
                .onFinished(() -> {
                    loading--;
                    pump();
                }));
    }

    private void fill(LazyRow<T>[] rows, List<T> values) {
        if (disposed) return;
        Map<Long, T> byId = new HashMap<>(values.size() * 2);
        for (T v : values) byId.put(idOf.applyAsLong(v), v);
        for (LazyRow<T> row : rows) {
            T v = byId.get(row.id());
            if (v == null) row.markMissing();
            else row.set(v);
        }
    }
}
