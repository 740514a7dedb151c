package io.nglive.api;

import java.util.LinkedHashMap;
import java.util.Map;

import io.nglive.Redaction;
import org.apache.camel.Exchange;

/** The JSON answer of a failed HTTP request: {@code {"code":<status>0,"message":"..."}}, secrets removed. */
public final class Problems {

    public Map<String, Object> answer(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 500, Integer.class);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String message = failure == null ? "unknown error"
                : failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("code", status * 10);
        answer.put("message", Redaction.url(message));
        return answer;
    }
}
