package io.nglive.cluster;

import java.util.Set;
import java.util.TreeSet;

/** Labels as the reasons name them: sorted, so that the same set always reads the same. */
final class Labels {

    private Labels() {
    }

    static String of(Set<String> labels) {
        return new TreeSet<>(labels).toString();
    }
}
