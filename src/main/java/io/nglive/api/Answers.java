package io.nglive.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** The success answer of every API: {@code {"code":0,"data":...}} (errors are {@link ApiError}). */
public final class Answers {

    private Answers() {
    }

    public static Map<String, Object> ok(Object data) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("code", 0);
        answer.put("data", data);
        return answer;
    }
}
