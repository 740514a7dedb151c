package io.nglive.notify;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * events meanwhile stay in the database, not in memory. A target configured for the first time starts with the
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
    private final Object wake = new Object();
    private boolean appended;
    private volatile Thread worker;

    public NotifyDelivery(NotifyTarget target, EventLog log, Cursors cursors, Duration timeout, Duration retryDelay,
                          Duration retryMaxDelay) {
        this.target = target;
        this.log = log;
        this.cursors = cursors;
        this.timeout = timeout;
        this.retryDelay = retryDelay;
        this.retryMaxDelay = retryMaxDelay;
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
        try {
            while (!Thread.currentThread().isInterrupted()) {
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
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.error("event webhook {} stopped: {}", shown(), Redaction.secrets(String.valueOf(e.getMessage())), e);
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

    /** POSTs one event until the target takes it (2xx). */
    private void post(EventLog.Stored event) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target.url())
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "nglive")
                .POST(HttpRequest.BodyPublishers.ofString(event.json(), StandardCharsets.UTF_8))
                .build();
        Duration delay = retryDelay;
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
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            LOG.warn("event webhook {} refused event {} ({}), attempt {}; next in {} ms", shown(), event.seq(),
                    Redaction.secrets(problem), attempt, delay.toMillis());
            Thread.sleep(delay.toMillis());
            delay = delay.multipliedBy(2).compareTo(retryMaxDelay) > 0 ? retryMaxDelay : delay.multipliedBy(2);
        }
    }

    private String shown() {
        return Redaction.url(target.url().toString());
    }
}
