package io.nglive.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class FramesTest {

    @Test
    void helloCarriesCapacityAndLabels() {
        String text = Frames.write(new Hello("nas", "id-1", "1.0", 42, 5, List.of("site-a", "gpu")));

        assertThat(text).isEqualTo("{\"type\":\"hello\",\"node\":\"nas\",\"nodeId\":\"id-1\",\"version\":\"1.0\","
                + "\"lastAcked\":42,\"capacity\":5,\"labels\":[\"site-a\",\"gpu\"]}");
        assertThat(Frames.read(text)).isEqualTo(new Hello("nas", "id-1", "1.0", 42, 5, List.of("site-a", "gpu")));
    }

    @Test
    void helloOfAnOlderNodeHasNoLimitAndNoLabels() {
        Frame hello = Frames.read("{\"type\":\"hello\",\"node\":\"nas\",\"nodeId\":\"id-1\",\"version\":\"0.1\","
                + "\"lastAcked\":0,\"somethingNewer\":true}");

        assertThat(hello).isEqualTo(new Hello("nas", "id-1", "0.1", 0, 0, List.of()));
    }

    @Test
    void helloWithoutNodeIdIsRefusedNamingTheField() {
        assertThatThrownBy(() -> Frames.read("{\"type\":\"hello\",\"node\":\"nas\"}"))
                .isInstanceOf(Frames.BadFrame.class).hasMessageContaining("\"nodeId\"");
        assertThatThrownBy(() -> Frames.read("{\"type\":\"hello\",\"node\":\"nas\",\"nodeId\":\"x\",\"capacity\":\"many\"}"))
                .isInstanceOf(Frames.BadFrame.class).hasMessageContaining("wrong kind");
    }

    @Test
    void commandAndReplyKeepTheirIdWhateverJsonItIs() {
        Command command = (Command) Frames.read("{\"type\":\"command\",\"id\":7,\"command\":\"getroom\","
                + "\"args\":{\"roomid\":23058},\"epoch\":3}");
        assertThat(command.id()).isEqualTo(IntNode.valueOf(7));
        assertThat(command.epoch()).isEqualTo(3L);
        assertThat(command.args().path("roomid").asLong()).isEqualTo(23058);

        assertThat(Frames.write(new Reply(NullNode.getInstance(), 4002, "getroom needs args.roomid", null)))
                .isEqualTo("{\"type\":\"reply\",\"id\":null,\"code\":4002,\"message\":\"getroom needs args.roomid\"}");
        assertThat(Frames.write(new Command(TextNode.valueOf("c-1"), "allroom", null, null)))
                .isEqualTo("{\"type\":\"command\",\"id\":\"c-1\",\"command\":\"allroom\"}");
    }

    @Test
    void aCommandWithoutANameIsStillReadSoThatItCanBeAnswered() {
        Command command = (Command) Frames.read("{\"type\":\"command\",\"id\":\"c-2\",\"command\":42}");

        assertThat(command.command()).isNull();
        assertThat(command.id()).isEqualTo(TextNode.valueOf("c-2"));
    }

    @Test
    void eventsAndHeartbeatsAreWrittenAsTheyCame() {
        String body = "{\"type\":\"FileClosed\",\"seq\":12,\"time\":\"t\",\"node\":\"nas\",\"roomId\":23058}";
        Event event = (Event) Frames.read(body);

        assertThat(event.seq()).isEqualTo(12);
        assertThat(event.heartbeat()).isFalse();
        assertThat(Frames.write(event)).isEqualTo(body);
        assertThat(((Event) Frames.read("{\"type\":\"heartbeat\",\"seq\":13}")).heartbeat()).isTrue();
    }

    @Test
    void whatIsNotAFrameSaysWhy() {
        assertThatThrownBy(() -> Frames.read("{oops")).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> Frames.read("[1]")).hasMessage("not a JSON object");
        assertThatThrownBy(() -> Frames.read("{\"seq\":1}")).hasMessage("has no \"type\"");
        assertThatThrownBy(() -> Frames.read("{\"type\":\"ack\"}")).hasMessageContaining("numeric \"seq\"");
        assertThatThrownBy(() -> Frames.read("{\"type\":\"FileClosed\"}")).hasMessageContaining("numeric \"seq\"");
    }
}
