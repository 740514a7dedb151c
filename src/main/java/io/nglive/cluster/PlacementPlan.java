package io.nglive.cluster;

import java.util.List;

/** What one placement pass decided: the assignments in the order they were made, and the rooms left unplaced. */
public record PlacementPlan(List<Assignment> assignments, List<Unplaced> unplaced) {

    public PlacementPlan {
        assignments = List.copyOf(assignments);
        unplaced = List.copyOf(unplaced);
    }
}
