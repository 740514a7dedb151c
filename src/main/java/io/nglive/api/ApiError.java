package io.nglive.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** An answer other than success: an HTTP status, nglive's error code, and a message that says what is wrong. */
public class ApiError extends RuntimeException {

    private final int status;
    private final int code;

    public ApiError(int status, int code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int getStatus() {
        return status;
    }

    public int getCode() {
        return code;
    }

    /** The JSON body: {@code {"code":C,"message":"..."}}. */
    public Map<String, Object> getAnswer() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("code", code);
        answer.put("message", getMessage());
        return answer;
    }
}
