package io.nglive;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.nglive.api.Access;
import io.nglive.api.BodyTooLarge;
import io.nglive.api.JobsApi;
import io.nglive.api.Problems;
import io.nglive.api.RecorderManagedRooms;
import io.nglive.api.RoomsApi;
import io.nglive.central.CentralChannel;
import io.nglive.central.CentralCommands;
import io.nglive.central.CentralHealth;
import io.nglive.events.Cursors;
import io.nglive.events.EventLog;
import io.nglive.events.EventStream;
import io.nglive.events.Heartbeat;
import io.nglive.events.OutboxRetention;
import io.nglive.events.PlatformWebsocketComponent;
import io.nglive.events.SystemLoad;
import io.nglive.events.WebsocketGuard;
import io.nglive.journal.DataLock;
import io.nglive.journal.Database;
import io.nglive.journal.JobJournal;
import io.nglive.notify.NotifyDelivery;
import io.nglive.notify.NotifyTarget;
import io.nglive.pipeline.FileRoots;
import io.nglive.pipeline.Pipeline;
import io.nglive.pipeline.PipelineMetrics;
import io.nglive.pipeline.StageEvents;
import io.nglive.pipeline.StageRunner;
import io.nglive.pipeline.StageSlots;
import io.nglive.recorder.RecorderClient;
import io.nglive.recorder.RecorderHealth;
import io.nglive.recorder.RecorderSupervisor;
import io.nglive.recorder.WebhookRegistration;
import io.nglive.rooms.RoomList;
import io.nglive.rooms.RoomSync;
import io.nglive.transcode.FfmpegProcess;
import io.nglive.transcode.OutOfSpace;
import io.nglive.transcode.Transcoder;
import io.nglive.upload.UploadTargets;
import io.nglive.upload.Uploader;
import io.nglive.webhook.BlrecReader;
import io.nglive.webhook.BlrecWebhook;
import io.nglive.webhook.DdtvReader;
import io.nglive.webhook.DdtvWebhook;
import io.nglive.webhook.OpenRecordings;
import io.nglive.webhook.RecordingScan;
import io.nglive.webhook.WebhookIntake;
import io.nglive.webhook.WebhookMetrics;
import io.nglive.webhook.WebhookReader;
import io.nglive.webhook.WorksPath;
import io.vertx.core.Vertx;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beans the YAML routes call, built from the checked {@link Settings}: the database and journal, the outbox
 * and its WebSocket, the stages and the pipeline. Routes refer to them by the names bound here.
 */
