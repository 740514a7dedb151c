package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class UploadRolesTest {

    private static final long ROOM = 23058;
    private static final long MINUTE = 60_000;

    private static ClusterStore.Session session(String node, String id, Long started, Long ended, String role,
            String primary, boolean uploaded) {
        return new ClusterStore.Session(node, id, ROOM, started, ended, role, primary, null, null, false, uploaded);
    }

    private static ClusterStore.Session recording(String node, String id, long started) {
        return session(node, id, started, null, null, null, false);
    }

    private static ClusterStore.Session ended(String node, String id, long started, long ended) {
        return session(node, id, started, ended, null, null, false);
    }

    @Test
    void theFirstNodeToEndTheSessionUploadsIt() {
        List<UploadRoles.Change> changes = UploadRoles.ended(ended("a", "s-a", 0, 60 * MINUTE),
                List.of(recording("b", "s-b", 2_000)), Set.of()::contains);

        assertThat(changes).containsExactly(new UploadRoles.Change("a", "s-a", ROOM, UploadRoles.PRIMARY, "a",
                "the first node to end the session"));
    }

    @Test
    void theOtherNodeOfTheSameSessionStandsBy() {
        ClusterStore.Session primary = session("a", "s-a", 0L, 60 * MINUTE, UploadRoles.PRIMARY, "a", false);

        List<UploadRoles.Change> changes = UploadRoles.ended(ended("b", "s-b", 3_000, 60 * MINUTE + 4_000),
                List.of(primary), Set.of()::contains);

        assertThat(changes).extracting(UploadRoles.Change::nodeId, UploadRoles.Change::role,
                UploadRoles.Change::primaryNode).containsExactly(tuple("b",
                UploadRoles.STANDBY, "a"));
    }

    @Test
    void aLaterBroadcastIsASessionOfItsOwn() {
        ClusterStore.Session earlier = session("a", "s-a1", 0L, 60 * MINUTE, UploadRoles.PRIMARY, "a", false);

        List<UploadRoles.Change> changes = UploadRoles.ended(ended("b", "s-b2", 61 * MINUTE, 120 * MINUTE),
                List.of(earlier), Set.of()::contains);

        assertThat(changes).extracting(UploadRoles.Change::role).containsExactly(UploadRoles.PRIMARY);
    }

    @Test
    void clocksAFewSecondsApartStillMatchTheSession() {
        ClusterStore.Session primary = session("a", "s-a", 0L, 10 * MINUTE, UploadRoles.PRIMARY, "a", false);

        // b's clock runs 8 s ahead of a's, and its recording of the same short broadcast starts after a's ended
        assertThat(UploadRoles.ended(ended("b", "s-b", 10 * MINUTE + 8_000, 10 * MINUTE + 9_000), List.of(primary),
                Set.of()::contains)).extracting(UploadRoles.Change::role).containsExactly(UploadRoles.STANDBY);
        assertThat(UploadRoles.ended(ended("b", "s-b", 10 * MINUTE + 30_000, 11 * MINUTE), List.of(primary),
                Set.of()::contains)).extracting(UploadRoles.Change::role).containsExactly(UploadRoles.PRIMARY);
    }

    @Test
    void aSessionEndingAfterThePrimaryUploadedIsUploaded() {
        ClusterStore.Session primary = session("a", "s-a", 0L, 60 * MINUTE, UploadRoles.PRIMARY, "a", true);

        assertThat(UploadRoles.ended(ended("b", "s-b", 0, 61 * MINUTE), List.of(primary), Set.of()::contains))
                .extracting(UploadRoles.Change::role).containsExactly(UploadRoles.UPLOADED);
    }

    @Test
    void aLostPrimaryThatDidNotUploadHandsTheSessionToTheNodeThatEndsItNext() {
        ClusterStore.Session primary = session("a", "s-a", 0L, 60 * MINUTE, UploadRoles.PRIMARY, "a", false);

        List<UploadRoles.Change> changes = UploadRoles.ended(ended("b", "s-b", 0, 62 * MINUTE), List.of(primary),
                Set.of("a")::contains);

        assertThat(changes).extracting(UploadRoles.Change::nodeId, UploadRoles.Change::role,
                UploadRoles.Change::primaryNode).containsExactly(
                        tuple("b", UploadRoles.PRIMARY, "b"),
                        tuple("a", UploadRoles.STANDBY, "b"));
    }

    @Test
    void aLostPrimaryHandsItsSessionToTheStandbyThatHasEnded() {
        ClusterStore.Session owed = session("a", "s-a", 0L, 60 * MINUTE, UploadRoles.PRIMARY, "a", false);
        ClusterStore.Session standby = session("b", "s-b", 1_000L, 60 * MINUTE, UploadRoles.STANDBY, "a", false);
        ClusterStore.Session unrelated = session("b", "s-b0", -120 * MINUTE, -90 * MINUTE, UploadRoles.STANDBY, "a",
                false);

        List<UploadRoles.Change> changes = UploadRoles.lost("a", List.of(owed), List.of(unrelated, owed, standby));

        assertThat(changes).extracting(UploadRoles.Change::nodeId, UploadRoles.Change::sessionId,
                UploadRoles.Change::role).containsExactly(
                        tuple("b", "s-b", UploadRoles.PRIMARY),
                        tuple("a", "s-a", UploadRoles.STANDBY));
    }

    @Test
    void aLostPrimaryWhoseOtherNodeStillRecordsLeavesTheDecisionToItsEnd() {
        ClusterStore.Session owed = session("a", "s-a", 0L, 60 * MINUTE, UploadRoles.PRIMARY, "a", false);

        assertThat(UploadRoles.lost("a", List.of(owed), List.of(owed, recording("b", "s-b", 0)))).isEmpty();
    }

    @Test
    void anUploadedSessionReleasesItsStandbys() {
        ClusterStore.Session primary = session("a", "s-a", 0L, 60 * MINUTE, UploadRoles.PRIMARY, "a", false);
        ClusterStore.Session standby = session("b", "s-b", 0L, 60 * MINUTE, UploadRoles.STANDBY, "a", false);
        // a later broadcast, whose primary is another node that has not uploaded it yet
        ClusterStore.Session later = session("b", "s-b9", 70 * MINUTE, 90 * MINUTE, UploadRoles.STANDBY, "c", false);
        ClusterStore.Session laterPrimary = session("c", "s-c9", 70 * MINUTE, 90 * MINUTE, UploadRoles.PRIMARY, "c",
                false);

        assertThat(UploadRoles.uploaded(primary, List.of(primary, standby, later, laterPrimary)))
                .extracting(UploadRoles.Change::sessionId, UploadRoles.Change::role)
                .containsExactly(tuple("s-b", UploadRoles.UPLOADED));
        assertThat(UploadRoles.uploaded(standby, List.of(primary))).isEmpty();
    }

    @Test
    void aStandbyCoveredOnlyInPartWaitsForTheRestOfTheOtherNodesRecording() {
        // a's recorder cut out for 20 minutes: a1 is uploaded, a2 still records; b recorded all of it
        ClusterStore.Session a1 = session("a", "a1", 0L, 100 * MINUTE, UploadRoles.PRIMARY, "a", true);
        ClusterStore.Session a2 = recording("a", "a2", 120 * MINUTE);
        ClusterStore.Session b1 = ended("b", "b1", 0, 200 * MINUTE);

        assertThat(UploadRoles.ended(b1, List.of(a1, a2), Set.of()::contains))
                .extracting(UploadRoles.Change::role, UploadRoles.Change::primaryNode)
                .containsExactly(tuple(UploadRoles.STANDBY, "a"));
        assertThat(UploadRoles.ended(b1, List.of(a1, a2), Set.of("a")::contains))
                .as("a is lost: b uploads what a2 would have").extracting(UploadRoles.Change::role)
                .containsExactly(UploadRoles.PRIMARY);

        ClusterStore.Session b1Standby = session("b", "b1", 0L, 200 * MINUTE, UploadRoles.STANDBY, "a", false);
        assertThat(UploadRoles.uploaded(a1, List.of(a1, a2, b1Standby))).as("a2 is not uploaded yet").isEmpty();
        ClusterStore.Session a2Primary = session("a", "a2", 120 * MINUTE, 200 * MINUTE, UploadRoles.PRIMARY, "a",
                false);
        assertThat(UploadRoles.uploaded(a2Primary, List.of(a1, a2Primary, b1Standby)))
                .extracting(UploadRoles.Change::sessionId, UploadRoles.Change::role)
                .containsExactly(tuple("b1", UploadRoles.UPLOADED));
    }

    @Test
    void aLostNodesRecordingThatNeverEndedIsTakenOverByTheStandby() {
        ClusterStore.Session open = recording("a", "s-a", 0);
        ClusterStore.Session standby = session("b", "s-b", 0L, 60 * MINUTE, UploadRoles.STANDBY, "a", false);

        assertThat(UploadRoles.lost("a", List.of(open), List.of(open, standby)))
                .extracting(UploadRoles.Change::nodeId, UploadRoles.Change::role)
                .containsExactly(tuple("b", UploadRoles.PRIMARY), tuple("a", UploadRoles.STANDBY));
    }

    @Test
    void aPrimaryThatCannotUploadHandsTheSessionToTheOtherNode() {
        ClusterStore.Session primary = session("a", "s-a", 0L, 60 * MINUTE, UploadRoles.PRIMARY, "a", false);
        ClusterStore.Session standby = session("b", "s-b", 0L, 61 * MINUTE, UploadRoles.STANDBY, "a", false);

        List<UploadRoles.Change> changes = UploadRoles.notUploaded(primary, List.of(primary, standby),
                "no recording of the session here");

        assertThat(changes).extracting(UploadRoles.Change::nodeId, UploadRoles.Change::role, UploadRoles.Change::told)
                .containsExactly(tuple("a", UploadRoles.FAILED, false), tuple("b", UploadRoles.PRIMARY, true));
        assertThat(changes.get(1).reason()).isEqualTo("the primary could not upload the session: no recording of "
                + "the session here");
        // the other node still records: it is primary when it ends, the failed session passed over
        ClusterStore.Session failed = session("a", "s-a", 0L, 60 * MINUTE, UploadRoles.FAILED, null, false);
        assertThat(UploadRoles.notUploaded(primary, List.of(primary, recording("b", "s-b", 0)), "x"))
                .extracting(UploadRoles.Change::role).containsExactly(UploadRoles.FAILED);
        assertThat(UploadRoles.ended(ended("b", "s-b", 0, 62 * MINUTE), List.of(failed), Set.of()::contains))
                .extracting(UploadRoles.Change::role).containsExactly(UploadRoles.PRIMARY);
    }

    @Test
    void aSessionWithARoleIsNotDecidedAgain() {
        ClusterStore.Session decided = session("a", "s-a", 0L, MINUTE, UploadRoles.PRIMARY, "a", false);

        assertThat(UploadRoles.ended(decided, List.of(), Set.of()::contains)).isEmpty();
    }
}
