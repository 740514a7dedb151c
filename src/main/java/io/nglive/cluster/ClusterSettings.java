package io.nglive.cluster;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import io.nglive.InvalidSetting;
import io.nglive.Redaction;
import io.nglive.SettingsReader;

/**
 * The central server's own settings ({@code nglive.cluster.*}).
 *
 * @param nodeToken   what a node must present on {@code /nodes} ({@code ?token=}); empty: nodes on this machine only
 * @param nodeTimeout a node silent this long is lost, and its rooms are placed elsewhere
 * @param db          the shared database; empty: the embedded one under the data path
 * @param leadership  how the instances choose their leader
 * @param zookeeper   ZooKeeper's connect string, for {@link LeadershipKind#ZOOKEEPER}
 * @param kubernetes  where the Lease is, for {@link LeadershipKind#KUBERNETES}
 * @param address     how the other instances and the nodes name this one: host:port of its HTTP server
 * @param spread      the label key whose values the two nodes of a room recorded twice must not share
 */
public record ClusterSettings(String nodeToken, Duration nodeTimeout, Optional<Db> db, LeadershipKind leadership,
                              String zookeeper, Kubernetes kubernetes, String address, ReplicaSpread spread) {

    /** A database the instances share: a JDBC URL and its credentials. */
    public record Db(String url, String user, String password) {
        @Override
        public String toString() {
            return "Db[url=" + url + ", user=" + user + "]";
        }
    }

    /**
     * The Kubernetes API server, the namespace of the Lease, and this instance's pod.
     *
     * @param url       the API server; empty: the cluster the pod runs in (its service account), or ~/.kube/config
     * @param namespace empty: the pod's own
     * @param pod       this instance's pod name (the Lease's holder; it must be among the namespace's pods)
     */
    public record Kubernetes(Optional<String> url, Optional<String> namespace, String pod) {
    }

    public enum LeadershipKind {
        /** A lock under the data path: instances on one machine. */
        FILE,
        /** An election in ZooKeeper: instances anywhere, sharing a database. */
        ZOOKEEPER,
        /** A Lease in Kubernetes: instances as pods, sharing a database. */
        KUBERNETES;

        /** As nglive.cluster.leadership spells it. */
        public String settingValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static ClusterSettings read(SettingsReader settings) {
        Optional<Db> db = settings.optional("nglive.cluster.db.url").map(url -> {
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new InvalidSetting("nglive.cluster.db.url", Redaction.url(url), "must be a PostgreSQL JDBC URL "
                        + "(jdbc:postgresql://host:5432/database), or empty for the embedded database");
            }
            return new Db(url, settings.optional("nglive.cluster.db.user").orElse(""),
                    settings.optional("nglive.cluster.db.password").orElse(""));
        });
        LeadershipKind leadership = settings.choice("nglive.cluster.leadership", LeadershipKind.class);
        String zookeeper = settings.optional("nglive.cluster.zookeeper").orElse("");
        if (leadership == LeadershipKind.ZOOKEEPER && zookeeper.isEmpty()) {
            throw new InvalidSetting("nglive.cluster.zookeeper", "", "must name ZooKeeper's servers "
                    + "(host:port,host:port) when nglive.cluster.leadership is zookeeper");
        }
        if (leadership != LeadershipKind.FILE && db.isEmpty()) {
            throw new InvalidSetting("nglive.cluster.db.url", "", "must name a database the instances share when "
                    + "nglive.cluster.leadership is " + leadership.settingValue()
                    + ": each instance's embedded database is its own");
        }
        Kubernetes kubernetes = new Kubernetes(settings.optional("nglive.cluster.kubernetes.url"),
                settings.optional("nglive.cluster.kubernetes.namespace"),
                settings.optional("nglive.cluster.kubernetes.pod").orElseGet(ClusterSettings::hostName));
        String address = settings.optional("nglive.cluster.address")
                .orElseGet(() -> hostName() + ":" + settings.integer("camel.server.port", 1, 65535));
        return new ClusterSettings(settings.optional("nglive.cluster.node-token").orElse(""),
                settings.positiveDuration("nglive.cluster.node-timeout"), db, leadership, zookeeper, kubernetes,
                address, ReplicaSpread.read(settings));
    }

    /** The machine's name; in Kubernetes, the pod's ($HOSTNAME). */
    private static String hostName() {
        String pod = System.getenv("HOSTNAME");
        return pod != null && !pod.isBlank() ? pod : SettingsReader.hostName();
    }
}
