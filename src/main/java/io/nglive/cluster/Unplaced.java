package io.nglive.cluster;

/**
 * A room that no node can take now, and why, in a sentence for the operator. The room keeps its record as it is:
 * a later pass places it when a node that fits joins, and a lost node it was on resumes it if it returns first.
 */
public record Unplaced(long roomId, String reason) {
}
