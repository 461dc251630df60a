package dev.prefwork.app.ui.common;

import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.app.ui.task.ManualTaskExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class PagedListTest {

    record Item(long id, String name) {
    }

    private final List<long[]> requests = new ArrayList<>();

    private List<Item> load(long[] ids) {
        requests.add(ids);
        List<Item> out = new ArrayList<>();
        for (long id : ids) if (id % 1000 != 999) out.add(new Item(id, "item " + id)); // ids ending 999 are "deleted"
        return out;
    }

    private static long[] ids(int n) {
        return LongStream.range(0, n).map(i -> i * 2 + 1).toArray(); // 1, 3, 5, ...
    }

    @Test
    void fetchesOnlyThePagesThatAreAskedFor() {
        PagedList<Item> list = new PagedList<>(ids(20_000), 100, 10, this::load, Item::id, new CurrentThreadTaskExecutor(), "t");
        assertThat(list.size()).isEqualTo(20_000);
        assertThat(requests).isEmpty();
        for (int i = 0; i < 30; i++) assertThat(list.get(i).value().name()).isEqualTo("item " + (i * 2 + 1));
        assertThat(list.get(15_000).value().id()).isEqualTo(30_001);
        assertThat(requests).hasSize(2);
        assertThat(list.rowsFetched()).isEqualTo(200);
        assertThat(requests.get(1)).startsWith(30_001L).hasSize(100);
    }

    @Test
    void lookupsBySelectionModelsFetchNothing() {
        PagedList<Item> list = new PagedList<>(ids(5_000), 100, 10, this::load, Item::id, new CurrentThreadTaskExecutor(), "t");
        LazyRow<Item> row = list.get(1234);
        requests.clear();
        assertThat(list.indexOf(row)).isEqualTo(1234);
        assertThat(list.contains(row)).isTrue();
        assertThat(list.indexOf("something else")).isEqualTo(-1);
        PagedList<Item> other = new PagedList<>(ids(5_000), 100, 10, this::load, Item::id, new CurrentThreadTaskExecutor(), "t");
        assertThat(other.indexOf(row)).as("a row of another list").isEqualTo(-1);
        assertThat(requests).isEmpty();
    }

    @Test
    void placeholdersUntilThePageArrivesThenTheSameRowsAreFilled() {
        ManualTaskExecutor executor = new ManualTaskExecutor();
        PagedList<Item> list = new PagedList<>(ids(1_000), 50, 10, this::load, Item::id, executor, "t");
        LazyRow<Item> row = list.get(7);
        assertThat(row.isLoaded()).isFalse();
        assertThat(row.id()).isEqualTo(15);
        List<Item> seen = new ArrayList<>();
        row.valueProperty().addListener((o, a, b) -> seen.add(b));
        assertThat(list.get(8)).isNotNull();
        assertThat(executor.queued()).as("one load per page").isEqualTo(1);
        executor.runNext();
        assertThat(row.isLoaded()).isTrue();
        assertThat(seen).extracting(Item::name).containsExactly("item 15");
        assertThat(list.get(7)).isSameAs(row);
    }

    @Test
    void atMostTwoPagesLoadAtOnceAndTheLatestRequestGoesFirst() {
        ManualTaskExecutor executor = new ManualTaskExecutor();
        PagedList<Item> list = new PagedList<>(ids(10_000), 100, 20, this::load, Item::id, executor, "t");
        for (int page = 0; page < 5; page++) list.get(page * 100);
        assertThat(executor.queued()).isEqualTo(2);
        executor.runNext();             // page 0 done -> the next started is the most recent request, page 4
        executor.runNext();             // page 1 done -> page 3
        executor.runAll();
        assertThat(requests).extracting(r -> r[0]).containsExactly(1L, 201L, 801L, 601L, 401L);
    }

    @Test
    void evictsTheLeastRecentlyUsedPages() {
        PagedList<Item> list = new PagedList<>(ids(10_000), 100, 3, this::load, Item::id, new CurrentThreadTaskExecutor(), "t");
        for (int page = 0; page < 6; page++) list.get(page * 100);
        assertThat(list.cachedPages()).isEqualTo(3);
        requests.clear();
        list.get(550);
        assertThat(requests).as("page 5 is still cached").isEmpty();
        list.get(0);
        assertThat(requests).as("page 0 was evicted and is fetched again").hasSize(1);
    }

    @Test
    void rowsMissingFromThePageAreMarked() {
        PagedList<Item> list = new PagedList<>(LongStream.rangeClosed(990, 1010).toArray(), 100, 3, this::load, Item::id,
                new CurrentThreadTaskExecutor(), "t");
        assertThat(list.get(9).id()).isEqualTo(999);
        assertThat(list.get(9).isMissing()).isTrue();
        assertThat(list.get(9).isLoaded()).isFalse();
        assertThat(list.get(10).isLoaded()).isTrue();
    }

    @Test
    void aDisposedListIgnoresLateResults() {
        ManualTaskExecutor executor = new ManualTaskExecutor();
        PagedList<Item> list = new PagedList<>(ids(1_000), 100, 3, this::load, Item::id, executor, "t");
        LazyRow<Item> row = list.get(0);
        list.dispose();
        executor.runAll();
        assertThat(row.isLoaded()).isFalse();
    }
}
