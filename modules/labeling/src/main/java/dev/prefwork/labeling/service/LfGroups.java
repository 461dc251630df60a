package dev.prefwork.labeling.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.labeling.model.LfGroup;
import dev.prefwork.store.Workspace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which LFs the label model treats as one group, and how (merge or dependent), kept in the workspace settings as
 * JSON ({@value #SETTING}): by LF id, so editing an LF keeps it in its group. An LF is in at most one group.
 */
public final class LfGroups {

    public static final String SETTING = "labelmodel.lf_groups";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One group: LF ids (sorted) and the mode. */
    public record Group(List<Long> lfIds, String mode) {
        public Group {
            lfIds = lfIds.stream().distinct().sorted().toList();
            LfGroup.Mode.parse(mode);
            mode = mode.trim().toLowerCase();
        }

        public LfGroup.Mode groupMode() {
            return LfGroup.Mode.parse(mode);
        }
    }

    private LfGroups() {
    }

    public static List<Group> read(Workspace workspace) {
        return workspace.settings().get(SETTING).map(LfGroups::parse).orElse(List.of());
    }

    static List<Group> parse(String json) {
        try {
            return List.copyOf(JSON.readValue(json, new TypeReference<List<Group>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the workspace setting " + SETTING + " cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    private static void write(Workspace workspace, List<Group> groups) {
        try {
            if (groups.isEmpty()) workspace.settings().remove(SETTING);
            else workspace.settings().put(SETTING, JSON.writeValueAsString(groups));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes {@code lfIds} one group with {@code mode}; its LFs leave the groups they were in (a group left with
     * fewer than two LFs ends). Returns the groups now stored.
     */
    public static synchronized List<Group> group(Workspace workspace, List<Long> lfIds, LfGroup.Mode mode) {
        Set<Long> ids = new LinkedHashSet<>(lfIds);
        if (ids.size() < 2) throw new IllegalArgumentException("a group needs at least two different LFs");
        List<Group> out = without(read(workspace), ids);
        out.add(new Group(List.copyOf(ids), mode.key()));
        write(workspace, out);
        return out;
    }

    /** Takes {@code lfIds} out of their groups (all groups when empty). Returns the groups now stored. */
    public static synchronized List<Group> ungroup(Workspace workspace, List<Long> lfIds) {
        List<Group> out = lfIds.isEmpty() ? new ArrayList<>() : without(read(workspace), Set.copyOf(lfIds));
        write(workspace, out);
        return out;
    }

    private static List<Group> without(List<Group> groups, Set<Long> ids) {
        List<Group> out = new ArrayList<>();
        for (Group g : groups) {
            List<Long> rest = g.lfIds().stream().filter(id -> !ids.contains(id)).toList();
            if (rest.size() >= 2) out.add(new Group(rest, g.mode()));
        }
        return out;
    }

    /** The groups as column indices of {@code columns} (LFs not among the columns are left out). */
    public static List<LfGroup> columns(List<Group> groups, List<LfVotes.Column> columns) {
        Map<Long, Integer> col = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) col.put(columns.get(i).lfId(), i);
        List<LfGroup> out = new ArrayList<>();
        for (Group g : groups) {
            int[] idx = g.lfIds().stream().map(col::get).filter(Objects::nonNull).mapToInt(Integer::intValue).toArray();
            if (idx.length >= 2) out.add(new LfGroup(idx, g.groupMode()));
        }
        return out;
    }
}
