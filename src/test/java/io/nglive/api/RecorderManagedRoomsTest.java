package io.nglive.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/** Webhook-only mode: every room request is refused with 4093 and says where rooms are managed. */
class RecorderManagedRoomsTest {

    @Test
    void everyRoomRequestIsRefusedSayingRoomsAreManagedInTheRecorder() {
        RecorderManagedRooms rooms = new RecorderManagedRooms();
        List<Supplier<Object>> calls = List.of(rooms::list, rooms::get, rooms::add, rooms::remove, rooms::autoRecord,
                rooms::action);

        for (Supplier<Object> call : calls) {
            ApiError refused = catchThrowableOfType(ApiError.class, call::get);
            assertThat(refused.getStatus()).isEqualTo(409);
            assertThat(refused.getCode()).isEqualTo(RoomsApi.MANAGED_IN_RECORDER).isEqualTo(4093);
            assertThat(refused).hasMessageContaining("managed in the recorder itself")
                    .hasMessageContaining("nglive.recorder.url is empty");
        }
    }
}
