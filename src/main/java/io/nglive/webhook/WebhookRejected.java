package io.nglive.webhook;

/** A webhook body nglive will not accept (answered 400); the message names the problem. */
public class WebhookRejected extends RuntimeException {

    public WebhookRejected(String problem) {
        super(problem);
    }
}
