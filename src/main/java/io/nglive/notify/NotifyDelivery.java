package io.nglive.notify;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.Backoff;
import io.nglive.Redaction;
import io.nglive.events.Cursors;
import io.nglive.events.EventLog;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to one event webhook ({@code nglive.notify.urls}): every stored event the target wants, in
 * seq order, as a JSON POST, at least once. The position is kept in the journal ({@link Cursors}) and advanced only
 * after a 2xx, so a restart or an endpoint that is down delays events but never skips one. A failed POST is tried
 * again after a delay doubling from {@code retryDelay} up to {@code retryMaxDelay}, for as long as it takes; the
 * events meanwhile stay in the database, not in memory. Only an event the endpoint refuses outright (4xx) is given
 * up, after {@code refusedAttempts} tries (see {@link #post}). A target configured for the first time starts with the
 * events that come after that start, not with the whole history. Heartbeats, which are not stored, are not sent.
 */
public final class NotifyDelivery extends ServiceSupport implements EventLog.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(NotifyDelivery.class);
    private static final int BATCH = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NotifyTarget target;
    private final EventLog log;
    private final Cursors cursors;
    private final HttpClient client;
    private final Duration timeout;
    private final Duration retryDelay;
    private final Duration retryMaxDelay;
    private final int refusedAttempts;
    private final Object wake = new Object();
    private boolean appended;
    private volatile Thread worker;

    public NotifyDelivery(NotifyTarget target, EventLog log, Cursors cursors, Duration timeout, Duration retryDelay,
                          Duration retryMaxDelay, int refusedAttempts) {
        this.target = target;
        this.log = log;
        this.cursors = cursors;
        this.timeout = timeout;
        this.retryDelay = retryDelay;
        this.retryMaxDelay = retryMaxDelay;
        this.refusedAttempts = refusedAttempts;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    protected void doStart() {
        long position = cursors.position(target.consumer(), log.lastSeq());
        log.addListener(this);
        Thread thread = new Thread(() -> deliverFrom(position), "notify " + target.url().getHost());
        thread.setDaemon(true);
        worker = thread;
        thread.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        log.removeListener(this);
        Thread thread = worker;
        if (thread != null) {
            thread.interrupt();
            thread.join(5000);
        }
    }

    @Override
    public void appended(long seq) {
        synchronized (wake) {
            appended = true;
            wake.notifyAll();
        }
    }

    @Override
    public void transientEvent(long seq, String json) {
        // heartbeats: not stored, not replayable, not for webhooks
    }

    private void deliverFrom(long start) {
        long position = start;
        Backoff trouble = new Backoff(retryDelay, retryMaxDelay);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                List<EventLog.Stored> batch = log.after(position, BATCH);
                if (batch.isEmpty()) {
                    awaitAppend();
                    continue;
                }
                for (EventLog.Stored event : batch) {
                    if (target.wants(JSON.readTree(event.json()).path("type").asText())) {
                        post(event);
                        cursors.advance(target.consumer(), event.seq());
                    }
                    position = event.seq();
                }
                cursors.advance(target.consumer(), position);
                trouble.reset();
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                // the journal failed us (the position is where it was): try again, never give up the target
                Duration delay = trouble.next();
                LOG.error("event webhook {}: {}; trying again in {} ms", shown(),
                        Redaction.secrets(String.valueOf(e.getMessage())), delay.toMillis(), e);
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void awaitAppend() throws InterruptedException {
        synchronized (wake) {
            if (!appended) {
                wake.wait(1000);
            }
            appended = false;
        }
    }

    /**
     * POSTs one event until the target takes it (2xx). A target that is unreachable, fails (5xx), times out (408) or
     * asks to slow down (429) gets it again, after a delay doubling up to {@code retryMaxDelay}, for as long as it
     * takes. A target that refuses this event (another 4xx) gets it {@code refusedAttempts} times, then it is
     * skipped with an error in the log: one event the receiver cannot take must not hold up every later one.
     */
    private void post(EventLog.Stored event) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target.url())
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "nglive")
                .POST(HttpRequest.BodyPublishers.ofString(event.json(), StandardCharsets.UTF_8))
                .build();
        Backoff backoff = new Backoff(retryDelay, retryMaxDelay);
        int refusals = 0;
        for (int attempt = 1; ; attempt++) {
            String problem;
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    if (attempt > 1) {
                        LOG.info("event webhook {} takes events again (seq {}, attempt {})", shown(), event.seq(), attempt);
                    }
                    return;
                }
                problem = "HTTP " + status;
                if (status / 100 == 4 && status != 408 && status != 429 && ++refusals >= refusedAttempts) {
                    LOG.error("event webhook {} refused event {} {} times ({}): skipped", shown(), event.seq(),
                            refusals, problem);
                    return;
                }
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            Duration delay = backoff.next();
            LOG.warn("event webhook {} did not take event {} ({}), attempt {}; next in {} ms", shown(), event.seq(),
                    Redaction.secrets(problem), attempt, delay.toMillis());
            Thread.sleep(delay.toMillis());
        }
    }

    private String shown() {
        return Redaction.url(target.url().toString());
    }
}