public final class NgliveConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(NgliveConfiguration.class);

    @Override
    public void configure(CamelContext camel) throws Exception {
        Settings settings = new Settings(camel.getPropertiesComponent());
        camel.getPropertiesComponent().addPropertiesFunction(new MillisFunction(camel.getPropertiesComponent()));
        String host = settings.required("camel.server.host");
        int port = settings.integer("camel.server.port", 1, 65535);
        requireFreePort(host, port);
        Registry registry = camel.getRegistry();
        Optional<DataLock> dataLock = DataLock.take(settings.dataPath);
        if (dataLock.isPresent()) {
            camel.addService(dataLock.get());
        }
        camel.addStartupListener(new StartupSummary(settings, host, port));

        // opening HSQLDB takes a few hundred ms (files, schema, a disk sync per statement): it runs on the second core
        // while this thread builds what does not need it, Vert.x and the recorder's HTTP client (TLS) above all
        CompletableFuture<Database> opening = CompletableFuture.supplyAsync(() -> new Database(settings.dataPath),
                task -> new Thread(task, "nglive-db-open").start());
        ObjectMapper json = new ObjectMapper();

        // one Vert.x for platform-http and the WebSocket, so that both serve the same port
        Vertx vertx = Vertx.vertx();
        registry.bind("vertx", vertx);
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                vertx.close();
            }
        });

        Access access = new Access(settings.apiToken, settings.webhookToken);
        Exposure.warning(host, port, settings.apiToken, settings.webhookToken,
                System.getProperties()).ifPresent(LOG::warn);
        registry.bind("vertx-websocket", new PlatformWebsocketComponent(port, new WebsocketGuard(access)));
        answerTooLargeBodiesAsJson(camel, port, settings.optional("camel.server.max-body-size"));
        RecorderClient recorder = settings.recorder.hasApi() ? new RecorderClient(settings.recorder) : null;
        SystemLoad systemLoad = new SystemLoad(settings.worksPath);

        Database database = opened(opening);
        camel.addService(database);
        registry.bind("nglive-db", database.dataSource());
        JobJournal journal = new JobJournal(database.dataSource());
        EventLog events = new EventLog(database.dataSource(), settings.nodeName, json);
        Cursors cursors = new Cursors(database.dataSource());
        for (NotifyTarget target : settings.notifyTargets) {
            camel.addService(new NotifyDelivery(target, events, cursors, settings.notifyTimeout,
                    settings.notifyRetryDelay, settings.notifyRetryMaxDelay, settings.notifyRefusedAttempts));
        }
        stopAbandonedProcesses(journal);

        // a fixed pool: one of 1..4 threads with a queue never grows past its first thread
        ExecutorService websocketWriters = camel.getExecutorServiceManager().newFixedThreadPool(this, "ws-subscribers",
                Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors())));
        EventStream eventStream = new EventStream(events, websocketWriters);
        registry.bind("eventStream", eventStream);

        // an event leaves the outbox once it is older than the retention and each of these consumers has it
        List<String> outboxConsumers = new ArrayList<>();
        settings.notifyTargets.forEach(target -> outboxConsumers.add(target.consumer()));
        settings.central.ifPresent(central -> outboxConsumers.add(CentralChannel.CONSUMER));
        registry.bind("outboxRetention",
                new OutboxRetention(database.dataSource(), events, settings.eventsRetention, outboxConsumers));

        // the registry /observe/metrics scrapes, bound by camel-micrometer-prometheus before this runs; a no-op one
        // when camel.metrics is off
        MeterRegistry meters = Optional.ofNullable(registry.lookupByNameAndType(
                MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class)).orElseGet(CompositeMeterRegistry::new);
        PipelineMetrics pipelineMetrics = new PipelineMetrics(meters);
        WebhookMetrics webhookMetrics = new WebhookMetrics(meters);
        WorksPath works = new WorksPath(settings.worksPath);
        StageRunner transcodeStage = new StageRunner("transcode", StageEvents.TRANSCODE,
                new StageSlots("transcode", settings.transcodeWorkers), journal, events, settings.progressInterval,
                failure -> failure instanceof OutOfSpace ? settings.transcodeSpaceRetries : settings.transcodeRetries,
                pipelineMetrics);
        StageRunner uploadStage = new StageRunner("upload", StageEvents.UPLOAD,
                new StageSlots("upload", settings.uploadWorkers), journal, events, settings.progressInterval,
                failure -> settings.uploadRetries, pipelineMetrics);
        Pipeline pipeline = new Pipeline(journal, works.root(), List.of(transcodeStage, uploadStage), camel,
                pipelineMetrics);

        registry.bind("routes-started", new RoutesStartedCheck());
        registry.bind("settings", settings);
        registry.bind("events", events);
        registry.bind("journal", journal);
        registry.bind("access", access);
        OpenRecordings openRecordings = new OpenRecordings(database.dataSource());
        WebhookIntake intake = new WebhookIntake(new WebhookReader(works), events, journal, openRecordings,
                webhookMetrics);
        registry.bind("webhook", intake);
        registry.bind("webhookMetrics", webhookMetrics);
        registry.bind("blrecWebhook", new BlrecWebhook(new BlrecReader(works), intake));
        registry.bind("ddtvWebhook", new DdtvWebhook(new DdtvReader(works), intake));
        registry.bind("jobsApi", new JobsApi(journal));
        registry.bind("problems", new Problems());
        registry.bind("pipeline", pipeline);
        FileRoots roots = new FileRoots(works.root(), settings.outPath);
        registry.bind("transcoder", new Transcoder(transcodeStage, settings.transcode, journal, roots));
        registry.bind("uploader", new Uploader(uploadStage, UploadTargets.create(settings.upload), roots,
                settings.uploadDeleteLocal, pipelineMetrics));
        RoomList rooms = new RoomList(database.dataSource(), events);
        RecordingScan.RoomIdle roomIdle;
        if (recorder != null) {
            RoomSync roomSync = new RoomSync(rooms, recorder, settings.roomBlacklist);
            registry.bind("roomSync", roomSync);
            registry.bind("roomsApi", new RoomsApi(rooms, roomSync, settings.roomBlacklist));
            registry.bind("webhookRegistration", new WebhookRegistration(recorder, settings.recorder.webhookUrl()));
            roomIdle = room -> roomSync.reachable() && roomSync.seen(room).map(r -> !r.recording()).orElse(false);
            RecorderSupervisor supervisor = null;
            if (settings.recorder.supervised()) {
                supervisor = new RecorderSupervisor(settings.recorder, settings.worksPath, settings.dataPath, recorder,
                        pid -> recorderStarted(camel, pid));
                camel.addService(supervisor);
                registry.bind("recorderSupervisor", supervisor);
            }
            registry.bind("recorder-health", new RecorderHealth(roomSync::status, supervisor));
        } else {
            // webhook-only (nglive.recorder.url empty): 80-recorder's sync routes are not created, the room API refuses
            registry.bind("roomsApi", new RecorderManagedRooms());
            registry.bind("recorder-health", RecorderHealth.webhookOnly());
            // no recorder to ask: a file its webhooks left open stays open until one of them closes it
            roomIdle = room -> false;
        }
        registry.bind("recordingScan", new RecordingScan(works,
                List.of(settings.outPath, settings.dataPath, settings.upload.dir()), journal, events, openRecordings,
                roomIdle, settings.recorder.scanInterval(), database::firstStart));
        CentralCommands centralCommands = new CentralCommands(camel, json);
        registry.bind("centralCommands", centralCommands);
        if (settings.central.isPresent()) {
            CentralChannel channel = new CentralChannel(settings.central.get(), settings.nodeName, database.nodeId(),
                    version(), events, cursors, centralCommands, json);
            registry.bind("central-health", new CentralHealth(channel));
            startWithTheRoutes(camel, channel);
        }
        registry.bind("heartbeat", new Heartbeat(events, systemLoad, pipeline::load,
                rooms::count, eventStream::size, version()));
    }

    /** The database opened in the background, or the reason it could not be, as if it had been opened here. */
    private static Database opened(CompletableFuture<Database> opening) {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw e;
        }
    }

    /** Once platform-http's router exists: a body over the limit gets nglive's JSON error, not Vert.x's plain text. */
    private static void answerTooLargeBodiesAsJson(CamelContext camel, int port, Optional<String> limit)
            throws Exception {
        if (limit.isEmpty()) {
            return;
        }
        BodyTooLarge answer = new BodyTooLarge(Long.parseLong(limit.get()));
        camel.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                        VertxPlatformHttpRouter.getRouterNameFromPort(port));
                if (router != null) {
                    router.route().failureHandler(answer);
                }
            }
        });
    }

    /** Starts {@code service} once every route runs (the central server's commands need them), stops it with Camel. */
    private static void startWithTheRoutes(CamelContext camel, ServiceSupport service) throws Exception {
        camel.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
                context.addService(service);
            }
        });
    }

    /** Tells the routes (seda:recorder-started) that the recorder (re)started, so that rooms and webhook are applied. */
    private static void recorderStarted(CamelContext camel, long pid) {
        try (ProducerTemplate signal = camel.createProducerTemplate()) {
            signal.sendBody("seda:recorder-started", pid);
        } catch (Exception e) {
            LOG.warn("cannot signal the recorder's start to the routes: {}", e.toString());
        }
    }

    /**
     * An ffmpeg that a killed nglive left running would write the same output as its resumed job. It is ours only if
     * it still runs ffmpeg and started together with its step: a pid reused since by another process is left alone.
     */
    private static void stopAbandonedProcesses(JobJournal journal) {
        for (JobJournal.Abandoned abandoned : journal.abandonedProcesses()) {
            boolean startedWithItsStep = ProcessHandle.of(abandoned.pid())
                    .flatMap(p -> p.info().startInstant())
                    .map(started -> Duration.between(abandoned.started().toInstant(), started).abs()
                            .compareTo(Duration.ofMinutes(1)) < 0)
                    .orElse(false);
            if (startedWithItsStep && FfmpegProcess.killOrphan(abandoned.pid(), "ffmpeg")) {
                LOG.warn("stopped ffmpeg (pid {}) left running by a previous nglive that did not stop cleanly",
                        abandoned.pid());
            }
        }
    }

    /**
     * platform-http only logs a failed bind and starts anyway, without a server: check first, so that a port in use
     * stops the start with a reason instead.
     */
    private static void requireFreePort(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new InvalidSetting("camel.server.port", String.valueOf(port),
                    "cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")");
        }
    }

    static String version() {
        String version = NgliveConfiguration.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
