package io.nglive.testing;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Webhook bodies of blrec and DDTV 5, shaped as those projects write them (the sources are named per method). */
public final class OtherRecorders {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OtherRecorders() {
    }

    /** blrec's default path template (src/blrec/setting/models.py): {roomid} - {uname}/blive_{roomid}_{date}-{time}.flv. */
    public static final String BLREC_FILE = "23058 - 3号直播间/blive_23058_2026-12-05-212000.flv";

    /**
     * A blrec event as its webhook posts it: {@code BaseEvent.asdict()} of src/blrec/event/models.py (type, id as
     * str(uuid1), date as str(datetime) with +08:00, data), sent by src/blrec/webhook/webhook_emitter.py.
     */
    public static ObjectNode blrec(String type, ObjectNode data) {
        ObjectNode event = JSON.createObjectNode();
        event.put("type", type);
        event.put("id", UUID.randomUUID().toString());
        event.put("date", "2026-12-05 21:20:10.147000+08:00");
        event.set("data", data);
        return event;
    }

    /**
     * VideoFileCreatedEventData, VideoFileCompletedEventData, DanmakuFile*EventData (src/blrec/event/models.py):
     * room_id and the absolute path (os.path.abspath in src/blrec/core/path_provider.py).
     */
    public static ObjectNode blrecFile(String type, long roomId, String absolutePath) {
        ObjectNode data = JSON.createObjectNode();
        data.put("room_id", roomId);
        data.put("path", absolutePath);
        return blrec(type, data);
    }

    /** LiveBeganEventData: user_info and room_info (UserInfo, RoomInfo of src/blrec/bili/models.py). */
    public static ObjectNode blrecLiveBegan(long roomId) {
        ObjectNode data = JSON.createObjectNode();
        ObjectNode user = data.putObject("user_info");
        user.put("name", "3号直播间");
        user.put("gender", "保密");
        user.put("face", "https://i0.hdslb.com/bfs/face/member/noface.jpg");
        user.put("uid", 11153765);
        ObjectNode room = data.putObject("room_info");
        room.put("uid", 11153765);
        room.put("room_id", roomId);
        room.put("short_room_id", 3);
        room.put("area_id", 190);
        room.put("area_name", "唱见电台");
        room.put("parent_area_id", 5);
        room.put("parent_area_name", "电台");
        room.put("live_status", 1);
        room.put("live_start_time", 1796476800);
        room.put("online", 1234);
        room.put("title", "哔哩哔哩音悦台");
        room.put("cover", "https://i0.hdslb.com/bfs/live/new_room_cover/x.jpg");
        room.put("tags", "");
        room.put("description", "");
        return blrec("LiveBeganEvent", data);
    }

    /** DDTV's default recording path (Core/Config.cs, Core/RuntimeObject/Download/FLV.cs), relative to its directory. */
    public static final String DDTV_FILE =
            "./Rec/23058_3号直播间/2026_12_05/2026_12_05_21_20_00_哔哩哔哩音悦台_original.flv";

    /**
     * A DDTV 5 operation message as its webhook posts it: OperationQueue.pack of Core/LogModule/OperationQueue.cs
     * (cmd, code, data, message) serialised by Newtonsoft (Server/WebAppServices/WS/WebSocketQueue.cs), so the room
     * card (RoomCardClass of Core/RuntimeObject/RoomInfo.cs) keeps its C# member names and ExpansionType values are
     * {"Value": ...}.
     */
    public static ObjectNode ddtv(String cmd, int code, long roomId, List<String> videoFiles) {
        ObjectNode message = JSON.createObjectNode();
        message.put("cmd", cmd);
        message.put("code", code);
        ObjectNode card = message.putObject("data");
        card.put("Name", "3号直播间");
        card.put("Description", "");
        card.put("RoomId", roomId);
        card.put("UID", 11153765);
        card.put("IsAutoRec", true);
        card.put("IsRemind", false);
        card.put("IsRecDanmu", true);
        card.put("Like", false);
        card.put("Shell", "");
        card.put("AppointmentRecord", false);
        card.put("RoomCutAccordingToSize", 0);
        card.put("RoomCutAccordingToTime", 0);
        card.putObject("Title").put("Value", "哔哩哔哩音悦台");
        card.putObject("description").put("Value", "");
        card.putObject("live_time").put("Value", 1796476800);
        card.putObject("live_status").put("Value", 1);
        card.put("live_status_end_event", false);
        card.putObject("short_id").put("Value", 3);
        card.putObject("cover_from_user").put("Value", "https://i0.hdslb.com/bfs/live/new_room_cover/x.jpg");
        card.putObject("keyframe").put("Value", "");
        card.put("CurrentMode", 1);
        ObjectNode down = card.putObject("DownInfo");
        down.put("IsDownload", false);
        down.put("IsCut", false);
        down.put("taskType", 2);
        down.put("DownloadSize", 0);
        down.put("RealTimeDownloadSpe", 0.0);
        down.put("Status", 4);
        down.put("StartTime", "2026-12-05T21:20:00.1234567+08:00");
        down.put("EndTime", "2026-12-05T22:05:43.9452017+08:00");
        ObjectNode chat = down.putObject("LiveChatListener");
        chat.put("_Cancel", false);
        chat.put("RoomId", roomId);
        chat.put("Name", "3号直播间");
        chat.put("File", "./Rec/23058_3号直播间/2026_12_05/2026_12_05_21_20_00_哔哩哔哩音悦台");
        chat.put("State", true);
        chat.putArray("Register").add("DetectRoom_LiveStart");
        chat.put("SaveCount", 2);
        ObjectNode files = down.putObject("DownloadFileList");
        files.put("TranscodingCount", 0);
        ArrayNode video = files.putArray("VideoFile");
        videoFiles.forEach(video::add);
        files.putArray("DanmuFile");
        files.putArray("SCFile");
        files.putArray("GiftFile");
        files.putArray("GuardFile");
        files.put("CurrentOperationVideoFile", "");
        files.put("SnapshotGenerationInProgress", false);
        message.put("message", "3号直播间(" + roomId + ")录制结束");
        return message;
    }

    /** A RecordingEnd (Opcode.Download.RecordingEnd = 40105, Core/LogModule/Opcode.cs) listing these files. */
    public static ObjectNode ddtvRecordingEnd(long roomId, List<String> videoFiles) {
        return ddtv("RecordingEnd", 40105, roomId, videoFiles);
    }

    public static String write(ObjectNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
