package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;

import io.nglive.api.ApiError;
import io.nglive.journal.FastTempDir;
import io.nglive.protocol.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the central server answers to a retry before and after it asks the node; a node that answers is in ClusterIT
 * (aFailedJobIsRetriedThroughTheCentralServerByItsNode).
 */
class JobRetryTest {

    static final String A = "0b6f7a4e-0000-4000-8000-00000000000a";
    static final String B = "0b6f7a4e-0000-4000-8000-00000000000b";

    @TempDir(factory = FastTempDir.class)
    Path data;

    ClusterDatabase database;
    ClusterStore store;
    JobRetry retry;

    @BeforeEach
    void open() {
        database = new ClusterDatabase(data);
        store = new ClusterStore(database.dataSource());
        retry = new JobRetry(store, new NodeSessions(Runnable::run, 10_000));
    }

    @AfterEach
    void close() {
        database.stop();
    }

    private ApiError refused(String id, String node) {
        return catchThrowableOfType(ApiError.class, () -> retry.retry(id, node));
    }

    @Test
    void aRetryWithoutItsNodeIsRefusedSayingHowToNameIt() {
        ApiError error = refused("7", null);

        assertThat(error.getStatus()).isEqualTo(400);
        assertThat(error.getCode()).isEqualTo(4002);
        assertThat(error.getMessage()).isEqualTo(
                "name the node of job 7: POST /api/jobs/7/retry?node=NAME or nodeId (each node numbers its own jobs)");
        assertThat(refused("7", " ").getCode()).isEqualTo(4002);
    }

    @Test
    void aJobIdThatIsNotANumberIsRefusedBeforeAnyNodeIsAsked() {
        ApiError error = refused("seven", "nas-1");

        assertThat(error.getStatus()).isEqualTo(400);
        assertThat(error.getMessage()).isEqualTo("id must be a whole number 0 or more, not 'seven'");
    }

    @Test
    void anUnknownNodeIsNotFoundByName() {
        store.hello(A, "nas-1", 0, List.of(), "1.0");

        ApiError error = refused("7", "nas-9");

        assertThat(error.getStatus()).isEqualTo(404);
        assertThat(error.getCode()).isEqualTo(4044);
        assertThat(error.getMessage()).isEqualTo("no node is called nas-9");
    }

    @Test
    void aNameTwoNodesShareIsRefusedAndTheirIdsAreNot() {
        store.hello(A, "nas-1", 0, List.of(), "1.0");
        store.hello(B, "nas-1", 0, List.of(), "1.0");

        ApiError error = refused("7", "nas-1");

        assertThat(error.getStatus()).isEqualTo(400);
        assertThat(error.getMessage()).isEqualTo("2 nodes are called nas-1: name one by its nodeId");
        assertThat(refused("7", B).getMessage()).startsWith("node nas-1 is offline");
    }

    @Test
    void aKnownNodeThatIsNotConnectedIsOfflineAndTheJobCanBeRetriedWhenItIsBack() {
        store.hello(A, "nas-1", 0, List.of(), "1.0");
        store.disconnected(A);

        ApiError error = refused("7", "nas-1");

        assertThat(error.getStatus()).isEqualTo(502);
        assertThat(error.getCode()).isEqualTo(5021);
        assertThat(error.getMessage()).isEqualTo("node nas-1 is offline: job 7 can be retried when the node is back");
    }

    @Test
    void theNodesRefusalKeepsItsCodeAndReasonWithTheStatusOfTheNodesOwnApi() {
        assertThat(ClusterRooms.refusal("nas-1", reply(4044, "job 7 does not exist")))
                .extracting(ApiError::getStatus, ApiError::getCode, Throwable::getMessage)
                .containsExactly(404, 4044, "node nas-1: job 7 does not exist");
        assertThat(ClusterRooms.refusal("nas-1", reply(4091, "job 7 is DONE; only a FAILED job can be retried")))
                .extracting(ApiError::getStatus, ApiError::getCode, Throwable::getMessage)
                .containsExactly(409, 4091, "node nas-1: job 7 is DONE; only a FAILED job can be retried");
        assertThat(ClusterRooms.refusal("nas-1", reply(5030, "too many commands")).getStatus()).isEqualTo(503);
        assertThat(ClusterRooms.refusal("nas-1", reply(7, "odd")).getStatus()).as("a code of no HTTP status").isEqualTo(502);
    }

    private static Reply reply(int code, String message) {
        return new Reply(null, code, message, null);
    }
}
